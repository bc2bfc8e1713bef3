from django import forms
from django.conf import settings
from django.utils.formats import number_format

from .errors import CommentError
from .models import Report
from .posting import clean_body, clean_text
from .reports import REPORT_DETAILS_MAX_LENGTH

BODY_HELP = (
    "Plain text. *Emphasis*, **strong**, [links](https://example.org), > quotes, `code` and "
    "lists work; HTML is shown as typed. Up to {limit} characters."
)


def body_help() -> str:
    return BODY_HELP.format(limit=number_format(settings.COMMENTS_MAX_LENGTH, force_grouping=True))


class _ServiceCleanedForm(forms.Form):
    """Fields are checked by the service's own rules, so the messages are the same."""

    def _clean_with(self, cleaner, name: str) -> str:
        try:
            return cleaner(self.cleaned_data.get(name))
        except CommentError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class CommentBodyForm(_ServiceCleanedForm):
    # No max_length and no maxlength attribute: a browser would silently cut pasted text.
    # The service counts characters after trimming and says what is wrong instead.
    body = forms.CharField(
        label="Your comment",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        error_messages={
            # Django's own NUL check runs first; say it the same way as the service.
            "null_characters_not_allowed": "Your comment contains a NUL (null) character, "
            "which can't be posted. It may have come from a copy and paste: remove it and "
            "try again."
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = body_help()

    def clean_body(self) -> str:
        return self._clean_with(clean_body, "body")


class ReportForm(_ServiceCleanedForm):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose a reason for the report."},
    )
    details = forms.CharField(
        label="Anything moderators should know (optional)",
        help_text="Needed when you choose “Something else”. Up to 1,000 characters.",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={
            "null_characters_not_allowed": "Your description contains a NUL (null) character, "
            "which can't be sent. Remove it and try again."
        },
    )

    def clean(self):
        cleaned = super().clean()
        reason = cleaned.get("reason")
        if "details" in self.errors:
            return cleaned
        try:
            cleaned["details"] = clean_text(
                cleaned.get("details"),
                max_length=REPORT_DETAILS_MAX_LENGTH,
                field="details",
                required=reason == Report.Reason.OTHER,
                what="description of the problem",
            )
        except CommentError as error:
            self.add_error("details", forms.ValidationError(error.message, code=error.code))
        return cleaned

"""Forms of the moderation pages: a reader's notice of illegal content (moderation.notices),
a moderator's note on a reader (moderation.readers), and one decision on several comments
of the queue page (moderation.actions.moderate_many)."""

from django import forms

from comments.models import Comment, CommentEvent

from .actions import ACTIONS, REASON_MAX_LENGTH
from .models import Notice, ReaderNote


class NoticeForm(forms.ModelForm):
    good_faith = forms.BooleanField(
        required=True,
        label="I state in good faith that the information in this notice is accurate and complete.",
        error_messages={"required": "Tick the statement of good faith to send the notice."},
    )

    class Meta:
        model = Notice
        fields = ["location", "explanation", "name", "email", "concerns_csam", "good_faith"]
        labels = {
            "location": "The exact location of the comment",
            "explanation": "Why is this comment illegal?",
            "name": "Your name",
            "email": "Your email address",
            "concerns_csam": "This notice concerns child sexual abuse material",
        }
        help_texts = {
            "location": "Its address on this site, filled in for you.",
            "explanation": "Say which law you believe it breaks, and how.",
            "name": "Required, unless the notice concerns child sexual abuse material.",
            "email": "We send you a receipt and our decision. Required, unless the notice "
            "concerns child sexual abuse material.",
            "concerns_csam": "The law lets you send such a notice without your name or email.",
        }
        error_messages = {
            "explanation": {"required": "Explain why you believe the comment is illegal."},
            "location": {"required": "Give the address of the comment."},
            "email": {"invalid": "Enter an email address such as name@example.com."},
        }
        widgets = {"explanation": forms.Textarea(attrs={"rows": 6})}

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("concerns_csam"):
            if not data.get("name") and "name" not in self.errors:
                self.add_error(
                    "name",
                    "Give your name (or tick that the notice concerns child "
                    "sexual abuse material).",
                )
            if not data.get("email") and "email" not in self.errors:
                self.add_error(
                    "email",
                    "Give your email address (or tick that the notice "
                    "concerns child sexual abuse material).",
                )
        return data


class NoticeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("illegal", "Illegal: remove the comment"), ("legal", "Not illegal: keep it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the comment is illegal."},
    )
    grounds = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the notifier, and to the comment's author when it is removed.",
        error_messages={"required": "Give the grounds: the notifier is told them."},
    )


class ReaderNoteForm(forms.ModelForm):
    """A moderator's note on a reader; a correction names the note it replaces."""

    text = forms.CharField(
        label="Note",
        max_length=5000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by moderators only. Notes are kept: a correction is added as a new note.",
        error_messages={"required": "Write the note."},
    )

    # The note a correction replaces (the view checks it is one of this reader's).
    replaces = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={
            key: "That note is not one of this reader's."
            for key in ("invalid", "min_value", "max_value")
        },
    )

    class Meta:
        model = ReaderNote
        fields = ["text"]


class BulkForm(forms.Form):
    """One decision on several comments of the queue page: those ticked (or all those on
    the page), or a group of near-duplicates. `shown` carries each comment the page showed
    as "<id>:<state>": only those are decided, and only while still in that state."""

    MAX_COMMENTS = 500

    action = forms.ChoiceField(
        choices=[(name, spec.label) for name, spec in ACTIONS.items()],
        error_messages={
            "required": "Choose what to do with the selected comments.",
            "invalid_choice": "Choose an action from the list.",
        },
    )
    category = forms.ChoiceField(
        required=False,
        choices=[("", "Choose a reason…"), *CommentEvent.Reason.choices],
        error_messages={"invalid_choice": "Choose a reason from the list."},
    )
    reason = forms.CharField(required=False, max_length=REASON_MAX_LENGTH)
    all = forms.BooleanField(required=False)

    def clean_reason(self) -> str:
        return " ".join(self.cleaned_data["reason"].split())

    def full_clean(self) -> None:
        # The words' limit, said as the single actions say it (with the length typed).
        words = self.data.get("reason", "") if self.is_bound else ""
        self.fields["reason"].error_messages["max_length"] = (
            f"The reason is {len(words)} characters long; the limit is {REASON_MAX_LENGTH}."
        )
        super().full_clean()

    def clean(self) -> dict:
        data = super().clean()
        shown = _shown(self.data.getlist("shown"))
        if self.data.get("all"):
            chosen = list(shown)
        else:
            chosen = [pk for pk in _ids(self.data.getlist("comment")) if pk in shown]
        if not chosen:
            raise forms.ValidationError(
                "Choose at least one comment: tick its box, or “Select all on this page”."
            )
        if len(chosen) > self.MAX_COMMENTS:
            raise forms.ValidationError(
                f"{len(chosen)} comments are chosen; at most {self.MAX_COMMENTS} at once."
            )
        spec = ACTIONS.get(data.get("action", ""))
        if spec is not None and spec.needs_reason and not data.get("category"):
            what = "s are" if len(chosen) > 1 else " is"
            whose = "their authors" if len(chosen) > 1 else "its author"
            self.add_error(
                "category", f"Choose why the comment{what} {spec.done}: {whose} will be told."
            )
        data["chosen"] = chosen
        data["shown"] = {pk: shown[pk] for pk in chosen}
        return data

    @property
    def selected(self) -> set[int]:
        """The comments ticked, as the moderator sent them (kept on the page after an error)."""
        return set(_ids(self.data.getlist("comment")))


def _ids(values: list[str]) -> list[int]:
    """Comment ids, in the order sent, once each; anything else is left out."""
    ids = (int(value) for value in values if value.isdigit() and len(value) < 11)
    return list(dict.fromkeys(pk for pk in ids if 0 < pk < 2**31))


def _shown(values: list[str]) -> dict[int, str]:
    """{id: state} from "<id>:<state>" entries; anything else is left out."""
    shown = {}
    for value in values:
        pk, _, state = value.partition(":")
        if pk.isdigit() and len(pk) < 11 and 0 < int(pk) < 2**31 and state in Comment.State.values:
            shown.setdefault(int(pk), state)
    return shown

"""Forms of the moderation pages: a reader's notice of illegal content (moderation.notices)
and a moderator's note on a reader (moderation.readers)."""

from django import forms

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

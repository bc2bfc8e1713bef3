from django import forms

from .models import ReaderNote


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

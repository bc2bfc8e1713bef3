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

    class Meta:
        model = ReaderNote
        fields = ["text"]

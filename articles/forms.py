from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from . import editing

# The form's own fields, never part of the piece or of what differs.
VERSION_FIELDS = ("opened_version", "replace_version")


@dataclass(frozen=True)
class FieldDifference:
    label: str
    changes: list[editing.Change]


@dataclass(frozen=True)
class Conflict:
    """Someone else saved the piece after this form was opened."""

    by: str
    at: datetime
    version: int
    differences: list[FieldDifference]


def person(user) -> str:
    if user is None:
        return "Someone"
    return getattr(user, "display_name", "") or user.get_full_name() or user.get_username()


class ArticleAdminForm(forms.ModelForm):
    """The piece's admin form. It carries the version it was opened at: a save from an older
    one is stopped, showing who saved since and what differs, until the editor chooses to
    replace their changes. It can also start from the editor's unsaved draft."""

    opened_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The version whose changes the editor has seen and chose to replace: the value of the
    # checkbox in the conflict notice (templates/admin/articles/article/includes/).
    replace_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    # No Meta: ArticleAdmin.get_form makes the form for the piece from its fieldsets.
    draft_values: dict = {}  # set by ArticleAdmin.get_form to restore a draft
    checks_version = True  # False where a save replaces the piece by choice (a revert)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None
        if self.instance.pk is not None:
            self.initial.setdefault("opened_version", self.instance.version)
        if not self.is_bound:
            self.initial.update(self.draft_values)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or not self.checks_version:
            return cleaned
        saved = editing.saved_version(article_id=self.instance.pk)
        if saved is None or saved in (
            cleaned.get("opened_version"),
            cleaned.get("replace_version"),
        ):
            return cleaned
        last = editing.last_save(article=self.instance)
        self.conflict = Conflict(
            by=person(last.by),
            at=last.at,
            version=saved,
            differences=self.differences(),
        )
        when = date_format(timezone.localtime(last.at), "j M, H:i")
        raise forms.ValidationError(
            f"{self.conflict.by} saved this piece at {when}, after you opened it. Nothing of "
            "yours is saved yet, and all you typed is still here. See what differs below, then "
            "tick “Save mine anyway, replacing their changes” and save again, or open the "
            "piece afresh to start from their version.",
            code="edit_conflict",
        )

    def differences(self) -> list[FieldDifference]:
        """The fields where what was typed differs from the piece as now saved (theirs)."""
        found = []
        for name in self.changed_data:
            if name in VERSION_FIELDS:
                continue
            field = self.fields[name]
            theirs = self.as_text(field, self.get_initial_for_field(field, name))
            yours = self.as_text(field, self.cleaned_data.get(name, self[name].data))
            if theirs != yours:
                label = str(field.label or name.replace("_", " ").capitalize())
                found.append(FieldDifference(label, editing.changes(theirs=theirs, yours=yours)))
        return found

    @staticmethod
    def as_text(field: forms.Field, value) -> str:
        """A field's value as a person reads it: names, not numbers; labels, not codes."""
        if isinstance(field, forms.ModelMultipleChoiceField):
            keys = [getattr(item, "pk", item) for item in value or []]
            return ", ".join(str(item) for item in field.queryset.filter(pk__in=keys))
        if isinstance(field, forms.BooleanField):
            return "Yes" if value else "No"
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value or ""))
        if isinstance(value, datetime):
            return date_format(timezone.localtime(value), "j M Y, H:i")
        if isinstance(value, list | tuple):  # a date and time as typed, not yet valid
            return " ".join(str(part) for part in value)
        return "" if value is None else str(value)

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from . import editing, review
from .models import Article, Author, Topic
from .review import Move, Refusal

# The form's own fields, never part of the piece or of what differs.
OWN_FIELDS = ("opened_version", "replace_version", "note", "change_kind")

REFUSALS = {
    Refusal.NOT_ALLOWED: "Your role can't do that to a piece.",
    Refusal.WRONG_STATE: "The piece is {state} now, so that step doesn't apply (someone may "
    "have moved it since you opened it).",
    Refusal.OWN_PIECE: "You sent this piece for review, so another reviewer approves it.",
    Refusal.NOTE_NEEDED: "Say in the note what needs to change before you send it back.",
}


def when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def state_of(article: Article) -> str:
    """The piece's state in words, with the time that matters."""
    if article.is_taken_down:
        return f"taken down since {when(article.unpublish_at)}"
    if article.status == Article.Status.SCHEDULED and not article.is_published:
        return f"scheduled for {when(article.publish_at)}"
    if article.is_published and article.unpublish_at:
        return f"published, coming down {when(article.unpublish_at)}"
    if article.is_published:
        return "published"
    return article.get_status_display().lower()


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
    replace their changes. It can also start from the editor's unsaved draft. It takes the
    review step of the button pressed, with the team's note. On a published piece it asks
    what a change to its text is: a correction or update readers are told of, or a typo fix
    that tells them nothing."""

    TYPO, NOTE = "typo", "note"
    # What readers read, and what a reviewer approves: a change to it after approval needs
    # review again, and on a published piece is a correction, an update or a typo fix.
    TEXT_FIELDS = {"title", "standfirst", "body"}

    opened_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The version whose changes the editor has seen and chose to replace: the value of the
    # checkbox in the conflict notice (templates/admin/articles/article/includes/).
    replace_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note for the team",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen only here, with your name and the time. Saved with the piece, or "
        "sent with the step you choose below (sending back needs one).",
    )
    user = None  # the person saving: set by ArticleAdmin.get_form, for each request
    change_kind = forms.ChoiceField(
        label="What is this change?",
        choices=[
            (TYPO, "Typo or style fix (no note to readers)"),
            (
                NOTE,
                "Correction or update (add the note for readers under “Corrections and "
                "updates” below)",
            ),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text="Needed when you change the headline, standfirst or text of a published "
        "piece. A correction or update is dated and becomes the piece's “Updated” time; a "
        "typo fix changes neither. The piece's history records which you chose.",
    )

    # No Meta: ArticleAdmin.get_form makes the form for the piece from its fieldsets.
    draft_values: dict = {}  # set by ArticleAdmin.get_form to restore a draft
    checks_version = True  # False where a save replaces the piece by choice (a revert)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None
        # As readers see it now, before this change.
        self.was_published = self.instance.pk is not None and self.instance.is_published
        if self.instance.pk is not None:
            self.initial.setdefault("opened_version", self.instance.version)
        if not self.is_bound:
            self.initial.update(self.draft_values)

    def clean(self):
        cleaned = super().clean()
        self.check_move()
        self.check_change_kind()
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

    @staticmethod
    def move_in(data) -> Move | None:
        """The review step asked for by the button pressed (none: a plain save)."""
        try:
            return Move(data.get("_move", ""))
        except ValueError:
            return None

    def move(self) -> Move | None:
        return self.move_in(self.data)

    def check_move(self) -> None:
        """Refuse a review step this person may not take on the piece as it stands."""
        move = self.move()
        if move is None:
            return
        article = self.instance
        try:
            review.check(
                article=article, move=move, by=self.user, note=self.cleaned_data.get("note", "")
            )
        except review.Refused as refused:
            message = REFUSALS[refused.refusal].format(state=state_of(article))
            raise forms.ValidationError(message, code=refused.refusal.value) from None
        approved = article.status == Article.Status.APPROVED
        if move == Move.PUBLISH and approved and self.text_changed():
            raise forms.ValidationError(
                "The text changed since it was approved. Save it (it goes back to review) "
                "and publish once a reviewer approves it again.",
                code="changed_after_approval",
            )

    def check_change_kind(self) -> None:
        kind = self.cleaned_data.get("change_kind", "")
        if self.was_published and self.text_changed() and not kind:
            self.add_error(
                "change_kind",
                "This piece is published and you changed its text: choose whether this is a "
                "typo or style fix, or a correction or update readers should be told of.",
            )
        # Read by the notes' formset (validated after this form) and the revision comment.
        self.instance.change_kind = kind if self.was_published else ""

    @cached_property
    def changed_data(self) -> list[str]:
        # The form's own fields are said elsewhere (the record, the revision's comment), not
        # listed as changed fields of the piece.
        return [name for name in super().changed_data if name not in OWN_FIELDS]

    def text_changed(self) -> bool:
        """Whether what readers read changed. Not Django's changed_data, which counts a
        browser's CRLF line ends and a trailing newline (stripped by the field) as changes."""

        def normal(text) -> str:
            return (text or "").replace("\r\n", "\n").strip()

        return any(
            normal(self.cleaned_data.get(name)) != normal(self.initial.get(name))
            for name in self.TEXT_FIELDS
            if name in self.cleaned_data
        )

    def differences(self) -> list[FieldDifference]:
        """The fields where what was typed differs from the piece as now saved (theirs)."""
        found = []
        for name in self.changed_data:
            if name in OWN_FIELDS:
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


class PreviewForm(forms.Form):
    """What a preview reads from the change form's POST (the rest of it is ignored). Any
    field that does not validate is left out, so a preview never fails on bad input."""

    title = forms.CharField(required=False)
    standfirst = forms.CharField(required=False)
    body = forms.CharField(required=False, strip=False)
    kind = forms.ChoiceField(choices=Article.Kind.choices, required=False)
    topics = forms.ModelMultipleChoiceField(Topic.objects.all(), required=False)
    authors = forms.ModelMultipleChoiceField(Author.objects.all(), required=False)

    def unsaved_article(self) -> tuple[Article, list, list]:
        """The piece as typed, rendered as Article.save would, never saved; its topics and
        authors (an unsaved piece has no many-to-many rows)."""
        self.is_valid()
        data = self.cleaned_data
        article = Article(
            title=data.get("title", ""),
            standfirst=data.get("standfirst", ""),
            body=data.get("body", ""),
            kind=data.get("kind") or Article.Kind.ANALYSIS,
        )
        article.render()
        return article, list(data.get("topics", ())), list(data.get("authors", ()))

"""What moderators read about one reader (/moderation/readers/<id>/): their comments with
every decision on them, their sanctions, and moderators' notes, which are only added."""

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from comments.errors import CommentError
from comments.models import Comment, CommentEvent

from .models import ReaderNote, Sanction

HISTORY_LIMIT = 100  # the reader's latest comments shown; older ones are in the admin


def history(*, reader) -> list[Comment]:
    """The reader's latest comments, newest first, each with its events (two queries)."""
    events = CommentEvent.objects.select_related("actor").order_by("created_at", "id")
    return list(
        Comment.objects.filter(author=reader)
        .select_related("target")
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )


def sanctions(*, reader) -> QuerySet[Sanction]:
    return Sanction.objects.filter(user=reader).select_related("created_by", "lifted_by")


def notes(*, reader) -> QuerySet[ReaderNote]:
    return ReaderNote.objects.filter(reader=reader).select_related("author", "replaced_by")


@transaction.atomic
def add_note(*, reader, author, text: str, replaces: ReaderNote | None = None) -> ReaderNote:
    """A new note; with `replaces`, a corrected wording of a note on the same reader that
    has not been corrected already (the earlier one is kept as it was). Raises
    CommentError (code "conflict") when that note was corrected already."""
    if replaces is not None:
        replaces = ReaderNote.objects.select_for_update().get(pk=replaces.pk)
        if replaces.reader_id != reader.pk or hasattr(replaces, "replaced_by"):
            raise CommentError(code="conflict")
    return ReaderNote.objects.create(reader=reader, author=author, text=text, replaces=replaces)

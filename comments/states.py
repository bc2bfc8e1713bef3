"""A comment's state, and the record of every change made to it.

`change_state` is the one way a comment's state changes; it records a `CommentEvent` for
every change (who, or the site with its rule; from, to, why). Featuring leaves the state
as it is and is recorded as an event too (`set_featured`). A change acted on an
out-of-date page changes nothing and raises `Conflict`, with what happened since.

Every function that changes what readers see of a discussion sends `discussion_changed`
inside its transaction, with the target's id, so caches of the page follow exactly.
"""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from core import tasks

from . import follows, notifications
from .errors import CommentError, Conflict
from .models import Comment, CommentEvent
from .signals import comment_waiting, discussion_changed

State = Comment.State


def change_state(
    *,
    comment: Comment,
    to_state: str,
    actor=None,
    reason: str = "",
    expected_state: str | None = None,
    rule: str = "",
    held_reason: str | None = None,
    batch: uuid.UUID | None = None,
    undoes: CommentEvent | None = None,
    category: str = "",
) -> CommentEvent | None:
    """Move `comment` to `to_state`, recording who (None: the site, with its `rule`), from,
    to and why.

    The one way a comment's state changes. Returns the event, or None when the comment was
    already in that state. `comment` is updated in place.

    `expected_state` is the state the actor saw: if the comment has moved on since
    (another moderator acted), nothing changes and CommentError says who did what, when.
    The check runs on the row locked for the change (SELECT ... FOR UPDATE on PostgreSQL;
    SQLite's IMMEDIATE transactions hold the database's write lock), so of two moderators
    acting at once, the second is told and no decision is lost.
    """
    if to_state not in State.values:
        raise CommentError(f"Unknown state: {to_state!r}.", code="state")
    if category and category not in CommentEvent.Reason.values:
        raise CommentError(f"Unknown reason: {category!r}.", code="reason", field="category")
    if to_state == State.REMOVED and not (reason or "").strip() and not category:
        raise CommentError("Say why the comment is removed.", code="reason", field="reason")
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        from_state = locked.state
        if expected_state is not None and from_state != expected_state:
            raise conflict(locked)
        if from_state == to_state:
            comment.state = from_state
            return None
        locked.state = to_state
        fields = ["state"]
        if held_reason is not None:
            locked.held_reason = as_held_reason(held_reason)
            fields.append("held_reason")
        locked.save(update_fields=fields)
        event = record(
            locked,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            reason=(reason or "").strip(),
            rule=rule,
            batch=batch,
            undoes=undoes,
            category=category,
        )
        changed(locked)
    comment.state = to_state
    if held_reason is not None:
        comment.held_reason = locked.held_reason
    return event


def set_featured(
    *,
    comment: Comment,
    featured: bool,
    actor,
    reason: str = "",
    batch: uuid.UUID | None = None,
    undoes: CommentEvent | None = None,
) -> CommentEvent:
    """Feature a published comment (an editors' pick, shown first) or stop featuring it."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_featured == featured:
            kind = CommentEvent.Kind.FEATURE if featured else CommentEvent.Kind.UNFEATURE
            if not featured and not locked.events.filter(kind=kind).exists():
                raise CommentError("This comment is not featured.", code="conflict")
            raise conflict(locked, kinds=(kind,))
        if featured and locked.state != State.APPROVED:
            raise CommentError(
                "Only published comments can be featured; this one is "
                f"{locked.get_state_display().lower()}.",
                code="not_public",
            )
        locked.is_featured = featured
        locked.featured_at = timezone.now() if featured else None
        locked.save(update_fields=["is_featured", "featured_at"])
        event = record(
            locked,
            from_state=locked.state,
            to_state=locked.state,
            actor=actor,
            reason=(reason or "").strip(),
            kind=CommentEvent.Kind.FEATURE if featured else CommentEvent.Kind.UNFEATURE,
            batch=batch,
            undoes=undoes,
        )
        changed(locked)
    comment.is_featured, comment.featured_at = locked.is_featured, locked.featured_at
    return event


def note(*, comment: Comment, kind: str, actor, reason: str = "") -> CommentEvent:
    """Record a step that leaves the state as it is (a second look asked for, or a decision
    upheld) in the comment's history, as the moderator's hook asks."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        return record(
            locked,
            from_state=locked.state,
            to_state=locked.state,
            actor=actor,
            reason=(reason or "").strip(),
            kind=kind,
        )


def conflict(comment: Comment, *, kinds: tuple[str, ...] = (CommentEvent.Kind.STATE,)) -> Conflict:
    """What happened to `comment` since it was seen: its last event of `kinds` (by default
    its last change of state; the last featuring when featuring was what changed)."""
    last = (
        CommentEvent.objects.filter(comment_id=comment.pk, kind__in=kinds)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return Conflict(comment=comment, event=last)


def as_held_reason(reason: str) -> str:
    return Truncator(reason).chars(Comment._meta.get_field("held_reason").max_length)


def waiting(comment: Comment) -> None:
    """`comment` waits for a moderator (posted and held, or hidden by reports)."""
    comment_waiting.send(sender=Comment, comment=comment)


def changed(comment: Comment) -> None:
    discussion_changed.send(sender=Comment, target_id=comment.target_id)


def record(
    comment: Comment,
    *,
    from_state: str,
    to_state: str,
    actor,
    reason: str,
    kind: str = CommentEvent.Kind.STATE,
    rule: str = "",
    batch: uuid.UUID | None = None,
    undoes: CommentEvent | None = None,
    category: str = "",
) -> CommentEvent:
    first_approval = (
        to_state == State.APPROVED
        and from_state != State.APPROVED
        and not CommentEvent.objects.filter(comment=comment, to_state=State.APPROVED).exists()
    )
    event = CommentEvent.objects.create(
        comment=comment,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        kind=kind,
        rule=rule,
        batch=batch,
        undoes=undoes,
        category=category,
    )
    if first_approval:
        # Only once the comment is public, and only once; tasks that exist only if this
        # transaction commits, sent by the worker: the person posting never waits on SMTP,
        # and a mail failure is retried there, never an error for them.
        if comment.in_reply_to_id:
            tasks.enqueue(notifications.send_reply_notification, reply_id=comment.pk)
        tasks.enqueue(follows.send_published_comment_mail, comment_id=comment.pk)
    return event

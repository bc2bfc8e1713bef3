"""Second looks: an author asks once for a moderator's decision on their comment to be
looked at again; a moderator other than the one who decided upholds or reverses it.

Each step is recorded in the comment's history (`CommentEvent`): the request and an upheld
decision as events that leave the state as it is, a reversal as the comment published
again through the moderators' own action (restore). The author is mailed the outcome
through the task queue (moderation.statements).
"""

from django.db import transaction
from django.utils import timezone

from comments import states
from comments.errors import CommentError
from comments.models import Comment, CommentEvent
from core import tasks

from . import actions, notifications, statements
from .models import SecondLook

Kind = CommentEvent.Kind
WORDS_MAX_LENGTH = 2000


def latest_decision(comment: Comment) -> CommentEvent | None:
    """The comment's last change of state, if it is a decision that owes a statement."""
    last = (
        CommentEvent.objects.filter(comment_id=comment.pk, kind=Kind.STATE)
        .order_by("-created_at", "-id")
        .first()
    )
    return last if last is not None and statements.is_statement_decision(last) else None


def can_ask(event: CommentEvent, user) -> bool:
    """Whether `user` may ask for a second look at `event` now."""
    return (
        user.is_authenticated
        and event.comment.author_id == user.pk
        and statements.is_statement_decision(event)
        and event.comment.state == event.to_state
        and not SecondLook.objects.filter(decision=event).exists()
        and latest_decision(event.comment) == event
    )


def ask_for_second_look(*, event: CommentEvent, author, words: str = "") -> SecondLook:
    words = " ".join((words or "").split())
    if len(words) > WORDS_MAX_LENGTH:
        raise CommentError(
            f"Your message is {len(words)} characters long; the limit is {WORDS_MAX_LENGTH}.",
            code="too_long",
            field="words",
        )
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=event.comment_id)
        event.comment = comment
        if SecondLook.objects.filter(decision=event).exists():
            raise CommentError(
                "You already asked for a second look at this decision.", code="twice"
            )
        if not can_ask(event, author):
            raise CommentError(
                "A second look can be asked for only by the comment's author, once, about the "
                "latest decision on it.",
                code="forbidden",
            )
        asked = states.note(comment=comment, kind=Kind.REVIEW_ASKED, actor=author, reason=words)
        review = SecondLook.objects.create(
            decision=event,
            comment=comment,
            requested_by=author,
            words=words,
            request_event=asked,
            first_moderator_id=event.actor_id,
        )
        notifications.second_look_waits(review)
    return review


def decide_second_look(
    *, review: SecondLook, moderator, uphold: bool, words: str = ""
) -> SecondLook:
    """Uphold or reverse `review`'s decision, as a moderator other than the one who made it."""
    actions.check_moderator(moderator)
    words = actions.clean_reason(words)
    with transaction.atomic():
        locked = SecondLook.objects.select_for_update().select_related("comment").get(pk=review.pk)
        if not locked.is_open:
            raise CommentError(
                f"This second look was already decided: {locked.get_outcome_display().lower()}.",
                code="conflict",
            )
        if locked.first_moderator_id == moderator.pk:
            raise CommentError(
                "You made the first decision: another moderator decides the second look.",
                code="same_moderator",
            )
        if uphold:
            event = states.note(
                comment=locked.comment, kind=Kind.REVIEW_UPHELD, actor=moderator, reason=words
            )
        else:
            event = actions.moderate(
                comment=locked.comment,
                action=actions.RESTORE,
                moderator=moderator,
                expected_state=locked.decision.to_state,
                reason=f"Second look: decision reversed. {words}".strip(),
            )
        locked.outcome = SecondLook.Outcome.UPHELD if uphold else SecondLook.Outcome.REVERSED
        locked.decided_by = moderator
        locked.decided_at = timezone.now()
        locked.outcome_event = event
        locked.save(update_fields=["outcome", "decided_by", "decided_at", "outcome_event"])
        tasks.enqueue(statements.send_second_look_outcome, review_id=locked.pk)
    return locked

"""Statements of reasons: what an author is told when a moderator rejects, marks as spam or
removes their comment, and the outcome of a second look.

A statement says what was restricted (the comment, its piece, the action), the facts
relied on (the reason from the list and the moderator's words), whether automation took
part (a rule of the site held the comment before a person decided), the rule relied on,
and how to ask for a second look. The same template is the mail, the page the author
reads it on, and the preview a moderator reads before deciding.

Mail goes through the task queue with the decision's transaction (core.tasks.enqueue),
unless the author opted out (`StatementOptOut`, one click from any such mail, signed as
comments.follows' links are). The reasons stay on "Your comments" either way.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentEvent
from core import tasks

from .models import SecondLook, StatementOptOut

State = Comment.State
Reason = CommentEvent.Reason
DECISION_STATES = (State.REJECTED, State.SPAM, State.REMOVED)
OPT_OUT_SALT = "moderation.statements.opt_out"
ACTIONS = {State.REJECTED: "rejected", State.SPAM: "marked as spam", State.REMOVED: "removed"}


@dataclass(frozen=True)
class Statement:
    """The facts of a decision, as the statement template tells them."""

    comment: Comment
    to_state: str
    category: str
    words: str
    decided_at: datetime
    automated: CommentEvent | None  # the site's rule that held the comment, if one did
    event: CommentEvent | None = None  # None: a preview, nothing decided yet

    @property
    def action(self) -> str:
        """What the comment was: "rejected", "marked as spam", "removed"."""
        return ACTIONS[self.to_state]

    @property
    def category_label(self) -> str:
        return Reason(self.category).label if self.category in Reason.values else ""

    @property
    def review_url(self) -> str:
        if self.event is None:
            return ""
        return f"{settings.SITE_URL}{reverse('moderation:statement', args=[self.event.pk])}"


def is_statement_decision(event: CommentEvent) -> bool:
    """A person's decision that takes a comment away: the author is owed a statement."""
    return (
        event.kind == CommentEvent.Kind.STATE
        and event.actor_id is not None
        and event.to_state in DECISION_STATES
        and event.undoes_id is None
    )


def rule_that_held(comment: Comment, before: datetime | None = None) -> CommentEvent | None:
    """The site's own step (no person) that put the comment in front of moderators: its
    first event if a rule held it, or readers' reports hiding it."""
    events = CommentEvent.objects.filter(comment_id=comment.pk, actor__isnull=True).exclude(rule="")
    if before is not None:
        events = events.filter(created_at__lte=before)
    last = events.order_by("-created_at", "-id").first()
    return last if last is not None and last.to_state == State.PENDING else None


def preview(*, comment: Comment, to_state: str, category: str, words: str) -> Statement:
    return Statement(
        comment=comment,
        to_state=to_state,
        category=category,
        words=words,
        decided_at=timezone.now(),
        automated=rule_that_held(comment),
    )


def of_event(event: CommentEvent) -> Statement:
    return Statement(
        comment=event.comment,
        to_state=event.to_state,
        category=event.category,
        words=event.reason,
        decided_at=event.created_at,
        automated=rule_that_held(event.comment, before=event.created_at),
        event=event,
    )


def context(statement: Statement, **extra) -> dict:
    return {
        "statement": statement,
        "comment": statement.comment,
        "target": statement.comment.target,
        "SITE_NAME": settings.SITE_NAME,
        **extra,
    }


# Opting out ----------------------------------------------------------------------------


def opted_out(user) -> bool:
    return StatementOptOut.objects.filter(user_id=user.pk).exists()


def set_opted_out(*, user, opted_out: bool) -> None:
    if opted_out:
        StatementOptOut.objects.get_or_create(user=user)
    else:
        StatementOptOut.objects.filter(user=user).delete()


def opt_out_token(user) -> str:
    return signing.dumps({"user": user.pk}, salt=OPT_OUT_SALT)


def read_opt_out_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=OPT_OUT_SALT)["user"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def opt_out_url(user) -> str:
    return (
        f"{settings.SITE_URL}{reverse('moderation:statements_opt_out', args=[opt_out_token(user)])}"
    )


# Mail ----------------------------------------------------------------------------------


def _mailable(user) -> bool:
    return bool(
        user.email and user.is_active and not getattr(user, "is_deleted", False)
    ) and not opted_out(user)


def _send(template: str, ctx: dict, user) -> None:
    subject = " ".join(render_to_string(f"moderation/email/{template}_subject.txt", ctx).split())
    body = render_to_string(f"moderation/email/{template}_body.txt", ctx)
    url = ctx["opt_out_url"]
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    EmailMessage(subject, body, to=[user.email], headers=headers).send()


def send_statement(*, event_id: int) -> bool:
    """Mail the author the statement of reasons for the decision `event_id`, unless they
    opted out or the decision was undone since (the comment is no longer as it left it)."""
    event = CommentEvent.objects.select_related("comment__author", "comment__target").get(
        pk=event_id
    )
    author = event.comment.author
    if is_undone(event) or event.comment.state != event.to_state or not _mailable(author):
        return False
    _send("statement", context(of_event(event), opt_out_url=opt_out_url(author)), author)
    return True


@tasks.retried
def send_statement_of_reasons(*, event_id: int) -> bool:
    """The task: `send_statement` in the worker; one message, so a retry mails once."""
    return send_statement(event_id=event_id)


def is_undone(event: CommentEvent) -> bool:
    return event.undone_by.exists()


def announce(event: CommentEvent) -> None:
    """Called inside the decision's transaction: the statement goes once it commits and
    MODERATION_STATEMENT_DELAY_SECONDS have passed, the time a moderator has to undo a slip
    (an undone decision sends nothing)."""
    if not is_statement_decision(event):
        return
    task = send_statement_of_reasons
    delay = settings.MODERATION_STATEMENT_DELAY_SECONDS
    if delay > 0:
        task = tasks.later(task, seconds=delay) or task
    tasks.enqueue(task, event_id=event.pk)


def send_outcome(*, review_id: int) -> bool:
    review = SecondLook.objects.select_related(
        "comment__author", "comment__target", "decision", "outcome_event"
    ).get(pk=review_id)
    author = review.comment.author
    if review.is_open or not _mailable(author):
        return False
    ctx = context(of_event(review.decision), review=review, opt_out_url=opt_out_url(author))
    _send("second_look", ctx, author)
    return True


@tasks.retried
def send_second_look_outcome(*, review_id: int) -> bool:
    return send_outcome(review_id=review_id)

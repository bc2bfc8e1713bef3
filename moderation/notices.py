"""Notices of illegal content (DSA Art. 16): anyone may notify a comment they hold illegal,
from a link on every comment; moderators decide in a queue of its own (/moderation/notices/).

A notice is saved and its notifier, when they gave an address, gets a receipt; a decision
says illegal (the comment is removed through `moderation.actions`, reason "illegal
content", so its author gets the statement of reasons as for any removal) or not illegal,
always with grounds, and the notifier is mailed it with the means of redress. Mail goes
through the task queue with the transaction that saved the notice or the decision.

A hosting service's duties only: nothing is sent to any transparency database.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from comments.errors import CommentError
from comments.models import Comment, CommentEvent
from core import tasks

from . import actions, notifications
from .models import Notice

GROUNDS_MAX_LENGTH = 2000


def pending():
    return Notice.objects.filter(decision=Notice.Decision.PENDING).select_related(
        "comment__author", "comment__target"
    )


def submit_notice(
    *,
    comment: Comment,
    location: str,
    explanation: str,
    name: str,
    email: str,
    concerns_csam: bool,
    good_faith: bool,
) -> Notice:
    """Save a notice; its receipt is mailed once it commits, when there is an address."""
    with transaction.atomic():
        notice = Notice(
            comment=comment,
            location=location,
            explanation=explanation,
            name=name,
            email=email,
            concerns_csam=concerns_csam,
            good_faith=good_faith,
        )
        notice.full_clean()
        notice.save()
        if notice.email:
            tasks.enqueue(send_notice_receipt, notice_id=notice.pk)
        notifications.notice_waits(notice)
    return notice


def decide_notice(*, notice: Notice, moderator, illegal: bool, grounds: str) -> Notice:
    """Decide a pending notice. Illegal: the comment is removed (when still live), its
    author told why; the notifier is mailed the decision either way."""
    actions.check_moderator(moderator)
    grounds = " ".join((grounds or "").split())
    if not grounds:
        raise CommentError("Give the grounds: the notifier is told them.", field="grounds")
    if len(grounds) > GROUNDS_MAX_LENGTH:
        raise CommentError(
            f"The grounds are {len(grounds)} characters long; the limit is {GROUNDS_MAX_LENGTH}.",
            field="grounds",
        )
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if not locked.is_pending:
            raise CommentError("This notice was already decided.", code="conflict")
        if illegal:
            comment = Comment.objects.get(pk=locked.comment_id)
            if comment.state in actions.ACTIONS[actions.REMOVE].from_states:
                actions.moderate(
                    comment=comment,
                    action=actions.REMOVE,
                    moderator=moderator,
                    category=CommentEvent.Reason.ILLEGAL,
                    reason=grounds[: actions.REASON_MAX_LENGTH],
                )
        locked.decision = Notice.Decision.ILLEGAL if illegal else Notice.Decision.LEGAL
        locked.grounds = grounds
        locked.decided_by = moderator
        locked.decided_at = timezone.now()
        locked.save(update_fields=["decision", "grounds", "decided_by", "decided_at"])
        if locked.email:
            tasks.enqueue(send_notice_decision, notice_id=locked.pk)
    return locked


# Mail ----------------------------------------------------------------------------------


def _send(template: str, notice: Notice) -> None:
    ctx = {"notice": notice, "comment": notice.comment, "SITE_NAME": settings.SITE_NAME}
    subject = render_to_string(f"moderation/email/{template}_subject.txt", ctx)
    body = render_to_string(f"moderation/email/{template}_body.txt", ctx)
    EmailMessage(" ".join(subject.split()), body, to=[notice.email]).send()


def _notice(notice_id: int) -> Notice:
    return Notice.objects.select_related("comment__target").get(pk=notice_id)


@tasks.retried
def send_notice_receipt(*, notice_id: int) -> bool:
    """The receipt: the notice was received, what it said, what happens next."""
    notice = _notice(notice_id)
    if not notice.email:
        return False
    _send("notice_receipt", notice)
    return True


@tasks.retried
def send_notice_decision(*, notice_id: int) -> bool:
    """The decision, its grounds, and the means of redress."""
    notice = _notice(notice_id)
    if not notice.email or notice.is_pending:
        return False
    _send("notice_decision", notice)
    return True

"""Mail to moderators when comments wait for review: one mail per comment, or a digest;
and, with "each", when a notice of illegal content or a request for a second look waits
(a digest lists comments only: those wait in their tabs, counted).

COMMENTS_MODERATOR_MAIL says which: "each" queues a task with the transaction that held a
comment (never about a comment that was rolled back), and the worker mails every
moderator, each mail retried on its own (core.tasks); "digest" leaves it to
`manage.py send_moderation_digest`, run from cron; "off" mails nobody.

Both mark what they announced (`Comment.moderators_alerted_at`), claiming the rows with a
conditional UPDATE. A comment is announced once, even when two digests run at the same
moment in two processes; a digest whose send fails gives its claim back, so the next run
announces it. A comment hidden by readers' reports waits again and is announced again."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.signals import comment_waiting
from core import tasks
from core.roles import MODERATORS

from .models import Notice, SecondLook

logger = logging.getLogger(__name__)

EACH, DIGEST, OFF = "each", "digest", "off"
MODES = (EACH, DIGEST, OFF)
DIGEST_MAX_LISTED = 50  # a digest lists this many new comments and counts the rest


def recipients() -> list[str]:
    """The addresses of active members of the Moderators group."""
    return list(
        get_user_model()
        .objects.filter(groups__name=MODERATORS, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _absolute(path: str) -> str:
    # SITE_URL, never the request's Host header: a client chooses that.
    return f"{settings.SITE_URL}{path}"


def _waiting(comment_ids) -> list[Comment]:
    return list(
        Comment.objects.filter(pk__in=comment_ids)
        .select_related("author", "target")
        .order_by("created_at", "id")
    )


def _messages(subject: str, body: str, to: list[str]) -> list[EmailMessage]:
    # One message per moderator: nobody's address is shown to the others.
    return [EmailMessage(" ".join(subject.split()), body, to=[address]) for address in to]


def _send(subject: str, body: str, to: list[str]) -> None:
    mail.mailers.default.send_messages(_messages(subject, body, to))


def _release(comment_ids, claimed_at) -> None:
    Comment.objects.filter(pk__in=comment_ids, moderators_alerted_at=claimed_at).update(
        moderators_alerted_at=None
    )


@receiver(comment_waiting, dispatch_uid="moderation.comment_waits")
def comment_waits(sender, *, comment: Comment, **kwargs) -> None:
    """Sent inside the transaction that made `comment` wait (comments.signals): a task that
    mails moderators, enqueued with that transaction (core.tasks.enqueue); the request never
    waits on SMTP."""
    if settings.COMMENTS_MODERATOR_MAIL == EACH:
        tasks.enqueue(announce_waiting_comment, comment_id=comment.pk)


def alert_moderators(*, comment_id: int) -> bool:
    """Queue one mail per moderator that the comment waits, unless it no longer does or was
    announced. The claim and the mails' tasks are made in one transaction: either the
    comment is announced and every mail is on its way, or neither. Each mail then retries
    on its own, so a failure for one moderator never sends the others a second copy."""
    to = recipients()
    if not to:
        return False
    with transaction.atomic():
        claimed = Comment.objects.filter(
            pk=comment_id, state=Comment.State.PENDING, moderators_alerted_at__isnull=True
        ).update(moderators_alerted_at=timezone.now())
        if not claimed:
            return False
        (comment,) = _waiting([comment_id])
        context = {
            "comment": comment,
            "review_url": _absolute(reverse("moderation:item", args=[comment.pk])),
            "queue_url": _absolute(reverse("moderation:queue")),
            "SITE_NAME": settings.SITE_NAME,
        }
        subject = render_to_string("moderation/email/moderation_subject.txt", context)
        body = render_to_string("moderation/email/moderation_body.txt", context)
        for message in _messages(subject, body, to):
            tasks.send_email.enqueue(tasks.message_data(message))
    return True


@tasks.retried
def announce_waiting_comment(*, comment_id: int) -> bool:
    """The task: `alert_moderators` in the worker."""
    return alert_moderators(comment_id=comment_id)


@dataclass(frozen=True)
class DigestResult:
    announced: int  # comments newly listed in the digest
    waiting: int  # all comments waiting
    recipients: int


def send_digest() -> DigestResult:
    """One mail listing the comments that wait and were not announced yet; nothing when
    there are none. Running it twice in a row sends one digest."""
    to = recipients()
    waiting = Comment.objects.filter(state=Comment.State.PENDING)
    if not to:
        return DigestResult(0, waiting.count(), 0)
    candidates = list(
        waiting.filter(moderators_alerted_at__isnull=True)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    if not candidates:
        return DigestResult(0, waiting.count(), len(to))
    claimed_at = timezone.now()
    Comment.objects.filter(pk__in=candidates, moderators_alerted_at__isnull=True).update(
        moderators_alerted_at=claimed_at
    )
    # What this run claimed: another run at the same moment claimed the rest.
    mine = list(
        Comment.objects.filter(pk__in=candidates, moderators_alerted_at=claimed_at).values_list(
            "pk", flat=True
        )
    )
    if not mine:
        return DigestResult(0, waiting.count(), len(to))
    try:
        total = waiting.count()
        listed = _waiting(mine[:DIGEST_MAX_LISTED])
        context = {
            "comments": [(c, _absolute(reverse("moderation:item", args=[c.pk]))) for c in listed],
            "new": len(mine),
            "unlisted": len(mine) - len(listed),
            "waiting": total,
            "queue_url": _absolute(reverse("moderation:queue")),
            "SITE_NAME": settings.SITE_NAME,
        }
        _send(
            render_to_string("moderation/email/digest_subject.txt", context),
            render_to_string("moderation/email/digest_body.txt", context),
            to,
        )
    except Exception:
        _release(mine, claimed_at)
        raise
    return DigestResult(len(mine), total, len(to))


# Notices of illegal content and second looks: their own tabs, and a mail -------------------


def _alert(template: str, context: dict, to: list[str]) -> None:
    context = {**context, "SITE_NAME": settings.SITE_NAME}
    subject = render_to_string(f"moderation/email/{template}_subject.txt", context)
    body = render_to_string(f"moderation/email/{template}_body.txt", context)
    for message in _messages(subject, body, to):
        tasks.send_email.enqueue(tasks.message_data(message))


@tasks.retried
def announce_notice(*, notice_id: int) -> bool:
    """Mail every moderator that a notice of illegal content waits (one task per mail)."""
    notice = Notice.objects.select_related("comment__target").get(pk=notice_id)
    to = recipients()
    if not to or notice.decision != Notice.Decision.PENDING:
        return False
    _alert(
        "notice_waits",
        {"notice": notice, "queue_url": _absolute(reverse("moderation:notices"))},
        to,
    )
    return True


@tasks.retried
def announce_second_look(*, review_id: int) -> bool:
    """Mail the moderators who may decide a second look (all but the one who decided)."""
    review = SecondLook.objects.select_related("comment__target", "first_moderator").get(
        pk=review_id
    )
    first = getattr(review.first_moderator, "email", "")
    to = [address for address in recipients() if address != first]
    if not to or not review.is_open:
        return False
    queue_url = _absolute(f"{reverse('moderation:queue')}?queue=second_look")
    _alert("second_look_waits", {"review": review, "queue_url": queue_url}, to)
    return True


def notice_waits(notice: Notice) -> None:
    """Inside the transaction that saved `notice`: moderators are mailed once it commits."""
    if settings.COMMENTS_MODERATOR_MAIL == EACH:
        tasks.enqueue(announce_notice, notice_id=notice.pk)


def second_look_waits(review: SecondLook) -> None:
    if settings.COMMENTS_MODERATOR_MAIL == EACH:
        tasks.enqueue(announce_second_look, review_id=review.pk)

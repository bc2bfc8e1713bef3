"""Following a discussion, and the mail it brings.

A signed-in reader follows a piece's discussion for each comment published there (a task
for each comment, sending one message to each follower, all enqueued in one transaction
so that a retry never mails anyone twice) or for a daily digest (`manage.py
send_discussion_digests`, run from cron once a day; a follow is claimed by a conditional
update, so a comment is in one digest only). Only published comments are ever mailed: a
held comment is mailed once a moderator approves it, a rejected one never.

Every mail to readers carries a one-click unsubscribe (RFC 8058: List-Unsubscribe and
List-Unsubscribe-Post) that works without signing in: a token signed by Django's signing,
naming the reader and what they stop (a discussion, or mail about replies).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import tasks

from .models import Comment, CommentEvent, Follow
from .targets import CommentTarget, target_model

State = Comment.State
UNSUBSCRIBE_SALT = "comments.unsubscribe"
DIGEST_MAX_LISTED = 20  # a digest quotes this many comments and counts the rest


def follow(*, user, target: CommentTarget, mode: str) -> Follow:
    """`user` follows `target`'s discussion in `mode` (a Follow.Mode), or changes mode."""
    if mode not in Follow.Mode.values:
        raise ValueError(f"not a way to follow: {mode!r}")
    # A digest, from when it is chosen, tells of what is published from then on.
    starts = timezone.now() if mode == Follow.Mode.DAILY else None
    followed, created = Follow.objects.get_or_create(
        user=user, target_id=target.pk, defaults={"mode": mode, "digest_sent_at": starts}
    )
    if not created and followed.mode != mode:
        followed.mode = mode
        followed.digest_sent_at = starts or followed.digest_sent_at
        followed.save(update_fields=["mode", "digest_sent_at"])
    return followed


def unfollow(*, user_id: int, target_id: int) -> bool:
    """Stop the follow; True when there was one."""
    deleted, _ = Follow.objects.filter(user_id=user_id, target_id=target_id).delete()
    return bool(deleted)


def following(*, user, target: CommentTarget) -> Follow | None:
    if not user.is_authenticated:
        return None
    return Follow.objects.filter(user=user, target_id=target.pk).first()


# Unsubscribing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribed:
    stopped: str  # "discussion" or "replies"
    done_now: bool  # False: it had already stopped
    target: CommentTarget | None = None


def unsubscribe_token(*, user, target: CommentTarget | None = None) -> str:
    """A token that stops mail about `target`'s discussion, or about replies (no target)."""
    what = {"user": user.pk, "target": target.pk} if target else {"user": user.pk, "replies": 1}
    return signing.dumps(what, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('comments:unsubscribe', args=[token])}"


def unsubscribe_headers(token: str) -> dict[str, str]:
    """The headers that let mail apps offer "Unsubscribe" and do it in one click."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def read_unsubscribe_token(token: str) -> dict | None:
    """What the token stops, or None for a token this site did not sign."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def unsubscribe(what: dict) -> Unsubscribed:
    """Stop what a token (read_unsubscribe_token) names."""
    if "target" in what:
        target = target_model().objects.filter(pk=what["target"]).first()
        done = unfollow(user_id=what["user"], target_id=what["target"])
        return Unsubscribed(stopped="discussion", done_now=done, target=target)
    done = (
        get_user_model()
        .objects.filter(pk=what["user"], notify_on_reply=True)
        .update(notify_on_reply=False)
    )
    return Unsubscribed(stopped="replies", done_now=bool(done))


# Mail ---------------------------------------------------------------------------------


def _mailable(user) -> bool:
    return bool(user.email) and user.is_active and not getattr(user, "is_deleted", False)


def _message(template: str, context: dict, *, to, target: CommentTarget) -> EmailMessage:
    token = unsubscribe_token(user=to, target=target)
    context = {
        **context,
        "recipient": to,
        "target": target,
        "target_url": f"{settings.SITE_URL}{target.get_absolute_url()}#discussion",
        "unsubscribe_url": unsubscribe_url(token),
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    return EmailMessage(subject, body, to=[to.email], headers=unsubscribe_headers(token))


def announce_published(*, comment_id: int) -> int:
    """Mail `comment_id`, now published, to those following its discussion comment by
    comment; how many messages were enqueued."""
    comment = Comment.objects.select_related("author", "target", "in_reply_to__author").get(
        pk=comment_id
    )
    if comment.state != State.APPROVED:
        return 0
    followers = Follow.objects.filter(target_id=comment.target_id, mode=Follow.Mode.EACH)
    followers = followers.exclude(user_id=comment.author_id).select_related("user")
    answered = comment.in_reply_to.author if comment.in_reply_to_id else None
    if answered is not None and getattr(answered, "notify_on_reply", False):
        followers = followers.exclude(user_id=answered.pk)  # they get the reply mail instead
    context = {
        "comment": comment,
        "comment_url": f"{settings.SITE_URL}{comment.get_absolute_url()}",
    }
    sent = 0
    with transaction.atomic():
        for followed in followers:
            if _mailable(followed.user):
                message = _message(
                    "comments/email/follow", context, to=followed.user, target=comment.target
                )
                tasks.enqueue(tasks.send_email, message=tasks.message_data(message))
                sent += 1
    return sent


@tasks.retried
def send_published_comment_mail(*, comment_id: int) -> int:
    """The task: `announce_published` in the worker. Its messages are enqueued together or
    not at all, so a retry after a failure mails nobody twice."""
    return announce_published(comment_id=comment_id)


def published_between(target_id: int, start: datetime, end: datetime, *, not_by: int):
    """The comments on a discussion published in (start, end] and still published, oldest
    first, but `not_by`'s own."""
    published = CommentEvent.objects.filter(
        comment__target_id=target_id,
        to_state=State.APPROVED,
        created_at__gt=start,
        created_at__lte=end,
    ).values("comment_id")
    return (
        Comment.objects.filter(pk__in=published, state=State.APPROVED)
        .exclude(author_id=not_by)
        .select_related("author")
        .order_by("created_at", "id")
    )


def send_digests(*, now: datetime | None = None) -> int:
    """Each daily follower's digest of what was published since their last one (none when
    nothing was); how many digests were enqueued."""
    now = now or timezone.now()
    sent = 0
    for followed in Follow.objects.filter(mode=Follow.Mode.DAILY).select_related("user", "target"):
        since = followed.digest_sent_at or followed.created_at
        comments = list(published_between(followed.target_id, since, now, not_by=followed.user_id))
        with transaction.atomic():
            claim = Follow.objects.filter(pk=followed.pk, digest_sent_at=followed.digest_sent_at)
            if not claim.update(digest_sent_at=now):
                continue  # another run has just sent it
            if comments and _mailable(followed.user):
                context = {
                    "comments": comments[:DIGEST_MAX_LISTED],
                    "count": len(comments),
                    "more": max(0, len(comments) - DIGEST_MAX_LISTED),
                }
                message = _message(
                    "comments/email/digest", context, to=followed.user, target=followed.target
                )
                tasks.enqueue(tasks.send_email, message=tasks.message_data(message))
                sent += 1
    return sent

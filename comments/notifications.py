"""Mail to readers: the author of a comment, when someone replies to it (if they asked),
with a one-click unsubscribe (comments.follows). Mail to those following a discussion is
comments.follows'.

Sent by the task worker, never while a request waits; links use SITE_URL, never the
request's Host header.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from core import tasks

from . import follows
from .models import Comment

State = Comment.State


def notify_reply(*, reply_id: int) -> bool:
    """Mail the author of the comment answered by `reply_id`, if they asked for it."""
    reply = Comment.objects.select_related("author", "in_reply_to__author", "target").get(
        pk=reply_id
    )
    original = reply.in_reply_to
    if original is None or reply.state != State.APPROVED:
        return False
    recipient = original.author
    if (
        recipient.pk == reply.author_id
        or not recipient.email
        or not recipient.is_active
        or getattr(recipient, "is_deleted", False)
        or not getattr(recipient, "notify_on_reply", False)
    ):
        return False
    token = follows.unsubscribe_token(user=recipient)
    context = {
        "unsubscribe_url": follows.unsubscribe_url(token),
        "reply": reply,
        "original": original,
        "target": reply.target,
        "recipient": recipient,
        "reply_url": f"{settings.SITE_URL}{reply.get_absolute_url()}",
        "settings_url": f"{settings.SITE_URL}{reverse('accounts:profile')}",
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = " ".join(render_to_string("comments/email/reply_subject.txt", context).split())
    body = render_to_string("comments/email/reply_body.txt", context)
    EmailMessage(
        subject, body, to=[recipient.email], headers=follows.unsubscribe_headers(token)
    ).send()
    return True


@tasks.retried
def send_reply_notification(*, reply_id: int) -> bool:
    """The task: `notify_reply` in the worker. A retry checks again whether the mail is still
    due (the reply may have been removed meanwhile); one message, so a retry after a failed
    send cannot mail anyone twice."""
    return notify_reply(reply_id=reply_id)

"""Background work: how tasks are enqueued, how they retry, and the task that sends mail.

- `later(task, seconds=...)`: the task to run later, where the backend can defer.
- `enqueue(task, ...)`: what a request calls. A task is enqueued in the transaction of the
  change it follows when tasks live in that database (django-tasks-db), so it exists if and
  only if the change committed; with any other backend, once the change has committed.
  Either way a rolled-back change starts nothing, and the request never waits for the work.
- `@retried`: every task is made with it. When an attempt raises, the task enqueues itself
  again to run after a delay (TASKS_RETRY_DELAY_SECONDS, doubled after each failure) and
  the attempt is recorded as failed; after TASKS_MAX_ATTEMPTS attempts it is logged as
  failed for good, its row kept with the traceback. An attempt that returns is never
  repeated. django-tasks-db has no retries of its own.
- `send_email`: sends one message given as JSON (`message_data`), so mail rendered in a
  request (allauth's) or in another task is sent by the worker, one retry per message.
"""

import functools
import logging
from datetime import timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.tasks import Task, task
from django.utils import timezone
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)


def retried(function=None, **options):
    """`@task`, plus bounded retries with backoff. Options go to `django.tasks.task`."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:
                if attempt >= settings.TASKS_MAX_ATTEMPTS:
                    logger.exception(
                        "Task %s failed for good after %d attempts",
                        the_task.module_path,
                        attempt,
                    )
                    raise
                delay = settings.TASKS_RETRY_DELAY_SECONDS * 2 ** (attempt - 1)
                again = later(the_task, seconds=delay) or the_task
                # A new row for the next attempt: this one is recorded as failed, with the
                # traceback, so every failed attempt can be seen.
                again.enqueue(*args, attempt=attempt + 1, **kwargs)
                logger.warning(
                    "Task %s failed (attempt %d of %d), tried again in %g s",
                    the_task.module_path,
                    attempt,
                    settings.TASKS_MAX_ATTEMPTS,
                    delay,
                    exc_info=True,
                )
                raise

        the_task = task(run, **options)
        return the_task

    return decorate(function) if function is not None else decorate


def later(the_task: Task, *, seconds: float) -> Task | None:
    """`the_task` set to run `seconds` from now, or None when its backend cannot defer."""
    if not the_task.get_backend().supports_defer:
        return None
    return the_task.using(run_after=timezone.now() + timedelta(seconds=seconds))


def enqueue(the_task: Task, *args, **kwargs) -> None:
    """Enqueue `the_task` for the change being made: see the module's docstring."""
    if isinstance(the_task.get_backend(), DatabaseBackend):
        the_task.enqueue(*args, **kwargs)
    else:
        # A failure to enqueue is logged, never an error for the request that made the change.
        transaction.on_commit(functools.partial(the_task.enqueue, *args, **kwargs), robust=True)


def message_data(message: EmailMessage) -> dict:
    """A message as JSON for `send_email`. Its Message-ID is fixed here, so that a copy sent
    again after a failure that came too late (the server had the message) is recognisable."""
    if message.attachments:
        raise ValueError("send_email carries no attachments")
    headers = dict(message.extra_headers)
    sender_domain = parseaddr(message.from_email)[1].rpartition("@")[2]
    headers.setdefault("Message-ID", make_msgid(domain=sender_domain or "localhost"))
    return {
        "subject": message.subject,
        "body": message.body,
        "content_subtype": message.content_subtype,
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
    }


@retried
def send_email(message: dict) -> int:
    """Send one message made by `message_data` through the default mailer."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        cc=message["cc"],
        bcc=message["bcc"],
        reply_to=message["reply_to"],
        headers=message["headers"],
        alternatives=[tuple(alternative) for alternative in message["alternatives"]],
    )
    email.content_subtype = message["content_subtype"]
    return email.send()

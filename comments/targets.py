"""What the comments app needs from the thing a discussion hangs on, and nothing more.

`Comment.target` is a foreign key to the model named by COMMENTS_TARGET_MODEL (the site's
articles, "articles.Article"), as AUTH_USER_MODEL names the user model; the object must
offer the attributes of `CommentTarget` below (`comments.checks` says so at start-up).
Reading the target only through it keeps `comments` out of the internals of `articles`,
which it never imports.

"Target" is the comments app's word for the article (readers call it a piece): inside
comments the code says target, everywhere else article.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


@runtime_checkable
class CommentTarget(Protocol):
    pk: int
    title: str  # what moderators see of it
    comments_open: bool  # the editor's switch
    publish_at: datetime | None  # the discussion opens with publication
    is_published: bool  # readers can see it

    def get_absolute_url(self) -> str: ...


def target_model() -> type[models.Model]:
    """The model comments hang on (COMMENTS_TARGET_MODEL)."""
    return apps.get_model(settings.COMMENTS_TARGET_MODEL)


@dataclass(frozen=True)
class DiscussionStatus:
    is_open: bool
    message: str = ""  # why it is closed, for readers
    closes_at: datetime | None = None


def discussion_status(target: CommentTarget, *, now: datetime | None = None) -> DiscussionStatus:
    """Whether readers may post on `target` now, and if not, a sentence saying why."""
    now = now or timezone.now()
    if not target.is_published:
        return DiscussionStatus(False, "The discussion opens when the piece is published.")
    if not target.comments_open:
        return DiscussionStatus(False, "Comments are closed on this piece.")
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days > 0 and target.publish_at is not None:
        closes_at = target.publish_at + timedelta(days=days)
        if now >= closes_at:
            closed_on = date_format(timezone.localtime(closes_at), "j F Y")
            return DiscussionStatus(
                False,
                f"This discussion closed on {closed_on}, {days} days after the piece was "
                "published. Comments are closed.",
                closes_at,
            )
        return DiscussionStatus(True, closes_at=closes_at)
    return DiscussionStatus(True)

"""What the comments app needs from the thing a discussion hangs on, and nothing more.

`Comment.target` is a foreign key; the object it points at must offer the attributes of
`CommentTarget` below. The site's pieces (articles.Article) do. Keeping the contract
here, and reading the target only through it, is what keeps `comments` out of the
internals of `articles`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

# How a target's new comments are moderated (after the rules in `comments.rules` that
# apply everywhere): every comment held, only first-time commenters' held, or none held.
# A target says one of these, or "default" (or nothing) for COMMENTS_DEFAULT_POLICY.
PRE_MODERATE = "pre_moderate"
FIRST_TIME = "first_time"
POST_MODERATE = "post_moderate"
POLICIES = (PRE_MODERATE, FIRST_TIME, POST_MODERATE)


@runtime_checkable
class CommentTarget(Protocol):
    pk: int
    title: str  # what moderators see of it
    comments_open: bool  # the editor's switch
    publish_at: datetime | None  # the discussion opens with publication
    is_published: bool  # readers can see it
    moderation_policy: str  # one of POLICIES, or "default"

    def get_absolute_url(self) -> str: ...


@dataclass(frozen=True)
class Policy:
    name: str  # one of POLICIES
    is_default: bool  # the site's default, not chosen for this target


def moderation_policy(target: CommentTarget) -> Policy:
    """The policy for new comments on `target`: its own, or the site's default."""
    chosen = getattr(target, "moderation_policy", "") or ""
    if chosen in POLICIES:
        return Policy(chosen, is_default=False)
    return Policy(settings.COMMENTS_DEFAULT_POLICY, is_default=True)


def target_model() -> type[models.Model]:
    """The model comments hang on, read from the foreign key (no import of its app)."""
    from .models import Comment

    return Comment._meta.get_field("target").related_model


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

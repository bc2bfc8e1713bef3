"""The moderator: whoever decides what happens to new comments, plugged in by a setting.

As django-contrib-comments' moderation framework lets an app plug in, the comments app
only asks; `COMMENTS_MODERATOR` names the class that answers (the `moderation` app's
`moderation.rules.SiteModerator` on this site), and comments imports nothing of it:

- `decide(submission)`: the state a new comment starts in, the reason recorded for
  moderators and, when it has one, a score that orders the queue (or `Sanctioned`,
  refusing it);
- `sanction(user)`: the sanction in force on a reader, if any, which stops every write a
  reader makes (withdrawing their own comment excepted: it publishes nothing);
- `decision_url(event_id)`: where the author of a comment reads the reasons for a
  moderator's decision on it (and may ask for a second look), or "" when nowhere;
- `notice_url(comment_id)`: where anyone may notify a published comment as illegal
  content (DSA Art. 16), or "" when nowhere.

Without a moderator of its own a site holds every comment for review and sanctions no one.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Protocol

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Comment
from .targets import CommentTarget

State = Comment.State


@dataclass(frozen=True)
class Decision:
    state: str
    reason: str  # for moderators: "Held: 4 links (limit 2)"
    rule: str  # the rule's name, recorded on the event
    # How likely moderators are to turn it down, 0 to 1 (a model's estimate), or None: kept
    # on the comment, the queue can put the likeliest first.
    score: float | None = None


@dataclass
class Submission:
    """A comment about to be posted, and what a moderator may ask about its author."""

    author: object
    target: CommentTarget
    body: str
    honeypot: str = ""
    now: datetime = field(default_factory=timezone.now)
    # What a moderator worked out about this submission, for its other rules to reuse.
    facts: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def history(self) -> dict[str, int]:
        """The author's comments so far, and how many are published: one query."""
        return Comment.objects.filter(author_id=self.author.pk).aggregate(
            total=Count("pk"), published=Count("pk", filter=Q(state=State.APPROVED))
        )


class Sanction(Protocol):
    """What readers are told of a sanction in force (templates/comments/includes/sanction.txt)."""

    reason: str
    until: datetime | None  # None: a ban, until lifted
    is_ban: bool


class Moderator:
    """The default: every comment waits for review; no reader is sanctioned."""

    def decide(self, submission: Submission) -> Decision:
        return Decision(State.PENDING, "Held: every comment is reviewed", "default")

    def sanction(self, user, *, now: datetime | None = None) -> Sanction | None:
        return None

    def decision_url(self, event_id: int) -> str:
        return ""

    def notice_url(self, comment_id: int) -> str:
        return ""


def moderator() -> Moderator:
    """The site's moderator (COMMENTS_MODERATOR), read each time so that settings can change."""
    return import_string(settings.COMMENTS_MODERATOR)()

"""A signed-in reader's last visit to a discussion, so that what others published since is
marked new on their next one (selectors.viewer_marks reads it)."""

from datetime import datetime

from django.utils import timezone

from .models import DiscussionVisit
from .targets import CommentTarget


def record_visit(*, target: CommentTarget, user, at: datetime | None = None) -> None:
    """Now (or `at`) is when `user` last read `target`'s discussion: one upsert."""
    DiscussionVisit.objects.bulk_create(
        [DiscussionVisit(user=user, target_id=target.pk, seen_at=at or timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "target"],
        update_fields=["seen_at"],
    )

"""What the comments app keeps about people, and for how long.

A comment keeps a keyed hash of its poster's address (`Comment.ip_hash`, an HMAC with the
secret key: see `comments.throttle.hash_ip`), never the address itself, so moderators can
link abuse coming from one place. The hash is kept for COMMENTS_IP_HASH_RETENTION_DAYS and
then blanked by `purge_ip_hashes` (`manage.py purge_ip_hashes`, daily from cron).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Comment


@dataclass(frozen=True)
class PurgeResult:
    blanked: int
    cutoff: datetime


def ip_hash_cutoff(*, now: datetime | None = None, retention_days: int | None = None) -> datetime:
    days = settings.COMMENTS_IP_HASH_RETENTION_DAYS if retention_days is None else retention_days
    return (now or timezone.now()) - timedelta(days=max(0, days))


def purge_ip_hashes(
    *, now: datetime | None = None, retention_days: int | None = None
) -> PurgeResult:
    """Blank the address hashes of comments older than the retention period.

    One UPDATE of the rows that still hold a hash: running it again changes nothing. The
    comments themselves, their state and their history are untouched.
    """
    cutoff = ip_hash_cutoff(now=now, retention_days=retention_days)
    blanked = Comment.objects.filter(created_at__lt=cutoff).exclude(ip_hash="").update(ip_hash="")
    return PurgeResult(blanked=blanked, cutoff=cutoff)

"""How the queue is doing, for moderators (/moderation/stats/): how long comments wait
before a person decides on them, how many wait now, and who decided what.

A wait runs from the event that made a comment pending (posted and held, or sent back by
a rule) to the first decision a person other than its author made on it from there that
stands (an undone one is no decision; an undo sends it back but does not start a new
wait). Waits are read for comments
decided in the longest window, in one query whatever the number of comments; median and
90th percentile are worked out here, so the same code runs on SQLite and PostgreSQL.
"""

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from comments.models import Comment, CommentEvent

State = Comment.State
Kind = CommentEvent.Kind
WINDOWS = (7, 30)  # days


@dataclass(frozen=True)
class Waits:
    days: int
    decided: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class ModeratorCounts:
    name: str
    counts: dict[str, int]  # decision label → how many, in the longest window
    recent: int  # all decisions in the shortest window
    total: int


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest: datetime | None


def percentile(values: list[timedelta], fraction: float) -> timedelta | None:
    """The nearest-rank percentile: the smallest value at least `fraction` of them reach."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _by_people():
    """Events a person made on someone else's comment and that stand: moderators'
    decisions, neither undone since nor an undo (a slip and its correction are not two
    decisions)."""
    return CommentEvent.objects.filter(
        actor__isnull=False, undoes__isnull=True, undone_by__isnull=True
    ).exclude(actor=F("comment__author"))


def waits(*, now: datetime | None = None) -> list[Waits]:
    now = now or timezone.now()
    since = now - timedelta(days=max(WINDOWS))
    pending_since = (
        CommentEvent.objects.filter(
            comment=OuterRef("comment"),
            to_state=State.PENDING,
            undoes__isnull=True,
            created_at__lte=OuterRef("created_at"),
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    decisions = (
        _by_people()
        .filter(
            kind=Kind.STATE,
            from_state=State.PENDING,
            created_at__gte=since,
            created_at__lte=now,
        )
        .annotate(pending_since=Subquery(pending_since))
        .filter(pending_since__isnull=False)
        .order_by("created_at", "id")
        .values_list("comment_id", "pending_since", "created_at")
    )
    first: dict[tuple[int, datetime], datetime] = {}
    for comment_id, started, decided in decisions:
        first.setdefault((comment_id, started), decided)
    result = []
    for days in WINDOWS:
        start = now - timedelta(days=days)
        values = [decided - started for (_, started), decided in first.items() if decided >= start]
        result.append(
            Waits(
                days=days,
                decided=len(values),
                median=statistics.median(values) if values else None,
                p90=percentile(values, 0.9),
            )
        )
    return result


def waiting_now() -> Waiting:
    row = Comment.objects.filter(state=State.PENDING).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return Waiting(count=row["count"], oldest=row["oldest"])


def _label(kind: str, to_state: str) -> str:
    if kind != Kind.STATE:
        return Kind(kind).label
    return State(to_state).label


def decisions_per_moderator(*, now: datetime | None = None) -> list[ModeratorCounts]:
    """Decisions per moderator in the longest window (by kind), and in the shortest."""
    now = now or timezone.now()
    since = now - timedelta(days=max(WINDOWS))
    recent = now - timedelta(days=min(WINDOWS))
    rows = (
        _by_people()
        .filter(created_at__gte=since, created_at__lte=now)
        .exclude(kind=Kind.REVIEW_ASKED)
        .values("actor", "kind", "to_state")
        .annotate(n=Count("pk"), recent=Count("pk", filter=Q(created_at__gte=recent)))
        .order_by()
    )
    per: dict[int, dict] = {}
    for row in rows:
        entry = per.setdefault(row["actor"], {"counts": {}, "recent": 0, "total": 0})
        label = _label(row["kind"], row["to_state"])
        entry["counts"][label] = entry["counts"].get(label, 0) + row["n"]
        entry["recent"] += row["recent"]
        entry["total"] += row["n"]
    names = {user.pk: user.public_name for user in get_user_model().objects.filter(pk__in=per)}
    return sorted(
        (
            ModeratorCounts(
                name=names[pk],
                counts=dict(sorted(e["counts"].items())),
                recent=e["recent"],
                total=e["total"],
            )
            for pk, e in per.items()
        ),
        key=lambda m: (-m.total, m.name),
    )

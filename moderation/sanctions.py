"""Sanctions: a commenter suspended for some days, or banned until a moderator lifts it.

The sanction in force stops every write a reader makes (`SiteModerator.sanction`, asked
by comments); the reader is told why and until when. Lifting keeps the row.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from comments.errors import CommentError
from comments.models import Comment, CommentEvent

from .actions import REJECT, check_moderator, clean_reason, moderate_many
from .models import Sanction

State = Comment.State
SANCTION_PERMISSION = "moderation.add_sanction"
MAX_SUSPENSION_DAYS = 3650


def active_sanction(user, now: datetime | None = None) -> Sanction | None:
    """The sanction in force on `user`: a ban before any suspension, else the longest."""
    if not getattr(user, "pk", None):
        return None
    sanctions = list(Sanction.objects.active(now).filter(user_id=user.pk))
    if not sanctions:
        return None
    bans = [s for s in sanctions if s.kind == Sanction.Kind.BAN]
    return bans[0] if bans else max(sanctions, key=lambda s: s.until)


def _sanction(
    *,
    user,
    moderator,
    kind: str,
    reason: str,
    until,
    reject_waiting: bool,
) -> Sanction:
    check_moderator(moderator, SANCTION_PERMISSION)
    reason = clean_reason(reason)
    if not reason:
        raise CommentError(
            "Give a reason: the commenter reads it when they try to post.",
            code="reason",
            field="reason",
        )
    if user.pk == moderator.pk:
        raise CommentError("You can't sanction yourself.", code="forbidden")
    with transaction.atomic():
        sanction = Sanction.objects.create(
            user=user, kind=kind, reason=reason, until=until, created_by=moderator
        )
        if reject_waiting:
            waiting = list(Comment.objects.filter(author_id=user.pk, state=State.PENDING))
            moderate_many(
                comments=waiting,
                action=REJECT,
                moderator=moderator,
                category=CommentEvent.Reason.OTHER,
                reason=f"Rejected with the author’s {sanction.get_kind_display().lower()}: "
                f"{reason}",
            )
    return sanction


def suspend_commenter(
    *,
    user,
    moderator,
    days: int,
    reason: str,
    reject_waiting: bool = False,
) -> Sanction:
    """`user` may not post, edit or report for `days` days; they are told why and until when."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise CommentError(
            f"A suspension lasts from 1 to {MAX_SUSPENSION_DAYS} days; for longer, ban.",
            code="days",
            field="days",
        )
    return _sanction(
        user=user,
        moderator=moderator,
        kind=Sanction.Kind.SUSPENSION,
        reason=reason,
        until=timezone.now() + timedelta(days=days),
        reject_waiting=reject_waiting,
    )


def ban_commenter(*, user, moderator, reason: str, reject_waiting: bool = False) -> Sanction:
    """`user` may not post, edit or report until a moderator lifts the ban."""
    return _sanction(
        user=user,
        moderator=moderator,
        kind=Sanction.Kind.BAN,
        reason=reason,
        until=None,
        reject_waiting=reject_waiting,
    )


def lift_sanction(*, sanction: Sanction, moderator) -> Sanction:
    check_moderator(moderator, SANCTION_PERMISSION)
    with transaction.atomic():
        updated = Sanction.objects.filter(pk=sanction.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=moderator
        )
        if not updated:
            raise CommentError("This sanction was already lifted.", code="conflict")
    sanction.refresh_from_db()
    return sanction

"""Readers' reports of published comments, and what moderators do with them.

Enough open reports hide a comment until a moderator decides (COMMENTS_REPORT_THRESHOLD);
a moderator's decision closes its open reports, and an undo opens them again.
"""

import uuid

from django.conf import settings
from django.db import transaction

from . import states
from .errors import CommentError
from .models import Comment, CommentEvent, Report
from .posting import check_not_sanctioned, clean_text

State = Comment.State
REPORT_DETAILS_MAX_LENGTH = 1000


def report_comment(
    *, comment: Comment, reporter, reason: str, details: str = ""
) -> tuple[Report, bool]:
    """A reader reports someone else's published comment; a second report is not added.

    Returns the report and whether it is new.
    """
    if comment.author_id == reporter.pk:
        raise CommentError("You can't report your own comment.", code="own_comment")
    if comment.state != State.APPROVED:
        raise CommentError("Only published comments can be reported.", code="not_public")
    if reason not in Report.Reason.values:
        raise CommentError("Please choose a reason for the report.", code="reason", field="reason")
    details = clean_text(
        details,
        max_length=REPORT_DETAILS_MAX_LENGTH,
        field="details",
        required=reason == Report.Reason.OTHER,
        what="description of the problem",
    )
    check_not_sanctioned(reporter)
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            comment=comment, reporter=reporter, defaults={"reason": reason, "details": details}
        )
        if created:
            _hide_if_reported_enough(comment)
    return report, created


def open_reports(comment: Comment):
    return Report.objects.filter(comment_id=comment.pk, resolution__isnull=True)


def _hide_if_reported_enough(comment: Comment) -> None:
    """At COMMENTS_REPORT_THRESHOLD open reports a published comment is hidden (back to
    pending, by the site) until a moderator decides; they see it in Pending and Reported."""
    threshold = settings.COMMENTS_REPORT_THRESHOLD
    if threshold <= 0:
        return
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    count = open_reports(locked).count()
    if locked.state != State.APPROVED or count < threshold:
        return
    reason = f"Hidden: reported by {count} readers (threshold {threshold})"
    states.change_state(
        comment=locked,
        to_state=State.PENDING,
        actor=None,
        rule="report_threshold",
        reason=reason,
        held_reason=reason,
    )
    # Waiting again: moderators are told again (now, or in the next digest).
    Comment.objects.filter(pk=locked.pk).update(moderators_alerted_at=None)
    states.waiting(locked)


def dismiss_reports(
    *,
    comment: Comment,
    actor,
    reason: str = "",
    batch: uuid.UUID | None = None,
    undoes: CommentEvent | None = None,
) -> CommentEvent:
    """A moderator keeps a reported published comment: its open reports are closed."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if not open_reports(locked).exists():
            raise states.conflict(
                locked, kinds=(CommentEvent.Kind.STATE, CommentEvent.Kind.DISMISS)
            )
        event = states.record(
            locked,
            from_state=locked.state,
            to_state=locked.state,
            actor=actor,
            reason=(reason or "").strip() or "Kept: the reports were dismissed.",
            kind=CommentEvent.Kind.DISMISS,
            batch=batch,
            undoes=undoes,
        )
        resolve_reports(locked, event)
    return event


def reopen_dismissed_reports(
    *, dismissal: CommentEvent, actor, reason: str = "", batch: uuid.UUID | None = None
) -> CommentEvent:
    """Undo `dismissal`: its reports are open again, and the comment back in Reported."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=dismissal.comment_id)
        if locked.state != dismissal.to_state:
            raise states.conflict(locked)
        reopen_reports(dismissal)
        return states.record(
            locked,
            from_state=locked.state,
            to_state=locked.state,
            actor=actor,
            reason=(reason or "").strip(),
            kind=CommentEvent.Kind.DISMISS,
            batch=batch,
            undoes=dismissal,
        )


def resolve_reports(comment: Comment, event: CommentEvent) -> int:
    """Close `comment`'s open reports with the moderator's decision `event`."""
    return open_reports(comment).update(resolution=event)


def reopen_reports(event: CommentEvent) -> int:
    """Open again the reports that `event` closed (its decision was undone)."""
    return Report.objects.filter(resolution=event).update(resolution=None)

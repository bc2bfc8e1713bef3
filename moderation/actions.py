"""What moderators do: decide on comments, one by one or in bulk, and undo.

The admin and the queue page (/moderation/) both call these functions, and these call the
comments' own writes (`comments.states.change_state`, `set_featured`,
`comments.reports.dismiss_reports`), so every
decision is recorded the same way, with its moderator.

Each action takes the state the moderator saw (`expected_state`, from the page). If the
comment moved on in the meantime, nothing changes and `CommentError` tells them what
happened (`comments.errors.Conflict`); see `comments.states.change_state`.

Rejecting and removing take a reason from the list (`CommentEvent.Reason`, one for a whole
bulk action) and optional words; marking as spam is its own reason. Each such decision
sends its author a statement of reasons once it commits (`moderation.statements`).

One action, on one comment or many, is one batch of events: `undo_last_action` reverts
the moderator's latest batch, through the same services, recording the undo as events
that point at what they revert.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef

from comments import reports, states
from comments.errors import CommentError
from comments.models import Comment, CommentEvent

from . import statements
from .models import SecondLook

State = Comment.State
Kind = CommentEvent.Kind
Reason = CommentEvent.Reason
MODERATE_PERMISSION = "comments.change_comment"
REASON_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # the button
    done: str  # "approved": for messages
    to_state: str | None  # None: the state stays (feature, unfeature)
    from_states: frozenset[str]
    key: str = ""  # the queue page's keyboard shortcut
    # A reason from the list (CommentEvent.Reason) is required: its author is told why.
    needs_reason: bool = False
    category: str = ""  # the reason the action itself gives (spam), when it needs none


APPROVE, REJECT, SPAM, REMOVE, RESTORE, FEATURE, UNFEATURE = (
    "approve",
    "reject",
    "spam",
    "remove",
    "restore",
    "feature",
    "unfeature",
)
_LIVE = frozenset({State.PENDING, State.APPROVED})
_GONE = frozenset({State.REJECTED, State.SPAM, State.REMOVED})
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # Approving a published comment that readers reported keeps it: reports dismissed.
        Action(APPROVE, "Approve", "approved", State.APPROVED, _LIVE, key="a"),
        Action(REJECT, "Reject", "rejected", State.REJECTED, _LIVE, key="r", needs_reason=True),
        Action(SPAM, "Spam", "marked as spam", State.SPAM, _LIVE, key="s", category=Reason.SPAM),
        Action(REMOVE, "Remove", "removed", State.REMOVED, _LIVE, needs_reason=True),
        Action(RESTORE, "Restore", "restored", State.APPROVED, _GONE),
        Action(FEATURE, "Feature", "featured", None, frozenset({State.APPROVED}), key="f"),
        # A featured comment that left the discussion can still lose its flag.
        Action(UNFEATURE, "Unfeature", "unfeatured", None, frozenset(State.values), key="f"),
    )
}


def available_actions(comment: Comment, *, open_reports: int = 0) -> list[Action]:
    """The actions that make sense for `comment` as it is, in the order buttons show them."""
    actions = []
    for action in ACTIONS.values():
        if comment.state not in action.from_states:
            continue
        if action.name == APPROVE and comment.state == State.APPROVED and not open_reports:
            continue
        if action.name == FEATURE and comment.is_featured:
            continue
        if action.name == UNFEATURE and not comment.is_featured:
            continue
        actions.append(action)
    return actions


def check_moderator(user, permission: str = MODERATE_PERMISSION) -> None:
    if not (user and user.is_authenticated and user.is_active and user.has_perm(permission)):
        raise CommentError("Only moderators can do this.", code="forbidden")


def clean_reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX_LENGTH:
        raise CommentError(
            f"The reason is {len(reason)} characters long; the limit is {REASON_MAX_LENGTH}.",
            code="reason",
            field="reason",
        )
    return reason


def clean_category(category: str | None, *, required: bool, what: str = "rejected") -> str:
    category = (category or "").strip()
    if category and category not in Reason.values:
        raise CommentError("Choose a reason from the list.", code="reason", field="category")
    if required and not category:
        raise CommentError(
            f"Choose why the comment is {what}: its author will be told.",
            code="reason",
            field="category",
        )
    return category


def moderate(
    *,
    comment: Comment,
    action: str,
    moderator,
    expected_state: str | None = None,
    reason: str = "",
    category: str = "",
    batch: uuid.UUID | None = None,
) -> CommentEvent:
    """Apply `action` to `comment` for `moderator`; return the recorded event.

    Without `expected_state`, the comment's current state is taken as seen (bulk actions:
    each comment must still be in a state the action applies to).
    """
    check_moderator(moderator)
    spec = ACTIONS.get(action)
    if spec is None:
        raise CommentError(f"Unknown action: {action!r}.", code="action")
    reason = clean_reason(reason)
    category = spec.category or clean_category(category, required=spec.needs_reason, what=spec.done)
    batch = batch or uuid.uuid4()
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        seen = expected_state or locked.state
        if locked.state != seen:
            raise states.conflict(locked)
        if spec.to_state is None:
            if locked.state not in spec.from_states:
                raise CommentError(
                    f"Only published comments can be {spec.done}; this one is "
                    f"{locked.get_state_display().lower()}.",
                    code="not_public",
                )
            event = states.set_featured(
                comment=locked,
                featured=spec.name == FEATURE,
                actor=moderator,
                reason=reason,
                batch=batch,
            )
        elif spec.to_state == locked.state:
            # Approving a published comment: keep it and dismiss its open reports.
            if not reports.open_reports(locked).exists():
                raise states.conflict(locked, kinds=(Kind.STATE, Kind.DISMISS))
            event = reports.dismiss_reports(
                comment=locked, actor=moderator, reason=reason, batch=batch
            )
        elif locked.state not in spec.from_states:
            # E.g. approving a rejected comment (that is "restore"): say how it got there.
            raise states.conflict(locked)
        else:
            event = states.change_state(
                comment=locked,
                to_state=spec.to_state,
                actor=moderator,
                reason=reason,
                expected_state=locked.state,
                batch=batch,
                category=category if spec.to_state in statements.DECISION_STATES else "",
            )
            # A decision on the comment deals with what readers reported.
            reports.resolve_reports(locked, event)
            statements.announce(event)
    comment.state = locked.state
    comment.is_featured, comment.featured_at = locked.is_featured, locked.featured_at
    return event


def set_state(
    *,
    comment: Comment,
    to_state: str,
    moderator,
    expected_state: str | None = None,
    reason: str = "",
    category: str = "",
) -> CommentEvent | None:
    """Any change of state a moderator makes by choosing the state (the admin's form)."""
    check_moderator(moderator)
    reason = clean_reason(reason)
    if to_state == State.SPAM:
        category = Reason.SPAM
    elif to_state in statements.DECISION_STATES:
        what = Comment.State(to_state).label.lower()
        category = clean_category(category, required=True, what=what)
    else:
        category = ""
    with transaction.atomic():
        event = states.change_state(
            comment=comment,
            to_state=to_state,
            actor=moderator,
            reason=reason,
            expected_state=expected_state,
            batch=uuid.uuid4(),
            category=category,
        )
        if event is not None:
            reports.resolve_reports(comment, event)
            statements.announce(event)
    return event


@dataclass
class BulkResult:
    done: list[Comment] = field(default_factory=list)
    refused: list[tuple[Comment, str]] = field(default_factory=list)  # and why
    batch: uuid.UUID = field(default_factory=uuid.uuid4)


def moderate_many(
    *,
    comments,
    action: str,
    moderator,
    reason: str = "",
    category: str = "",
    expected_states: Mapping[int, str] | None = None,
) -> BulkResult:
    """Apply `action` to each comment that it applies to; say why for the others.

    With `expected_states` (comment id: the state the moderator saw, from the queue page),
    a comment that is no longer in that state is left as it is and refused, as `moderate`
    refuses one; without, each comment's current state is taken as seen.

    One batch: `undo_last_action` reverts it whole. Each comment is its own transaction,
    so one refusal does not undo the rest.
    """
    check_moderator(moderator)
    result = BulkResult()
    for comment in comments:
        try:
            moderate(
                comment=comment,
                action=action,
                moderator=moderator,
                expected_state=(expected_states or {}).get(comment.pk),
                reason=reason,
                category=category,
                batch=result.batch,
            )
        except CommentError as error:
            if error.code in ("reason", "forbidden", "action"):
                raise
            result.refused.append((comment, error.message))
        else:
            result.done.append(comment)
    return result


# Undo --------------------------------------------------------------------------------


@dataclass
class UndoResult:
    undone: list[CommentEvent]
    refused: list[tuple[CommentEvent, str]]

    @property
    def message(self) -> str:
        if not self.undone:
            return "Nothing was undone."
        names = {_undo_name(event) for event in self.undone}
        what = names.pop() if len(names) == 1 else "actions"
        count = len(self.undone)
        text = f"Undone: {what} of {count} comment{'s' if count != 1 else ''}"
        text += f" (#{', #'.join(str(e.comment_id) for e in self.undone[:10])}"
        text += ", …)." if count > 10 else ")."
        if self.refused:
            text += " Not undone, because they changed since: " + " ".join(
                f"#{event.comment_id}: {why}" for event, why in self.refused
            )
        return text


def _undo_name(event: CommentEvent) -> str:
    if event.kind == Kind.FEATURE:
        return "featuring"
    if event.kind == Kind.UNFEATURE:
        return "unfeaturing"
    if event.kind == Kind.DISMISS:
        return "dismissing reports"
    return {
        State.APPROVED: "approval" if event.from_state == State.PENDING else "restoring",
        State.REJECTED: "rejection",
        State.SPAM: "marking as spam",
        State.REMOVED: "removal",
        State.PENDING: "sending back for review",
    }.get(event.to_state, "change")


def last_action(moderator) -> list[CommentEvent]:
    """The events of `moderator`'s latest action not undone yet (an action is undone once:
    what could not be undone then, because it had changed since, stays as it is)."""
    undone = CommentEvent.objects.filter(undoes__batch=OuterRef("batch"))
    actions = CommentEvent.objects.filter(
        ~Exists(undone), actor_id=moderator.pk, batch__isnull=False, undoes__isnull=True
    )
    latest = actions.order_by("-created_at", "-id").first()
    if latest is None:
        return []
    return list(
        actions.filter(batch=latest.batch).select_related("comment").order_by("-created_at", "-id")
    )


def undo_last_action(*, moderator) -> UndoResult:
    """Revert `moderator`'s last action (all of a bulk action), where the comments are still
    as the action left them. Raises CommentError when there is nothing to undo."""
    check_moderator(moderator)
    events = last_action(moderator)
    if not events:
        raise CommentError("You have no action to undo.", code="nothing_to_undo")
    batch = uuid.uuid4()
    result = UndoResult(undone=[], refused=[])
    for event in events:
        try:
            with transaction.atomic():
                _undo(event, moderator=moderator, batch=batch)
        except CommentError as error:
            result.refused.append((event, error.message))
        else:
            result.undone.append(event)
    if not result.undone:
        raise CommentError(
            "Your last action can't be undone: "
            + " ".join(f"#{event.comment_id}: {why}" for event, why in result.refused),
            code="conflict",
        )
    return result


def _undo(event: CommentEvent, *, moderator, batch: uuid.UUID) -> None:
    if SecondLook.objects.filter(outcome_event=event).exists():
        # The author was told the outcome; a new decision is a new one, with its reasons.
        raise CommentError("a second look's outcome is final.", code="conflict")
    comment = event.comment
    reason = f"Undo of {_undo_name(event)} by {moderator.public_name}."
    if event.kind in (Kind.FEATURE, Kind.UNFEATURE):
        states.set_featured(
            comment=comment,
            featured=event.kind == Kind.UNFEATURE,
            actor=moderator,
            reason=reason,
            batch=batch,
            undoes=event,
        )
    elif event.kind == Kind.DISMISS:
        reports.reopen_dismissed_reports(
            dismissal=event, actor=moderator, reason=reason, batch=batch
        )
    else:
        states.change_state(
            comment=comment,
            to_state=event.from_state,
            actor=moderator,
            reason=reason,
            expected_state=event.to_state,
            batch=batch,
            undoes=event,
        )
        reports.reopen_reports(event)

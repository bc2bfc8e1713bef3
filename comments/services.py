"""Everything that changes comments goes through here; views only translate.

Each function takes keyword arguments, checks the rules, writes in one transaction and
raises `CommentError` (with a sentence for the reader) when the rules say no. The state
of a comment changes in one place only, `change_state`, which records a `CommentEvent`
for every change; `post_comment` records the first state the same way, as decided by
`comments.rules`. Featuring and dismissing reports leave the state as it is and are
recorded as events too (`set_featured`, `dismiss_reports`). What moderators do is built
on these in `comments.moderation`.

Every function that changes what readers see of a discussion sends `discussion_changed`
inside its transaction, with the target's id, so caches of the page follow exactly.
"""

import logging
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator

from core import tasks
from core.markdown import render_comment_markdown

from . import moderator_mail, rules
from .errors import CommentError
from .models import Comment, CommentEvent, CommentRevision, Recommendation, Report
from .signals import discussion_changed
from .targets import CommentTarget, discussion_status

logger = logging.getLogger(__name__)

State = Comment.State
REPORT_DETAILS_MAX_LENGTH = 1000
_ALLOWED_CONTROL_CHARACTERS = {"\n", "\t"}


@dataclass(frozen=True)
class PostResult:
    comment: Comment
    created: bool  # False: a double submit, answered with the comment already posted
    decision: rules.Decision | None = None  # why it starts in its state (when created)


# Text --------------------------------------------------------------------------------


def clean_text(
    text: str | None, *, max_length: int, field: str, required: bool = True, what: str
) -> str:
    """Trimmed text with Unix newlines, or CommentError saying exactly what is wrong."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if required:
            raise CommentError(
                f"Please write your {what} first: it is empty.", code="empty", field=field
            )
        return text
    bad = next(
        (
            ch
            for ch in text
            if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROL_CHARACTERS
        ),
        None,
    )
    if bad is not None:
        name = (
            "a NUL (null) character" if bad == "\x00" else f"a control character (U+{ord(bad):04X})"
        )
        raise CommentError(
            f"Your {what} contains {name}, which can't be posted. It may have come from a "
            "copy and paste: remove it and try again.",
            code="control_character",
            field=field,
        )
    if len(text) > max_length:
        raise CommentError(
            f"Your {what} is {number_format(len(text), force_grouping=True)} characters long; "
            f"the limit is {number_format(max_length, force_grouping=True)}. "
            "Please shorten it.",
            code="too_long",
            field=field,
        )
    return text


def clean_body(body: str | None) -> str:
    return clean_text(body, max_length=settings.COMMENTS_MAX_LENGTH, field="body", what="comment")


# Who may post ------------------------------------------------------------------------


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()


def check_can_post(user) -> None:
    if not user.is_authenticated:
        raise CommentError("Please sign in to comment.", code="anonymous")
    if not user.is_active or getattr(user, "is_deleted", False):
        raise CommentError("This account can't post comments.", code="inactive")
    if not has_verified_email(user):
        raise CommentError(
            "Please confirm your email address before commenting: use the link we sent you, "
            "or ask for a new one.",
            code="unverified",
        )
    # Every write a reader makes passes here; a sanction stops them all (withdrawing one's
    # own comment excepted: it publishes nothing).
    rules.check_not_sanctioned(user)


def sanction_notice(*, user) -> str:
    """What a sanctioned reader is told before they type (why, until when); "" if none."""
    sanction = rules.active_sanction(user)
    return rules.sanction_notice(sanction) if sanction else ""


# Posting -----------------------------------------------------------------------------


def _resolve_parent(parent: Comment | int | None, target: CommentTarget) -> Comment | None:
    if parent is None or parent == "":
        return None
    if not isinstance(parent, Comment):
        try:
            parent = Comment.objects.get(pk=int(parent))
        except (Comment.DoesNotExist, TypeError, ValueError):
            raise CommentError(
                "The comment you replied to does not exist.", code="bad_parent", field="parent"
            ) from None
    if parent.target_id != target.pk:
        raise CommentError(
            "You can only reply to a comment in this piece's discussion.",
            code="bad_parent",
            field="parent",
        )
    if parent.state != State.APPROVED:
        raise CommentError(
            "That comment can't take replies: it is not published (it may be awaiting "
            "review, or have been withdrawn or removed).",
            code="bad_parent",
            field="parent",
        )
    return parent


def _attach_point(parent: Comment) -> Comment:
    """The deepest ancestor (or `parent` itself) that may still take a reply."""
    while parent.depth >= settings.COMMENTS_MAX_DEPTH - 1 and parent.parent_id is not None:
        parent = parent.parent
    return parent


def post_comment(
    *,
    target: CommentTarget,
    author,
    body: str,
    parent: Comment | int | None = None,
    ip_hash: str = "",
    base_url: str = "",
    honeypot: str = "",
    allow_faq_credit: bool = False,
) -> PostResult:
    """Post `body` on `target` (as a reply when `parent` is given).

    The rules of `comments.rules` decide the state it starts in (or refuse it: a
    sanctioned author). `honeypot` is the form's field that people never see.
    A double submit (the same text from the same author in the same place within
    COMMENTS_DUPLICATE_WINDOW_SECONDS) posts nothing and returns the comment already there.
    """
    body = clean_body(body)
    check_can_post(author)
    status = discussion_status(target)
    if not status.is_open:
        raise CommentError(status.message, code="closed")
    in_reply_to = _resolve_parent(parent, target)
    attach_to = _attach_point(in_reply_to) if in_reply_to else None
    now = timezone.now()
    with transaction.atomic():
        # One author's posts queue here (a row lock on PostgreSQL; SQLite's IMMEDIATE
        # transactions already serialise writers), so two clicks can't both pass the
        # duplicate check before either has inserted.
        list(get_user_model().objects.select_for_update().filter(pk=author.pk).values("pk"))
        # Decided under the lock, so the author's earlier comments are all counted.
        decision = rules.decide(
            rules.Submission(
                author=author, target=target, body=body, honeypot=honeypot or "", now=now
            )
        )
        duplicate = (
            Comment.objects.filter(
                author=author,
                target_id=target.pk,
                parent=attach_to,
                body=body,
                state__in=(State.PENDING, State.APPROVED),
                created_at__gte=now - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS),
            )
            .order_by("-created_at")
            .first()
        )
        if duplicate is not None:
            return PostResult(duplicate, created=False)
        comment = Comment.objects.create(
            target_id=target.pk,
            author=author,
            parent=attach_to,
            root=(attach_to.root or attach_to) if attach_to else None,
            in_reply_to=in_reply_to,
            depth=attach_to.depth + 1 if attach_to else 0,
            body=body,
            body_html=render_comment_markdown(body),
            state=decision.state,
            held_reason=_held_reason(decision.reason) if decision.state != State.APPROVED else "",
            ip_hash=ip_hash,
            allow_faq_credit=bool(allow_faq_credit),
            created_at=now,
        )
        _record(
            comment,
            from_state="",
            to_state=decision.state,
            actor=None,
            reason=decision.reason,
            rule=decision.rule,
            base_url=base_url,
        )
        if decision.state == State.PENDING:
            moderator_mail.comment_waits(comment, base_url=base_url)
        _discussion_changed(comment)
    return PostResult(comment, created=True, decision=decision)


def _held_reason(reason: str) -> str:
    return Truncator(reason).chars(Comment._meta.get_field("held_reason").max_length)


def edit_comment(*, comment: Comment, editor, body: str) -> Comment:
    """The author corrects their comment within the edit window; the old text is kept."""
    if comment.author_id != editor.pk:
        raise CommentError("You can only edit your own comments.", code="forbidden")
    body = clean_body(body)
    rules.check_not_sanctioned(editor)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if not locked.is_live:
            raise CommentError(
                "This comment can no longer be edited: it is "
                f"{locked.get_state_display().lower()}.",
                code="not_editable",
            )
        if timezone.now() >= locked.edit_deadline:
            raise CommentError(
                f"Comments can be edited for {settings.COMMENTS_EDIT_WINDOW_MINUTES} minutes "
                "after posting, and that time has passed.",
                code="edit_window",
            )
        if body != locked.body:
            CommentRevision.objects.create(comment=locked, body=locked.body)
            locked.body = body
            locked.body_html = render_comment_markdown(body)
            locked.edited_at = timezone.now()
            locked.save(update_fields=["body", "body_html", "edited_at"])
            _discussion_changed(locked)
    return locked


def withdraw_comment(*, comment: Comment, actor) -> Comment:
    """The author takes their comment back. Its text is kept; replies keep their place."""
    if comment.author_id != actor.pk:
        raise CommentError("You can only withdraw your own comments.", code="forbidden")
    if not comment.is_live:
        raise CommentError(
            f"This comment is already {comment.get_state_display().lower()}.",
            code="not_live",
        )
    change_state(
        comment=comment, to_state=State.WITHDRAWN, actor=actor, reason="Withdrawn by its author."
    )
    return comment


# Reports and recommendations ---------------------------------------------------------


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
    rules.check_not_sanctioned(reporter)
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
    change_state(
        comment=locked,
        to_state=State.PENDING,
        actor=None,
        rule="report_threshold",
        reason=reason,
        held_reason=reason,
    )
    # Waiting again: moderators are told again (now, or in the next digest).
    Comment.objects.filter(pk=locked.pk).update(moderators_alerted_at=None)
    moderator_mail.comment_waits(locked)


def _check_recommendable(comment: Comment, user) -> None:
    if comment.author_id == user.pk:
        raise CommentError("You can't recommend your own comment.", code="own_comment")
    if comment.state != State.APPROVED:
        raise CommentError("Only published comments can be recommended.", code="not_public")


def recommend_comment(*, comment: Comment, user) -> bool:
    """Add `user`'s recommendation; False when they had already recommended it."""
    _check_recommendable(comment, user)
    rules.check_not_sanctioned(user)
    with transaction.atomic():
        _, created = Recommendation.objects.get_or_create(comment=comment, user=user)
        if created:
            Comment.objects.filter(pk=comment.pk).update(
                recommendation_count=F("recommendation_count") + 1
            )
            _discussion_changed(comment)
    return created


def unrecommend_comment(*, comment: Comment, user) -> bool:
    """Take back `user`'s recommendation; False when there was none (a sanctioned reader's
    recommendations stay as they were: counts move only by readers in good standing)."""
    rules.check_not_sanctioned(user)
    with transaction.atomic():
        deleted, _ = Recommendation.objects.filter(comment=comment, user=user).delete()
        if deleted:
            Comment.objects.filter(pk=comment.pk, recommendation_count__gt=0).update(
                recommendation_count=F("recommendation_count") - 1
            )
            _discussion_changed(comment)
    return bool(deleted)


# State -------------------------------------------------------------------------------


def change_state(
    *,
    comment: Comment,
    to_state: str,
    actor=None,
    reason: str = "",
    base_url: str = "",
    expected_state: str | None = None,
    rule: str = "",
    held_reason: str | None = None,
    batch: uuid.UUID | None = None,
    undoes: CommentEvent | None = None,
) -> CommentEvent | None:
    """Move `comment` to `to_state`, recording who (None: the site, with its `rule`), from,
    to and why.

    The one way a comment's state changes. Returns the event, or None when the comment was
    already in that state. `comment` is updated in place.

    `expected_state` is the state the actor saw: if the comment has moved on since
    (another moderator acted), nothing changes and CommentError says who did what, when.
    The check runs on the row locked for the change (SELECT ... FOR UPDATE on PostgreSQL;
    SQLite's IMMEDIATE transactions hold the database's write lock), so of two moderators
    acting at once, the second is told and no decision is lost.
    """
    if to_state not in State.values:
        raise CommentError(f"Unknown state: {to_state!r}.", code="state")
    if to_state == State.REMOVED and not (reason or "").strip():
        raise CommentError("Say why the comment is removed.", code="reason", field="reason")
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        from_state = locked.state
        if expected_state is not None and from_state != expected_state:
            raise conflict(locked)
        if from_state == to_state:
            comment.state = from_state
            return None
        locked.state = to_state
        fields = ["state"]
        if held_reason is not None:
            locked.held_reason = _held_reason(held_reason)
            fields.append("held_reason")
        locked.save(update_fields=fields)
        event = _record(
            locked,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            reason=(reason or "").strip(),
            rule=rule,
            batch=batch,
            undoes=undoes,
            base_url=base_url,
        )
        _discussion_changed(locked)
    comment.state = to_state
    if held_reason is not None:
        comment.held_reason = locked.held_reason
    return event


def set_featured(
    *,
    comment: Comment,
    featured: bool,
    actor,
    reason: str = "",
    batch: uuid.UUID | None = None,
    undoes: CommentEvent | None = None,
) -> CommentEvent:
    """Feature a published comment (an editors' pick, shown first) or stop featuring it."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_featured == featured:
            kind = CommentEvent.Kind.FEATURE if featured else CommentEvent.Kind.UNFEATURE
            if not featured and not locked.events.filter(kind=kind).exists():
                raise CommentError("This comment is not featured.", code="conflict")
            raise conflict(locked, kinds=(kind,))
        if featured and locked.state != State.APPROVED:
            raise CommentError(
                "Only published comments can be featured; this one is "
                f"{locked.get_state_display().lower()}.",
                code="not_public",
            )
        locked.is_featured = featured
        locked.featured_at = timezone.now() if featured else None
        locked.save(update_fields=["is_featured", "featured_at"])
        event = _record(
            locked,
            from_state=locked.state,
            to_state=locked.state,
            actor=actor,
            reason=(reason or "").strip(),
            kind=CommentEvent.Kind.FEATURE if featured else CommentEvent.Kind.UNFEATURE,
            batch=batch,
            undoes=undoes,
        )
        _discussion_changed(locked)
    comment.is_featured, comment.featured_at = locked.is_featured, locked.featured_at
    return event


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
            raise conflict(locked, kinds=(CommentEvent.Kind.STATE, CommentEvent.Kind.DISMISS))
        event = _record(
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
            raise conflict(locked)
        reopen_reports(dismissal)
        return _record(
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


# What happened: told to a moderator who acted on an out-of-date page -------------------

_DONE = {
    State.PENDING: "sent back for review",
    State.APPROVED: "approved",
    State.REJECTED: "rejected",
    State.SPAM: "marked as spam",
    State.WITHDRAWN: "withdrawn",
    State.REMOVED: "removed",
}
_KIND_DONE = {
    CommentEvent.Kind.FEATURE: "featured",
    CommentEvent.Kind.UNFEATURE: "unfeatured",
    CommentEvent.Kind.DISMISS: "kept, its reports dismissed,",
}


def conflict(
    comment: Comment, *, kinds: tuple[str, ...] = (CommentEvent.Kind.STATE,)
) -> CommentError:
    """ "Already approved by Sam at 14:05.": what happened to `comment` since it was seen.

    Told from its last event of `kinds`: by default its last change of state; the last
    featuring when featuring was what changed, and so on.
    """
    last = (
        CommentEvent.objects.filter(comment_id=comment.pk, kind__in=kinds)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None:
        return CommentError(
            f"This comment is {comment.get_state_display().lower()}.", code="conflict"
        )
    if last.kind == CommentEvent.Kind.STATE:
        done = _DONE.get(last.to_state, last.to_state)
    else:
        done = _KIND_DONE.get(last.kind, last.kind)
    if last.actor_id is None:
        who = "the site"
        if last.rule:
            who += f" ({last.rule.replace('_', ' ')})"
    elif last.actor_id == comment.author_id and last.to_state == State.WITHDRAWN:
        who = "its author"
    else:
        who = last.actor.public_name
    at = date_format(timezone.localtime(last.created_at), "H:i")
    return CommentError(f"Already {done} by {who} at {at}.", code="conflict")


def _discussion_changed(comment: Comment) -> None:
    discussion_changed.send(sender=Comment, target_id=comment.target_id)


def _record(
    comment: Comment,
    *,
    from_state: str,
    to_state: str,
    actor,
    reason: str,
    base_url: str = "",
    kind: str = CommentEvent.Kind.STATE,
    rule: str = "",
    batch: uuid.UUID | None = None,
    undoes: CommentEvent | None = None,
) -> CommentEvent:
    first_approval = (
        to_state == State.APPROVED
        and from_state != State.APPROVED
        and not CommentEvent.objects.filter(comment=comment, to_state=State.APPROVED).exists()
    )
    event = CommentEvent.objects.create(
        comment=comment,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        kind=kind,
        rule=rule,
        batch=batch,
        undoes=undoes,
    )
    if first_approval and comment.in_reply_to_id:
        # Only once the reply is public, and only once; a task that exists only if this
        # transaction commits, sent by the worker: the person posting never waits on SMTP,
        # and a mail failure is retried there, never an error for them.
        tasks.enqueue(send_reply_notification, reply_id=comment.pk, base_url=base_url)
    return event


# Mail --------------------------------------------------------------------------------


def absolute_url(path: str, base_url: str = "") -> str:
    # SITE_URL only: `base_url`, the request's address until now, is a Host header a
    # client chooses. Still accepted, unused, by callers and tasks already queued.
    return f"{settings.SITE_URL}{path}"


def notify_reply(*, reply_id: int, base_url: str = "") -> bool:
    """Mail the author of the comment answered by `reply_id`, if they asked for it."""
    reply = Comment.objects.select_related("author", "in_reply_to__author", "target").get(
        pk=reply_id
    )
    original = reply.in_reply_to
    if original is None or reply.state != State.APPROVED:
        return False
    recipient = original.author
    if (
        recipient.pk == reply.author_id
        or not recipient.email
        or not recipient.is_active
        or getattr(recipient, "is_deleted", False)
        or not getattr(recipient, "notify_on_reply", False)
    ):
        return False
    context = {
        "reply": reply,
        "original": original,
        "target": reply.target,
        "recipient": recipient,
        "reply_url": absolute_url(reply.get_absolute_url(), base_url),
        "settings_url": absolute_url(_notification_settings_path(), base_url),
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = " ".join(render_to_string("comments/email/reply_subject.txt", context).split())
    body = render_to_string("comments/email/reply_body.txt", context)
    EmailMessage(subject, body, to=[recipient.email]).send()
    return True


@tasks.retried
def send_reply_notification(*, reply_id: int, base_url: str = "") -> bool:
    """The task: `notify_reply` in the worker. A retry checks again whether the mail is still
    due (the reply may have been removed meanwhile); one message, so a retry after a failed
    send cannot mail anyone twice."""
    return notify_reply(reply_id=reply_id, base_url=base_url)


def _notification_settings_path() -> str:
    from django.urls import NoReverseMatch, reverse

    for name in ("accounts:profile", "account_email"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"

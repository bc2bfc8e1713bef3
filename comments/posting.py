"""What readers write: posting a comment or a reply, correcting it, withdrawing it.

Each function takes keyword arguments, checks the rules, writes in one transaction and
raises `CommentError` (with a sentence for the reader) when the rules say no. The state a
new comment starts in is the site's moderator's decision (`comments.moderator`), recorded
as its first `CommentEvent` like every later change (`comments.states`).
"""

import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format

from core.markdown import render_comment_markdown

from . import states
from .errors import CommentError, Sanctioned
from .models import Comment, CommentRevision
from .moderator import Decision, Submission, moderator
from .targets import CommentTarget, discussion_status

State = Comment.State
_ALLOWED_CONTROL_CHARACTERS = {"\n", "\t"}


@dataclass(frozen=True)
class PostResult:
    comment: Comment
    created: bool  # False: a double submit, answered with the comment already posted
    decision: Decision | None = None  # why it starts in its state (when created)


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


# Who may write -----------------------------------------------------------------------


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
    # Withdrawing one's own comment is the one write a sanction does not stop: it publishes
    # nothing (withdraw_comment does not ask).
    check_not_sanctioned(user)


def check_not_sanctioned(user) -> None:
    """Every write a reader makes passes here; a sanction in force stops them all."""
    sanction = moderator().sanction(user)
    if sanction is not None:
        raise Sanctioned(sanction=sanction)


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
    honeypot: str = "",
    allow_faq_credit: bool = False,
) -> PostResult:
    """Post `body` on `target` (as a reply when `parent` is given).

    The site's moderator decides the state it starts in (or refuses it: a sanctioned
    author). `honeypot` is the form's field that people never see.
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
        submission = Submission(
            author=author, target=target, body=body, honeypot=honeypot or "", now=now
        )
        decision = moderator().decide(submission)
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
            held_reason=states.as_held_reason(decision.reason)
            if decision.state != State.APPROVED
            else "",
            score=decision.score,
            ip_hash=ip_hash,
            allow_faq_credit=bool(allow_faq_credit),
            created_at=now,
        )
        states.record(
            comment,
            from_state="",
            to_state=decision.state,
            actor=None,
            reason=decision.reason,
            rule=decision.rule,
        )
        if decision.state == State.PENDING:
            states.waiting(comment)
        states.changed(comment)
    return PostResult(comment, created=True, decision=decision)


def edit_comment(*, comment: Comment, editor, body: str) -> Comment:
    """The author corrects their comment within the edit window; the old text is kept."""
    if comment.author_id != editor.pk:
        raise CommentError("You can only edit your own comments.", code="forbidden")
    body = clean_body(body)
    check_not_sanctioned(editor)
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
            states.changed(locked)
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
    states.change_state(
        comment=comment, to_state=State.WITHDRAWN, actor=actor, reason="Withdrawn by its author."
    )
    return comment

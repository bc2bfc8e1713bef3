"""A piece's way to readers: draft, in review, approved, then scheduled or published, and
who may move it. Every move is written in the piece's editorial record (EditorNote).

    draft ──send for review──▶ in review ──approve──▶ approved ──publish──▶ scheduled/published
      ▲  ◀──────take back────────┘ │                    │                      │
      └──────────────────send back (with a note)────────┘          take down ──┘

Editors send for review, take back and publish; reviewers approve and send back, and never
approve what they sent themselves. With ARTICLES_REVIEW_REQUIRED off, a draft is published
directly. Taking down is by time (`unpublish_at`): now, or later, which needs no job.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Article, EditorNote

Status, Action = Article.Status, EditorNote.Action


class Move(StrEnum):
    SEND_FOR_REVIEW = "send_for_review"
    TAKE_BACK = "take_back"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    PUBLISH = "publish"
    TAKE_DOWN = "take_down"


class Refusal(StrEnum):
    NOT_ALLOWED = "not_allowed"  # the person's role does not make this move
    WRONG_STATE = "wrong_state"  # the piece is not where this move starts
    OWN_PIECE = "own_piece"  # a reviewer approving what they sent for review
    NOTE_NEEDED = "note_needed"  # sending back says why


class Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class Rule:
    permission: str
    starts: frozenset[str]


def _rules() -> dict[Move, Rule]:
    publishable = {Status.APPROVED}
    if not settings.ARTICLES_REVIEW_REQUIRED:
        publishable.add(Status.DRAFT)
    return {
        Move.SEND_FOR_REVIEW: Rule("articles.change_article", frozenset({Status.DRAFT})),
        Move.TAKE_BACK: Rule("articles.change_article", frozenset({Status.IN_REVIEW})),
        Move.APPROVE: Rule("articles.review_article", frozenset({Status.IN_REVIEW})),
        Move.SEND_BACK: Rule(
            "articles.review_article", frozenset({Status.IN_REVIEW, Status.APPROVED})
        ),
        Move.PUBLISH: Rule("articles.publish_article", frozenset(publishable)),
        Move.TAKE_DOWN: Rule("articles.publish_article", frozenset(Article.LIVE)),
    }


def _sent_by(article: Article):
    """Who last sent `article` for review (None if nobody did)."""
    sent = article.editor_notes.filter(action=Action.SENT_FOR_REVIEW).order_by("-created_at")
    note = sent.only("author_id").first()
    return note.author_id if note else None


def check(*, article: Article, move: Move, by, note: str = "") -> None:
    """Raise Refused if `by` may not make `move` on `article` now."""
    rule = _rules()[move]
    if not by.has_perm(rule.permission):
        raise Refused(Refusal.NOT_ALLOWED)
    starts = rule.starts
    if move == Move.PUBLISH and article.is_taken_down:
        starts = starts | set(Article.LIVE)  # put back up what came down
    if move == Move.TAKE_DOWN and article.is_taken_down:
        starts = frozenset()
    if article.status not in starts:
        raise Refused(Refusal.WRONG_STATE)
    if move == Move.APPROVE and _sent_by(article) == by.pk:
        raise Refused(Refusal.OWN_PIECE)
    if move == Move.SEND_BACK and not note.strip():
        raise Refused(Refusal.NOTE_NEEDED)


def moves_for(*, article: Article, by) -> list[Move]:
    """The moves `by` may make on `article` as it stands (none before its first save)."""
    if article.pk is None:
        return []
    allowed = []
    for move in Move:
        try:
            check(article=article, move=move, by=by, note="-")
        except Refused:
            continue
        allowed.append(move)
    return allowed


@transaction.atomic
def make(*, article: Article, move: Move, by, note: str = "") -> EditorNote:
    """Make `move` on `article` as `by`, with an optional `note` (required to send back),
    and record it. Publishing uses the piece's publish time: none or a past one publishes
    now, a future one schedules."""
    check(article=article, move=move, by=by, note=note)
    now = timezone.now()
    if move == Move.SEND_FOR_REVIEW:
        article.status, action = Status.IN_REVIEW, Action.SENT_FOR_REVIEW
    elif move == Move.TAKE_BACK:
        article.status, action = Status.DRAFT, Action.WITHDRAWN
    elif move == Move.APPROVE:
        article.status, action = Status.APPROVED, Action.APPROVED
    elif move == Move.SEND_BACK:
        article.status, action = Status.DRAFT, Action.SENT_BACK
    elif move == Move.PUBLISH:
        if article.unpublish_at is not None and article.unpublish_at <= now:
            article.unpublish_at = None  # up again, until an editor sets a new time
        article.status, action = Status.PUBLISHED, Action.PUBLISHED
    else:  # TAKE_DOWN: a live piece leaves now; a scheduled one goes back to approved
        if article.is_published:
            article.unpublish_at, action = now, Action.TAKEN_DOWN
        else:
            article.status, action = Status.APPROVED, Action.UNSCHEDULED
    article.save()
    if article.status == Status.SCHEDULED and move == Move.PUBLISH:
        action = Action.SCHEDULED  # Article.save() made the future publish time a schedule
    return article.editor_notes.create(author=by, action=action, text=note.strip())


def add_note(*, article: Article, by, text: str) -> EditorNote:
    return article.editor_notes.create(author=by, action=Action.NOTE, text=text.strip())


def reopen(*, article: Article, by) -> EditorNote:
    """An approved piece whose text changed goes back to review: what was approved is not
    what would be published."""
    article.status = Status.IN_REVIEW
    article.save(update_fields=["status", "updated_at"])
    return article.editor_notes.create(author=by, action=Action.REOPENED)

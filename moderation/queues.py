"""The moderators' queues, and a page of comments with everything a moderator reads.

The admin's changelist and the queue page (/moderation/) both read comments from here.
Whatever the number of comments shown, a page costs the same queries:
  1. the count of every queue (one aggregate),
  2. the paginator's count of the queue,
  3. the page of comments with their author, piece and the comment they answer joined,
     and the author's history (published, rejected, spam) and the open report count as
     correlated subqueries,
  4. the open reports of the comments on the page (their reasons), prefetched.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from comments.models import Comment, CommentEvent, Report

from .models import SecondLook

State = Comment.State


def _open_reported() -> Q:
    open_reports = Report.objects.filter(resolution__isnull=True).values("comment_id")
    return Q(pk__in=open_reports, state__in=(State.APPROVED, State.PENDING))


def _open_second_look() -> Q:
    # Open, and about the decision the comment still stands under (not one undone since).
    waiting = SecondLook.objects.filter(outcome="", comment__state=F("decision__to_state"))
    return Q(pk__in=waiting.values("comment_id"))


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    condition: Q
    ordering: tuple[str, ...]
    # The actions the page's multi-select offers (moderation.actions' names), and whether
    # near-duplicates are grouped (moderation.groups): queues of comments that wait.
    bulk: tuple[str, ...] = ()
    grouped: bool = False


_WAITING = ("approve", "reject", "spam", "remove")
_GONE = ("restore",)


QUEUES: dict[str, Queue] = {
    q.key: q
    for q in (
        # Waiting ones oldest first: the queue is cleared in the order comments came in.
        Queue(
            "pending",
            "Pending",
            Q(state=State.PENDING),
            ("created_at", "id"),
            bulk=_WAITING,
            grouped=True,
        ),
        Queue(
            "reported",
            "Reported",
            _open_reported(),
            ("-open_report_count", "created_at", "id"),
            bulk=_WAITING,
            grouped=True,
        ),
        # Authors asking for a second look at a decision: decided by another moderator.
        Queue("second_look", "Second looks", _open_second_look(), ("created_at", "id")),
        Queue(
            "published",
            "Published",
            Q(state=State.APPROVED),
            ("-created_at", "-id"),
            bulk=("feature", "reject", "spam", "remove"),
        ),
        Queue(
            "featured",
            "Featured",
            Q(state=State.APPROVED, is_featured=True),
            ("-featured_at", "-id"),
            bulk=("unfeature", "reject", "spam", "remove"),
        ),
        Queue("rejected", "Rejected", Q(state=State.REJECTED), ("-created_at", "-id"), bulk=_GONE),
        Queue("spam", "Spam", Q(state=State.SPAM), ("-created_at", "-id"), bulk=_GONE),
        Queue("withdrawn", "Withdrawn", Q(state=State.WITHDRAWN), ("-created_at", "-id")),
        Queue("removed", "Removed", Q(state=State.REMOVED), ("-created_at", "-id"), bulk=_GONE),
    )
}
DEFAULT_QUEUE = "pending"


def queue_or_default(key: str | None) -> Queue:
    return QUEUES.get(key or "", QUEUES[DEFAULT_QUEUE])


def counts() -> dict[str, int]:
    """How many comments each queue holds, and all of them: one query."""
    return Comment.objects.aggregate(
        all=Count("pk"),
        **{key: Count("pk", filter=queue.condition) for key, queue in QUEUES.items()},
    )


def pending_count() -> int:
    """How many comments wait for a first decision."""
    return Comment.objects.filter(QUEUES["pending"].condition).count()


def _authors(state: str) -> Subquery:
    return Coalesce(
        Subquery(
            Comment.objects.filter(author=OuterRef("author"), state=state)
            .order_by()
            .values("author")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def with_report_count(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    open_count = (
        Report.objects.filter(comment=OuterRef("pk"), resolution__isnull=True)
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        open_report_count=Coalesce(Subquery(open_count, output_field=IntegerField()), 0)
    )


def for_moderation(queryset: QuerySet[Comment] | None = None) -> QuerySet[Comment]:
    """Comments with what a moderator reads beside each: author and history, piece, the
    comment it answers, open reports. A constant number of queries for any page of it."""
    queryset = Comment.objects.all() if queryset is None else queryset
    open_review = SecondLook.objects.filter(comment=OuterRef("pk"), outcome="").order_by("-id")
    decided = CommentEvent.objects.filter(comment=OuterRef("pk"), kind="state").exclude(category="")
    decided = decided.order_by("-created_at", "-id")
    return with_report_count(
        queryset.select_related("author", "target", "in_reply_to__author").annotate(
            author_published=_authors(State.APPROVED),
            author_rejected=_authors(State.REJECTED),
            author_spam=_authors(State.SPAM),
            # An open second look, what the author said, and who may not decide it.
            open_review_id=Subquery(open_review.values("pk")[:1]),
            open_review_words=Subquery(open_review.values("words")[:1]),
            open_review_first=Subquery(open_review.values("first_moderator_id")[:1]),
            open_review_category=Subquery(open_review.values("decision__category")[:1]),
            open_review_reason=Subquery(open_review.values("decision__reason")[:1]),
            # The reason the author was given for the latest rejection or removal.
            decided_category=Subquery(decided.values("category")[:1]),
            decided_reason=Subquery(decided.values("reason")[:1]),
        )
    ).prefetch_related(
        Prefetch(
            "reports",
            queryset=Report.objects.filter(resolution__isnull=True).order_by("created_at", "id"),
            to_attr="open_reports",
        )
    )


# Any queue can be read in the scorer's order instead of its own: the comments moderators
# are likeliest to turn down first (those no model scored last), then oldest first.
PRIORITY = "priority"
BY_PRIORITY = (F("score").desc(nulls_last=True), "created_at", "id")


def in_queue(
    queue: Queue, queryset: QuerySet[Comment] | None = None, *, sort: str = ""
) -> QuerySet[Comment]:
    ordering = BY_PRIORITY if sort == PRIORITY else queue.ordering
    return for_moderation(queryset).filter(queue.condition).order_by(*ordering)


def report_reasons(comment: Comment) -> list[tuple[str, int]]:
    """("Abusive, hateful or harassing", 2), …: the open reports' reasons, most frequent first.

    Reads the prefetched `open_reports` (see `for_moderation`)."""
    labels = dict(Report.Reason.choices)
    tally = Counter(report.reason for report in getattr(comment, "open_reports", ()))
    return [(labels.get(reason, reason), n) for reason, n in tally.most_common()]

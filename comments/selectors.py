"""Reading comments: a page of threads in a constant number of queries, counts for lists.

What a reader sees: published comments, plus their own comments awaiting review (marked
as such, and shown to nobody else). A comment that left the discussion (withdrawn,
removed, rejected, spam) but has visible replies stays as a placeholder, so the thread
keeps its shape.

A page of the discussion costs, whatever its length:
  1. both counts, in one query: published comments (the article's meta line) and listed
     top-level comments (the paginator's),
  2. the page of top-level comments (authors joined),
  3. every reply in those threads, by their stored `root` (authors joined),
and the editors' picks (featured comments) one more when there are any. For a signed-in
reader, what they recommended and reported on the discussion is one more (`viewer_marks`),
indexed by reader, whatever the length of the discussion. The tree is built in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Comment, CommentEvent, DiscussionVisit, Recommendation, Report
from .moderator import moderator
from .targets import CommentTarget, DiscussionStatus, discussion_status

State = Comment.State
LIVE = (State.PENDING, State.APPROVED)  # what its author may still edit or withdraw

SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "oldest": ("Oldest first", ("created_at", "id")),
    "newest": ("Newest first", ("-created_at", "-id")),
    "top": ("Most recommended", ("-recommendation_count", "created_at", "id")),
}
DEFAULT_SORT = "oldest"

PLACEHOLDERS = {
    State.WITHDRAWN: "This comment was withdrawn by its author.",
    State.REMOVED: "This comment was removed by a moderator.",
    State.REJECTED: "This comment was removed by a moderator.",
    State.SPAM: "This comment was removed by a moderator.",
    State.PENDING: "This comment is awaiting review.",
}


def annotate_comment_counts(queryset: QuerySet, name: str = "comment_count") -> QuerySet:
    """Annotate each target in `queryset` with its number of published comments.

    A correlated subquery, not a JOIN + GROUP BY, so it composes with any filter,
    ordering, prefetch or pagination of the list: one query for the whole list.
    """
    published = (
        Comment.objects.filter(target=OuterRef("pk"), state=State.APPROVED)
        .order_by()
        .values("target")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        **{name: Coalesce(Subquery(published, output_field=IntegerField()), 0)}
    )


def visible_q(viewer) -> Q:
    """Comments `viewer` may read: published ones, and their own awaiting review."""
    q = Q(state=State.APPROVED)
    if viewer is not None and viewer.is_authenticated:
        q |= Q(state=State.PENDING, author_id=viewer.pk)
    return q


def is_visible_to(comment: Comment, viewer) -> bool:
    if comment.state == State.APPROVED:
        return True
    return (
        comment.state == State.PENDING
        and viewer is not None
        and viewer.is_authenticated
        and comment.author_id == viewer.pk
    )


def is_shown_to(comment: Comment, viewer) -> bool:
    """Whether `comment` is on its piece's page for `viewer`: visible, or a placeholder
    that visible replies hang from."""
    if is_visible_to(comment, viewer):
        return True
    return (
        Comment.objects.filter(visible_q(viewer))
        .filter(Q(parent_id=comment.pk) | Q(root_id=comment.pk))
        .exists()
    )


def listed_q(viewer) -> Q:
    """Top-level comments the page lists: visible ones, and placeholders with visible replies."""
    visible_reply = Comment.objects.filter(visible_q(viewer), root=OuterRef("pk"))
    return Q(parent__isnull=True) & (visible_q(viewer) | Q(Exists(visible_reply)))


def listed_top_level(target: CommentTarget, viewer) -> QuerySet[Comment]:
    return Comment.objects.filter(listed_q(viewer), target_id=target.pk)


@dataclass(frozen=True)
class ViewerMarks:
    """One reader's marks on a discussion: the comments they wrote (and may still edit),
    recommended or reported. With the discussion's version, what makes their page theirs."""

    own: frozenset[int] = frozenset()
    editable: frozenset[int] = frozenset()
    recommended: frozenset[int] = frozenset()
    reported: frozenset[int] = frozenset()
    new: frozenset[int] = frozenset()  # published by others since their last visit


def viewer_marks(target: CommentTarget, viewer) -> ViewerMarks:
    """`viewer`'s marks on `target`'s discussion, in one query (indexed by reader, so its
    cost follows what the reader did, not the length of the discussion, but for the
    comments published since their last visit, read from the record of changes)."""
    if viewer is None or not viewer.is_authenticated:
        return ViewerMarks()

    def tagged(queryset: QuerySet, id_field: str, tag: str) -> QuerySet:
        tag_value = Value(tag, output_field=CharField())
        return queryset.annotate(tag=tag_value).values_list(id_field, "tag").order_by()

    own = Comment.objects.filter(target_id=target.pk, author_id=viewer.pk)
    last_visit = DiscussionVisit.objects.filter(user_id=viewer.pk, target_id=target.pk)
    window = timezone.now() - timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)
    on_target = Q(comment__target_id=target.pk)
    rows = tagged(own, "pk", "own").union(
        tagged(own.filter(state__in=LIVE, created_at__gt=window), "pk", "editable"),
        tagged(
            Recommendation.objects.filter(on_target, user_id=viewer.pk), "comment_id", "recommended"
        ),
        tagged(Report.objects.filter(on_target, reporter_id=viewer.pk), "comment_id", "reported"),
        # Published since: posted published, or approved (or restored) by a moderator.
        tagged(
            CommentEvent.objects.filter(
                comment__target_id=target.pk,
                comment__state=State.APPROVED,
                to_state=State.APPROVED,
                created_at__gt=Subquery(last_visit.values("seen_at")[:1]),
            ).exclude(comment__author_id=viewer.pk),
            "comment_id",
            "new",
        ),
        all=True,
    )
    marks: dict[str, set[int]] = defaultdict(set)
    for pk, tag in rows.order_by():
        marks[tag].add(pk)
    return ViewerMarks(**{tag: frozenset(ids) for tag, ids in marks.items()})


# What a thread shows of a comment and its author: the raw Markdown, the moderation notes
# and the rest stay in the database (a page holds hundreds of comments).
AUTHOR_FIELDS = ("display_name", "first_name", "last_name", "username", "is_deleted")
THREAD_FIELDS = (
    "target_id", "author_id", "parent_id", "root_id", "in_reply_to_id", "depth", "body_html",
    "state", "recommendation_count", "created_at", "edited_at", "is_featured",
    *(f"author__{name}" for name in AUTHOR_FIELDS),
)  # fmt: skip
REPLY_FIELDS = (
    *THREAD_FIELDS,
    "in_reply_to__author_id",
    *(f"in_reply_to__author__{name}" for name in AUTHOR_FIELDS),
)


class _CountedPaginator(Paginator):
    """A paginator told its count, which the page's one counting query already has."""

    def __init__(self, object_list, per_page, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def featured(target: CommentTarget) -> list[Comment]:
    """The editors' picks on `target`: published comments moderators featured, shown first
    under the prompt, in the order they were written. One query."""
    return list(
        Comment.objects.filter(target_id=target.pk, state=State.APPROVED, is_featured=True)
        .select_related("author")
        .order_by("created_at", "id")
    )


def newest_published(target: CommentTarget, *, limit: int) -> list[Comment]:
    """The `limit` newest published comments on `target`, oldest first: what every reader
    sees alike (the page's structured data names them). One query."""
    newest = (
        Comment.objects.filter(target_id=target.pk, state=State.APPROVED)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )
    return list(reversed(newest))


def normalise_sort(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT


@dataclass
class Node:
    """One comment as one reader sees it, with its visible replies."""

    comment: Comment
    children: list["Node"] = field(default_factory=list)
    shown: bool = True  # False: a placeholder keeping the thread's shape
    is_own: bool = False
    recommended: bool = False
    is_new: bool = False  # published by someone else since the viewer's last visit
    reported: bool = False
    can_reply: bool = False
    can_edit: bool = False
    can_withdraw: bool = False

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS.get(self.comment.state, "This comment is not available.")

    @property
    def is_pending(self) -> bool:
        return self.shown and self.comment.state == State.PENDING

    @property
    def can_recommend(self) -> bool:
        return self.shown and not self.is_own and self.comment.state == State.APPROVED

    can_report = can_recommend

    @property
    def notice_url(self) -> str:
        """Where anyone, signed in or not, may notify this comment as illegal content."""
        return moderator().notice_url(self.comment.pk) if self.can_recommend else ""

    @property
    def replying_to_other(self) -> bool:
        """Answered a comment deeper than the thread allows: say whom it answers."""
        comment = self.comment
        return bool(comment.in_reply_to_id) and comment.in_reply_to_id != comment.parent_id


def make_node(
    comment: Comment,
    viewer,
    *,
    status: DiscussionStatus | None = None,
    recommended: set[int] = frozenset(),
    reported: set[int] = frozenset(),
    new: set[int] = frozenset(),
    children: list[Node] | None = None,
) -> Node:
    is_own = viewer is not None and viewer.is_authenticated and comment.author_id == viewer.pk
    shown = is_visible_to(comment, viewer)
    return Node(
        comment=comment,
        children=children or [],
        shown=shown,
        is_own=is_own,
        recommended=comment.pk in recommended,
        reported=comment.pk in reported,
        is_new=comment.pk in new,
        can_reply=bool(status and status.is_open) and comment.state == State.APPROVED,
        can_edit=is_own and comment.can_be_edited_now(),
        can_withdraw=is_own and comment.is_live,
    )


@dataclass
class Threads:
    page: Page
    sort: str
    status: DiscussionStatus
    published_count: int
    own_waiting_count: int  # the viewer's own comments waiting for a moderator
    picks: list[Comment]  # the editors' picks (featured), above the threads
    viewer: object
    marks: ViewerMarks

    @cached_property
    def nodes(self) -> list[Node]:
        """The page's threads as the viewer sees them: two queries, made only when asked
        for (a page of threads kept as HTML needs none)."""
        roots = list(self.page.object_list)
        replies = (
            Comment.objects.filter(root__in=[root.pk for root in roots])
            .select_related("author", "in_reply_to__author")
            .only(*REPLY_FIELDS)
            .order_by("created_at", "id")
        )
        replies_to: dict[int, list[Comment]] = defaultdict(list)
        for reply in replies if roots else ():
            replies_to[reply.parent_id].append(reply)

        def build(comment: Comment) -> Node | None:
            children = [node for node in map(build, replies_to.get(comment.pk, ())) if node]
            node = make_node(
                comment,
                self.viewer,
                status=self.status,
                recommended=self.marks.recommended,
                reported=self.marks.reported,
                new=self.marks.new,
                children=children,
            )
            return node if node.shown or children else None

        return [node for node in map(build, roots) if node]


def walk(nodes: list[Node]):
    """Every node of the threads, depth first: the order they are shown in."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def page_of_threads(
    target: CommentTarget,
    viewer,
    *,
    marks: ViewerMarks | None = None,
    sort: str = DEFAULT_SORT,
    page_number=1,
    per_page: int | None = None,
) -> Threads:
    """A page of `target`'s threads as `viewer` sees them; `marks` (viewer_marks) say which
    comments they recommended and reported."""
    sort = normalise_sort(sort)
    counts = Comment.objects.filter(target_id=target.pk).aggregate(
        published=Count("pk", filter=Q(state=State.APPROVED)),
        listed=Count("pk", filter=listed_q(viewer)),
        featured=Count("pk", filter=Q(state=State.APPROVED, is_featured=True)),
        own_waiting=Count("pk", filter=Q(author_id=viewer.pk, state=State.PENDING)),
    )
    top_level = (
        listed_top_level(target, viewer)
        .select_related("author")
        .only(*THREAD_FIELDS)
        .order_by(*SORTS[sort][1])
    )
    paginator = _CountedPaginator(
        top_level, per_page or settings.COMMENTS_PER_PAGE, count=counts["listed"]
    )
    return Threads(
        page=paginator.get_page(page_number),
        sort=sort,
        status=discussion_status(target),
        published_count=counts["published"],
        own_waiting_count=counts["own_waiting"] if viewer.is_authenticated else 0,
        picks=featured(target) if counts["featured"] else [],
        viewer=viewer,
        marks=marks or ViewerMarks(),
    )


def top_level_page_number(comment: Comment, viewer, *, per_page: int | None = None) -> int:
    """Which page (oldest first) of its discussion shows `comment`'s thread."""
    root = comment.root if comment.root_id else comment
    before = (
        listed_top_level(comment.target, viewer)
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, id__lt=root.pk))
        .count()
    )
    return before // (per_page or settings.COMMENTS_PER_PAGE) + 1


def comment_url(comment: Comment, viewer) -> str:
    """The comment's place on its piece: /articles/<slug>/[?cpage=N]#comment-<id>."""
    page = top_level_page_number(comment, viewer)
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.target.get_absolute_url()}{query}#{comment.anchor}"


def comments_by(user) -> QuerySet[Comment]:
    """A reader's own comments in every state, newest first, with their pieces.

    `decision_*` are the latest moderator's decision that took the comment away (rejected,
    spam, removed): its event, its reason from the list and the moderator's words, shown
    to the author only.
    """
    decision = CommentEvent.objects.filter(
        comment=OuterRef("pk"),
        kind=CommentEvent.Kind.STATE,
        to_state__in=(State.REJECTED, State.SPAM, State.REMOVED),
        actor__isnull=False,
        undoes__isnull=True,
    ).order_by("-created_at", "-id")
    return (
        Comment.objects.filter(author_id=user.pk)
        .select_related("target", "author")
        .annotate(
            decision_id=Subquery(decision.values("pk")[:1]),
            decision_category=Subquery(decision.values("category")[:1]),
            decision_reason=Subquery(decision.values("reason")[:1]),
        )
        .order_by("-created_at", "-id")
    )


def comments_by_author(user) -> QuerySet[Comment]:
    """Everything `user` wrote, in every state, oldest first, with its piece and the texts
    it had before edits: what a reader downloads from their account. Two queries."""
    return (
        Comment.objects.filter(author_id=user.pk)
        .select_related("target")
        .prefetch_related("revisions")
        .order_by("created_at", "id")
    )

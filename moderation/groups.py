"""Near-duplicate comments in a queue, grouped so that one decision applies to them all.

A queue page of waiting comments (`queues.Queue.grouped`) shows comments that are nearly
the same text together, as one group with buttons that decide every member at once
(`actions.moderate_many`: one batch, so one undo reverts the whole group). Two texts are
alike as the repeat rule compares them (`rules.words_of`, `rules.shingles`,
`rules.similarity` at COMMENTS_REPEAT_SIMILARITY); texts shorter than
COMMENTS_REPEAT_MIN_CHARS, which that rule never compares, are alike only when they are
identical once folded ("I agree!" and "i AGREE").

A group is found from the comments on the page: those alike among themselves, and the
waiting comments of the same queue beyond the page that are alike to one of them, among
the SCAN newest. The page pays a fixed cost for it, whatever the number of comments:
one query for the texts of those SCAN comments and, when some are members of a group,
one for those members with what a moderator reads beside each (and its open reports).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings

from comments.models import Comment

from . import queues
from .rules import shingles, similarity, words_of

# How many waiting comments beyond the page are compared with the page's: the newest.
SCAN = 200


@dataclass(frozen=True)
class Text:
    """A comment's text as groups compare it."""

    words: tuple[str, ...]
    shingles: frozenset[tuple[str, ...]]
    long: bool  # long enough for the repeat rule's similarity

    @classmethod
    def of(cls, body: str, *, min_chars: int) -> "Text":
        words = tuple(words_of(body))
        return cls(
            words=words,
            shingles=frozenset(shingles(list(words))),
            long=len("".join(words)) >= min_chars,
        )


def alike(a: Text, b: Text, *, threshold: float) -> bool:
    """Near-duplicates: similar enough when both are long, identical words when not."""
    if not a.words or not b.words:
        return False
    if a.long and b.long:
        return similarity(a.shingles, b.shingles) >= threshold
    return a.words == b.words


def cluster(
    *,
    anchors: Mapping[int, str],
    others: Mapping[int, str] | None = None,
    threshold: float,
    min_chars: int,
) -> list[list[int]]:
    """Groups of ids whose texts are alike: the `anchors` (the page's comments) compared
    with each other, and each of `others` (beyond the page) with the anchors. Every group
    has two members or more, one of them an anchor at least; a group's ids are in the
    order given, anchors first."""
    order = [*anchors, *(pk for pk in (others or {}) if pk not in anchors)]
    bodies = {**(others or {}), **anchors}
    texts = {pk: Text.of(body, min_chars=min_chars) for pk, body in bodies.items()}
    parent = {pk: pk for pk in order}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            # The earlier in `order` leads, so that a group's root is an anchor.
            first, second = sorted((ra, rb), key=position.__getitem__)
            parent[second] = first

    position = {pk: n for n, pk in enumerate(order)}
    page = list(anchors)
    for i, a in enumerate(page):
        for b in page[i + 1 :]:
            if alike(texts[a], texts[b], threshold=threshold):
                join(a, b)
    for pk in order[len(page) :]:
        for a in page:
            if alike(texts[pk], texts[a], threshold=threshold):
                join(pk, a)
    members: dict[int, list[int]] = {}
    for pk in order:
        members.setdefault(root(pk), []).append(pk)
    return [ids for ids in members.values() if len(ids) > 1]


@dataclass(frozen=True)
class Group:
    """Near-duplicate comments: those on the page first (in its order), then the others."""

    members: tuple[Comment, ...]
    on_page: int

    @property
    def key(self) -> int:
        return self.members[0].pk

    @property
    def beyond_page(self) -> int:
        return len(self.members) - self.on_page


def near_duplicates(
    *, page: Sequence[Comment], queue: queues.Queue, scan: int = SCAN
) -> list[Group]:
    """The groups of near-duplicates among the comments of `page` (a page of `queue`) and
    the `scan` newest of the queue's other comments. Two queries at most (see above)."""
    if not queue.grouped or not page:
        return []
    on_page = {comment.pk: comment for comment in page}
    beyond = dict(
        Comment.objects.filter(queue.condition)
        .exclude(pk__in=list(on_page))
        .order_by("-created_at", "-id")
        .values_list("pk", "body")[:scan]
    )
    found = cluster(
        anchors={pk: comment.body for pk, comment in on_page.items()},
        others=beyond,
        threshold=settings.COMMENTS_REPEAT_SIMILARITY,
        min_chars=settings.COMMENTS_REPEAT_MIN_CHARS,
    )
    wanted = [pk for ids in found for pk in ids if pk not in on_page]
    others = (
        {c.pk: c for c in queues.in_queue(queue, Comment.objects.filter(pk__in=wanted))}
        if wanted
        else {}
    )
    groups = []
    for ids in found:
        shown = [on_page[pk] for pk in ids if pk in on_page]
        # Beyond the page in the queue's own order; one that left the queue meanwhile is
        # not shown (nor decided).
        members = set(ids)
        rest = [comment for pk, comment in others.items() if pk in members]
        if len(shown) + len(rest) > 1:
            groups.append(Group(members=(*shown, *rest), on_page=len(shown)))
    return groups


def arrange(*, page: Iterable[Comment], groups: Sequence[Group]) -> list[Comment | Group]:
    """The page's comments with each group in the place of its first member on the page
    (its other members move there with it)."""
    group_of = {member.pk: group for group in groups for member in group.members}
    placed: set[int] = set()
    entries: list[Comment | Group] = []
    for comment in page:
        group = group_of.get(comment.pk)
        if group is None:
            entries.append(comment)
        elif group.key not in placed:
            placed.add(group.key)
            entries.append(group)
    return entries

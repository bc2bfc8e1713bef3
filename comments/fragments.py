"""The discussion's HTML, rendered once per version and shared between readers.

Two layers, both in the shared cache (Redis, or the database cache), never in one process:

- Each comment's `item`. Its HTML depends only on the comment (text, state, edit,
  recommendations, author's name), on what the reader may do with it (recommend, reply,
  edit, withdraw, report) and on the page's query string, so it is kept under a key made of
  exactly those: any change makes a new key, and nothing is ever stale.

- A whole page of threads, as every signed-out reader sees it and as every signed-in
  reader sees it before their own marks. Building one costs a few hundred model instances
  and a template pass per comment, for HTML that thousands of readers share. It is kept
  under the discussion's generation, which every change to the discussion replaces once
  its transaction commits (`discussion_changed`, below); a page tagged with an older
  generation is never served. The generation is read before the comments are, so a page
  built from data older than a change always carries the generation that change replaced.

A signed-in reader's view differs from the shared one in a few comments at most: those they
wrote (Edit, Withdraw), recommended or reported (selectors.ViewerMarks). Those few are
rendered for them and put in place of the shared ones. A reader with a comment awaiting
review, or with the reply form open, sees threads nobody else sees: rendered for them.

The reader's CSRF token and current address go in as placeholders (core.placeholders).
"""

import dataclasses
import hashlib
import secrets
from collections.abc import Iterable, Iterator

from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from core import generations
from core.placeholders import CSRF_TOKEN, CURRENT_PATH

from . import selectors
from .selectors import Node, ViewerMarks
from .signals import discussion_changed

ITEM_TEMPLATE = "comments/includes/comment.html#item"
THREAD_TEMPLATE = "comments/includes/comment.html#thread"
PICKS_TEMPLATE = "comments/includes/discussion.html#picks"
FRAGMENT_TIMEOUT = 24 * 60 * 60
# A safety net for what no generation covers (settings, a deploy with new templates).
THREADS_TIMEOUT = 10 * 60


# Generations -------------------------------------------------------------------------


def _generation_key(target_id: int) -> str:
    return f"discussion-generation:{target_id}"


@receiver(discussion_changed, dispatch_uid="comments.fragments.new_generation")
def _discussion_did_change(sender, *, target_id: int, **kwargs) -> None:
    # At once, for what the same transaction renders next (it sees its own changes), and
    # again once it commits: another reader may have rendered the data before the commit
    # meanwhile, tagged with the first new generation.
    key = _generation_key(target_id)
    generations.renew(key)
    generations.renew_on_commit(key)


# Items -------------------------------------------------------------------------------


def _walk(nodes: Iterable[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _key(node: Node, discussion, query: str) -> str:
    c = node.comment
    answered = c.in_reply_to.author.public_name if node.replying_to_other else ""
    parts = (
        c.pk, c.state, c.created_at, c.edited_at, c.is_featured, c.recommendation_count,
        c.author.public_name, answered, hashlib.blake2b(c.body_html.encode()).hexdigest(),
        node.shown, node.is_own, node.recommended, node.reported,
        node.can_reply, node.can_edit, node.can_withdraw,
        discussion.signed_in, discussion.permalinks_on_page, query,
    )  # fmt: skip
    return "comment-html:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def prerender(request: HttpRequest, discussion, nodes: Iterable[Node]) -> None:
    """Give each node its `html`: from the cache, or rendered now."""
    nodes = list(nodes)
    if not nodes:
        return
    query = request.GET.urlencode()
    keys = {id(node): _key(node, discussion, query) for node in nodes}
    found = cache.get_many(list(keys.values()))
    rendered = {}
    template = get_template(ITEM_TEMPLATE)
    for node in nodes:
        key = keys[id(node)]
        if key not in found:
            context = {
                "node": node,
                "d": discussion,
                "csrf_token": CSRF_TOKEN,
                "current_path": CURRENT_PATH,
            }
            found[key] = rendered[key] = template.render(context, request)
        node.html = mark_safe(found[key])  # noqa: S308 - our own template's output
    if rendered:
        cache.set_many(rendered, FRAGMENT_TIMEOUT)


# Pages of threads --------------------------------------------------------------------


@dataclasses.dataclass
class RenderedThreads:
    """A page of threads as HTML: text between the items, and the items with their ids;
    and the editors' picks above them."""

    between: list[str]  # one more than items
    items: list[tuple[int, str]]
    page_number: int
    listed_count: int
    published_count: int
    picks_html: str

    @property
    def html(self) -> SafeString:
        parts = [self.between[0]]
        for (_, item), text in zip(self.items, self.between[1:], strict=True):
            parts += (item, text)
        return mark_safe("".join(parts))  # noqa: S308 - our own templates' output


def _render(request: HttpRequest, discussion, threads: selectors.Threads) -> RenderedThreads:
    nodes = list(_walk(threads.nodes))
    prerender(request, discussion, nodes)
    items = [(node.comment.pk, node.html) for node in nodes]
    # Each item is rendered as a marker no text can contain (a reader's draft in the reply
    # form is in this HTML too), then the HTML is cut at the markers: walk order.
    slot = f"<!--item-{secrets.token_hex(16)}-->"
    for node in nodes:
        node.html = mark_safe(slot)  # noqa: S308 - a marker
    template = get_template(THREAD_TEMPLATE)
    context = {"d": discussion, "csrf_token": CSRF_TOKEN, "current_path": CURRENT_PATH}
    html = "".join(template.render({**context, "node": node}, request) for node in threads.nodes)
    pieces = html.split(slot)  # text, item, text, item, …, text
    for (_, item), node in zip(items, nodes, strict=True):
        node.html = item
    picks = selectors.featured(discussion.target)
    return RenderedThreads(
        between=pieces,
        items=items,
        page_number=threads.page.number,
        listed_count=threads.page.paginator.count,
        published_count=threads.published_count,
        picks_html=get_template(PICKS_TEMPLATE).render({"picks": picks}, request) if picks else "",
    )


def _threads_key(request: HttpRequest, target_id: int, signed_in: bool, is_open: bool) -> str:
    parts = (target_id, signed_in, is_open, request.GET.urlencode())
    return "threads-html:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def _shared(request: HttpRequest, discussion, *, sort: str, page_number) -> RenderedThreads:
    """The page of threads every signed-out (or, before their marks, signed-in) reader sees."""
    target = discussion.target
    key = _threads_key(request, target.pk, discussion.signed_in, discussion.status.is_open)
    generation_key = _generation_key(target.pk)
    found = cache.get_many([generation_key, key])
    (generation,) = generations.current(found, [generation_key])
    entry = found.get(key)
    if entry and entry["generation"] == generation:
        return entry["threads"]
    threads = selectors.page_of_threads(target, None, sort=sort, page_number=page_number)
    discussion.page = threads.page
    rendered = _render(request, discussion, threads)
    cache.set(key, {"generation": generation, "threads": rendered}, THREADS_TIMEOUT)
    return rendered


def _with_marks(
    request: HttpRequest, discussion, rendered: RenderedThreads, marks: ViewerMarks
) -> RenderedThreads:
    """The shared page with the reader's own, recommended and reported comments as theirs."""
    on_page = {pk for pk, _ in rendered.items}
    ids = marks.comment_ids & on_page
    if not ids:
        return rendered
    viewer = request.user
    nodes = {
        comment.pk: selectors.make_node(
            comment,
            viewer,
            status=discussion.status,
            recommended=marks.recommended,
            reported=marks.reported,
        )
        for comment in selectors.comments_for_items(ids)
    }
    prerender(request, discussion, nodes.values())
    items = [(pk, nodes[pk].html if pk in nodes else html) for pk, html in rendered.items]
    return dataclasses.replace(rendered, items=items)


def render_threads(
    request: HttpRequest, discussion, *, marks: ViewerMarks, sort: str, page_number, reply_to
) -> int:
    """Fill in `discussion`'s threads for this reader: its `page` (set before any item is
    rendered: permalinks depend on it), `reply_node` (the comment they reply to, if they
    may), `threads_html` and `picks_html`. Returns the count of published comments."""
    if marks.has_pending or reply_to is not None:
        threads = selectors.page_of_threads(
            discussion.target, request.user, marks=marks, sort=sort, page_number=page_number
        )
        node = next((n for n in _walk(threads.nodes) if n.comment.pk == reply_to), None)
        discussion.page = threads.page
        discussion.reply_node = node if node and node.can_reply else None
        rendered = _render(request, discussion, threads)
    else:
        rendered = _shared(request, discussion, sort=sort, page_number=page_number)
        discussion.page = selectors.counted_page(rendered.listed_count, rendered.page_number)
        rendered = _with_marks(request, discussion, rendered, marks)
    discussion.threads_html = rendered.html
    discussion.picks_html = rendered.picks_html  # a rendered template: safe HTML
    return rendered.published_count

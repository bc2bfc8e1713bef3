"""Each comment's HTML, rendered once for every version of what it shows.

Rendering a comment through the template costs about a millisecond; a page shows dozens or
hundreds. The HTML of a comment depends only on the comment (its text, state, edit,
recommendations, author's name), on what the reader may do with it (recommend, reply,
edit, withdraw, report) and on the page's query string, so it is kept in the shared cache
under a key made of exactly those: any change makes a new key, and nothing is ever stale.
The reader's CSRF token and current address go in as placeholders (core.placeholders).
"""

import hashlib
from collections.abc import Iterator

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from core.placeholders import CSRF_TOKEN, CURRENT_PATH

from .selectors import Node

ITEM_TEMPLATE = "comments/includes/comment.html#item"
FRAGMENT_TIMEOUT = 24 * 60 * 60


def _walk(nodes: list[Node]) -> Iterator[Node]:
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


def prerender(request: HttpRequest, discussion) -> None:
    """Give every node of the discussion its `html`: from the cache, or rendered now."""
    nodes = list(_walk(discussion.nodes))
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

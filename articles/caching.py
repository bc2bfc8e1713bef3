"""The article page for anonymous readers, served whole from the shared cache, never stale.

Each cached page is tagged with two generations kept in the same cache: the site's (any
piece, topic or author changed: titles of related guides, links to other pieces, bylines)
and the piece's own (its discussion or its FAQ changed). Every such change sets a new
generation once its transaction commits (articles/signals.py); a page whose tags differ
from the current generations is not served. The tags are read before the page is
rendered, so a page rendered from data older than a change always carries the tags that
change replaced. A page also records when it stops being valid by the clock alone: a
scheduled piece going live, the discussion closing N days after publication.

A hit costs one cache round trip (one query with the database cache) and no other query,
in any worker process: nothing here lives in one process's memory. The reader's CSRF
token and address are the only per-reader parts of such a page: the cached copy holds
placeholders that each response fills in (core.placeholders).
"""

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from comments.targets import discussion_status
from core import generations, placeholders

from .models import Article

# A safety net for what no generation covers (the site name in settings, a deploy with new
# templates); every change readers make or editors publish is exact.
PAGE_TTL = timedelta(minutes=10)
SITE_GENERATION = "page-generation:site"
# The query parameters that change what the page shows; any other is ignored.
_PAGE_PARAMETERS = ("sort", "cpage", "reply_to")


def _piece_generation(slug: str) -> str:
    return f"page-generation:piece:{slug}"


def site_changed() -> None:
    """Call inside the transaction that changed what any piece's page may show."""
    generations.renew_on_commit(SITE_GENERATION)


def piece_changed(slug: str) -> None:
    """Call inside the transaction that changed one piece's discussion or FAQ."""
    generations.renew_on_commit(_piece_generation(slug))


@dataclass(frozen=True)
class Lookup:
    key: str
    generations: tuple[str, ...]
    response: HttpResponse | None


def is_cacheable(request: HttpRequest) -> bool:
    """Anonymous, with nothing of their own to show (drafts and messages live in a session)."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    return request.session.is_empty()


def _page_key(request: HttpRequest, slug: str) -> str:
    parts = [request.get_host(), slug, *(request.GET.get(p, "") for p in _PAGE_PARAMETERS)]
    # v2: the page stored split at its placeholders (a new layout gets new keys).
    return "page-v2:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


def _etag(page_key: str, tags: tuple[str, ...]) -> str:
    return 'W/"' + hashlib.sha256(f"{page_key}{tags}".encode()).hexdigest()[:32] + '"'


def _respond(request: HttpRequest, pieces: tuple[bytes, ...], etag: str) -> HttpResponse:
    filled = placeholders.fill_split(request, pieces)  # also sets the reader's CSRF cookie
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(filled)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"  # revalidate: comments arrive any time
    patch_vary_headers(response, ("Cookie",))  # signed-in readers get pages of their own
    return response


def _generation_keys(slug: str) -> tuple[str, str]:
    return (SITE_GENERATION, _piece_generation(slug))


def _is_current(entry: dict | None, tags: tuple[str, ...]) -> bool:
    return bool(entry) and entry["generations"] == tags and (timezone.now() < entry["valid_until"])


def fetch(key: str, slug: str) -> tuple[dict | None, tuple[str, str]]:
    """The entry cached under `key` if it is current for piece `slug`, and in any case the
    generations to tag a new one with. One cache round trip."""
    keys = _generation_keys(slug)
    found = cache.get_many([*keys, key])
    tags = generations.current(found, keys)
    entry = found.get(key)
    return (entry if _is_current(entry, tags) else None), tags


def keep(key: str, entry: dict, tags: tuple[str, ...], article: Article) -> dict:
    """Cache `entry` under `key`, tagged, until the page stops being right by the clock."""
    valid_until = _valid_until(article)
    entry = {**entry, "generations": tags, "valid_until": valid_until}
    cache.set(key, entry, max(1, (valid_until - timezone.now()).total_seconds()))
    return entry


class _Copies:
    """Pages this worker has already fetched from the shared cache, by their ETag.

    A page's ETag is made of its key and the generations it was rendered under, so a copy
    is never out of date: each request still reads the current generations from the shared
    cache, and a copy is used only when its ETag is the one they give (and its clock has
    not run out). What it saves is moving the whole page out of the shared cache for every
    reader. Least recently used copies go first, past a few megabytes.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.copies: OrderedDict[str, dict] = OrderedDict()
        self.size = 0

    def get(self, etag: str) -> dict | None:
        copy = self.copies.get(etag)
        if copy is not None:
            self.copies.move_to_end(etag)
        return copy

    def put(self, etag: str, entry: dict) -> None:
        if etag in self.copies:
            return
        self.copies[etag] = entry
        self.size += entry["size"]
        while self.size > self.max_bytes and self.copies:
            _, dropped = self.copies.popitem(last=False)
            self.size -= dropped["size"]


_copies = _Copies(max_bytes=16 * 1024 * 1024)


def lookup(request: HttpRequest, slug: str) -> Lookup:
    """The cached page if it is current; in any case the generations to tag a new one with.

    One round trip to the shared cache for the generations (and the page itself, the first
    time this worker serves that version of it)."""
    key = _page_key(request, slug)
    keys = _generation_keys(slug)
    tags = generations.current(cache.get_many(keys), keys)
    etag = _etag(key, tags)
    entry = _copies.get(etag)
    if entry is None:
        entry = cache.get(key)
        if _is_current(entry, tags):
            _copies.put(etag, entry)
    if _is_current(entry, tags):
        return Lookup(key, tags, _respond(request, entry["pieces"], etag))
    return Lookup(key, tags, None)


def _valid_until(article: Article):
    """When the page stops being right by the clock alone: a scheduled piece going live (a
    link or a related guide appears), the discussion closing, or the safety net."""
    now = timezone.now()
    moments = [now + PAGE_TTL]
    if hasattr(article, "next_publication"):  # Article.objects.with_next_publication()
        next_publication = article.next_publication
    else:
        next_publication = (
            Article.objects.filter(pk=article.pk).with_next_publication().get().next_publication
        )
    if next_publication:
        moments.append(next_publication)
    closes_at = discussion_status(article, now=now).closes_at
    if closes_at and closes_at > now:
        moments.append(closes_at)
    return min(moments)


def store(request: HttpRequest, article: Article, found: Lookup, render_page) -> HttpResponse:
    """Render the page once with placeholders for the reader's parts, keep it, answer."""
    content = render_page(for_cache=True).content
    pieces = placeholders.split(content)
    etag = _etag(found.key, found.generations)
    entry = {"pieces": pieces, "size": len(content)}
    _copies.put(etag, keep(found.key, entry, found.generations, article))
    return _respond(request, pieces, etag)

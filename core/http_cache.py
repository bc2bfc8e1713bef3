"""HTTP caching: pages every reader without a session shares, said so in standard headers
(`Surrogate-Key` names what a page shows: keys Fastly, Cloudflare's Cache-Tag and Varnish's
xkey all take), purged by key by a task once a change commits, and kept in the app (the
`pages` cache, which may evict anything) under the code's version, the normalised address
and the versions of what they show. Versions live in the database cache, never evicted, and
are read before anything else: a page rendered from data older than a change carries a
version the change replaced. What touches what: articles.caching, the one place.
"""

import hashlib
import logging
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from redis import RedisError

from .tasks import retried

logger = logging.getLogger(__name__)

KEY_HEADER = "Surrogate-Key"
SAFETY_NET = 300  # seconds: the longest any shared cache keeps a page without a purge


@cache
def code_version() -> str:
    """The release, or a digest of our code and templates: no deploy serves the old's pages."""
    if settings.RELEASE:
        return settings.RELEASE
    ours = ["templates", *(app for app in settings.INSTALLED_APPS if "." not in app)]
    digest = hashlib.blake2b(digest_size=8)
    for folder in ours:
        for path in sorted(Path(settings.BASE_DIR, folder).glob("**/*.*")):
            if path.suffix in (".py", ".html", ".txt"):
                digest.update(path.read_bytes())
    return digest.hexdigest()


def public(response: HttpResponse, *, keys: Iterable[str], max_age: float = SAFETY_NET):
    """Mark `response` as the same for every reader without a session, showing `keys`
    (CacheHeadersMiddleware makes it private if the request had a session after all)."""
    response.shared_for = max(0, min(SAFETY_NET, int(max_age)))
    patch_cache_control(
        response,
        public=True,
        max_age=0,  # browsers revalidate: the reader may sign in at any moment
        s_maxage=response.shared_for,
        stale_while_revalidate=30,  # while it fetches a fresh copy
        stale_if_error=24 * 60 * 60,  # while every app node is down
    )
    response.headers[KEY_HEADER] = " ".join(sorted(set(keys)))
    return response


def is_shared(request: HttpRequest) -> bool:
    """No session, so no draft, message or account: free to tell without a cookie."""
    return request.method in ("GET", "HEAD") and request.session.is_empty()


class CacheHeadersMiddleware:
    """Every response is `private` unless its view said `public` for a reader without a
    session. Sits above the session middleware, so it sees the cookies that one sets."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        shared = response.has_header(KEY_HEADER) and is_shared(request) and not response.cookies
        if shared:
            patch_vary_headers(response, ("Cookie",))
        elif response.headers.pop(KEY_HEADER, None) or not response.has_header("Cache-Control"):
            response.headers["Cache-Control"] = "private, no-cache"
        return response


def current_versions(names: Iterable[str]) -> tuple[str, ...]:
    """The current version of each name, in one round trip: "0" until a change sets one.
    Reading writes nothing, so no address a visitor makes up adds a row."""
    keys = [f"version:{name}" for name in names]
    found = caches["default"].get_many(keys)
    return tuple(found.get(key, "0") for key in keys)


def changed(*, keys: Iterable[str], versions: Iterable[str] = ()) -> None:
    """Call inside the transaction that makes a change: once it commits, renew `versions`
    and purge `keys` from the HTTP caches in front (a task: no request waits on them)."""
    keys, versions = sorted(set(keys)), sorted(set(versions))
    transaction.on_commit(lambda: _after_commit(keys, versions))


def _after_commit(keys: list[str], versions: list[str]) -> None:
    if versions:
        caches["default"].set_many({f"version:{name}": uuid.uuid4().hex for name in versions}, None)
    if keys and settings.HTTP_CACHE_PURGE_URLS:
        purge.enqueue(keys)


@retried
def purge(keys: list[str]) -> None:
    """Purge every page tagged with any of `keys` from each HTTP cache in front."""
    for url in settings.HTTP_CACHE_PURGE_URLS:
        request = urllib.request.Request(  # noqa: S310 - the operator's own cache URLs
            url, method="PURGE", headers={KEY_HEADER: " ".join(keys)}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            answer.read()


def cached_page(
    request: HttpRequest,
    *,
    address: tuple,
    versions: Iterable[str],
    render: Callable[[], HttpResponse],
) -> HttpResponse:
    """The shared page at `address` (normalised parts, never a raw query string): two round
    trips when kept (the versions, then the page), else rendered and kept while it is
    public. With the `pages` cache down, rendered for each reader: slower, never wrong."""
    parts = (code_version(), request.scheme, request.get_host(), address)
    key = hashlib.sha256(repr((*parts, current_versions(versions))).encode()).hexdigest()
    entry = _pages("get", f"page:{key}")
    if entry and entry[-1] > time.time():
        content, content_type, etag, keys, until = entry
        response = HttpResponse(content, content_type=content_type, headers={"ETag": etag})
        return public(response, keys=keys.split(), max_age=until - time.time())
    response = render()
    max_age = getattr(response, "shared_for", 0)
    csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a token in the page: never shared
    if response.status_code == 200 and max_age >= 1 and not response.cookies and not csrf:
        set_response_etag(response)  # once, not on every hit (ConditionalGetMiddleware)
        entry = (response.content, response["Content-Type"], response["ETag"])
        until = time.time() + max_age
        _pages("set", f"page:{key}", (*entry, response[KEY_HEADER], until), max_age)
    return response


def kept[T](parts: tuple, compute: Callable[[], T], seconds: float = SAFETY_NET) -> T:
    """What `compute` gives everyone it is for alike (rendered HTML, say), kept in the
    `pages` cache under `parts` (versions among them, never a raw query string)."""
    key = "kept:" + hashlib.sha256(repr((code_version(), *parts)).encode()).hexdigest()
    value = _pages("get", key)
    if value is None:
        value = compute()
        _pages("set", key, value, max(1, int(seconds)))
    return value


def _pages(operation: str, *args):
    try:
        return getattr(caches["pages"], operation)(*args)
    except (RedisError, OSError) as error:
        logger.warning("The page cache is unavailable (%s): rendering without it.", error)
        return None

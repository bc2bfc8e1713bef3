"""HTTP caching: pages that every reader without a session shares, said so in standard
headers, purged by key from the HTTP cache in front, and kept inside the app under versions.

A shared page names what it shows in `Surrogate-Key` (backend-neutral: the same keys become
Fastly's Surrogate-Key or Cloudflare's Cache-Tag; Varnish reads them with xkey). When a
change commits, the keys it touches are purged from every cache in HTTP_CACHE_PURGE_URLS by
a background task, so no request waits on the cache in front, and the versions it touches
are renewed. Which change touches which keys and versions is said in one place:
articles.caching.

Inside the app, whole pages live in the `pages` cache, which may evict anything at any time,
under a key made of the page's normalised address, the code's version and the current
versions of what the address shows. Versions live in the `default` cache (the database:
never evicted) and are read before anything else, so a page rendered from data older than a
change always carries a version that the change replaced: it is never served again.
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
from django.tasks import task
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

KEY_HEADER = "Surrogate-Key"
SAFETY_NET = 300  # seconds: the longest any shared cache keeps a page without a purge
STALE_WHILE_REVALIDATE = 30
STALE_IF_ERROR = 24 * 60 * 60


@cache
def code_version() -> str:
    """The release, or a digest of the templates and code: a deploy never serves pages
    rendered by the code it replaced."""
    if settings.RELEASE:
        return settings.RELEASE
    base = Path(settings.BASE_DIR)
    folders = [
        "templates",
        "site_config",
        *(app for app in settings.INSTALLED_APPS if "." not in app),
    ]
    digest = hashlib.blake2b(digest_size=8)
    for folder in folders:
        for path in sorted((base / folder).glob("**/*")):
            if path.suffix in (".py", ".html", ".txt"):
                digest.update(path.read_bytes())
    return digest.hexdigest()


# Headers ---------------------------------------------------------------------------


def public(response: HttpResponse, *, keys: Iterable[str], max_age: float = SAFETY_NET):
    """Mark `response` as the same for every reader without a session, showing `keys`.
    CacheHeadersMiddleware makes it private again if the request had a session after all."""
    patch_cache_control(
        response,
        public=True,
        max_age=0,  # browsers revalidate: the reader may sign in at any moment
        s_maxage=max(0, min(SAFETY_NET, int(max_age))),
        stale_while_revalidate=STALE_WHILE_REVALIDATE,
        stale_if_error=STALE_IF_ERROR,
    )
    response.headers[KEY_HEADER] = " ".join(sorted(set(keys)))
    response.shared_for = max_age
    return response


def is_shared(request: HttpRequest) -> bool:
    """Whether the reader has nothing of their own on the page: no session (so no draft,
    message or account). Reading the session costs nothing when there is no cookie."""
    return request.method in ("GET", "HEAD") and request.session.is_empty()


class CacheHeadersMiddleware:
    """Every response is `private` unless its view said `public` for a reader without a
    session. Sits above the session middleware, so it sees the cookies that one sets."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header(KEY_HEADER) and not (is_shared(request) and not response.cookies):
            del response.headers[KEY_HEADER]
            response.headers["Cache-Control"] = "private, no-cache"
        elif not response.has_header("Cache-Control"):
            response.headers["Cache-Control"] = "private, no-cache"
        if response.has_header(KEY_HEADER):
            patch_vary_headers(response, ("Cookie",))
        return response


# Versions --------------------------------------------------------------------------


def current_versions(names: Iterable[str]) -> tuple[str, ...]:
    """The current version of each name: one round trip to the database cache. A name with
    no version yet gets one, the same in every process (the first `add` wins)."""
    versions = caches["default"]
    keys = [f"version:{name}" for name in names]
    found = versions.get_many(keys)
    for key in keys:
        if key not in found:
            versions.add(key, uuid.uuid4().hex, None)
            found[key] = versions.get(key)
    return tuple(found[key] for key in keys)


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


@task
def purge(keys: list[str]) -> None:
    """Purge every page tagged with any of `keys` from each HTTP cache in front."""
    for url in settings.HTTP_CACHE_PURGE_URLS:
        request = urllib.request.Request(  # noqa: S310 - the operator's own cache URLs
            url, method="PURGE", headers={KEY_HEADER: " ".join(keys)}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            answer.read()


# Pages -----------------------------------------------------------------------------


def cached_page(
    request: HttpRequest,
    *,
    address: tuple,
    versions: Iterable[str],
    render: Callable[[], HttpResponse],
) -> HttpResponse:
    """The shared page at `address` (its normalised parts: never raw query strings), from
    the `pages` cache or rendered by `render` and kept there while it is public. Two round
    trips when it is there: the versions, then the page."""
    parts = (
        code_version(),
        request.scheme,
        request.get_host(),
        address,
        current_versions(versions),
    )
    key = "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    pages = caches["pages"]
    entry = pages.get(key)
    if entry and entry["until"] > time.time():
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
        return public(response, keys=entry["keys"], max_age=entry["until"] - time.time())
    response = render()
    max_age = getattr(response, "shared_for", 0)
    if response.status_code == 200 and max_age >= 1 and not response.cookies:
        entry = {
            "content": response.content,
            "content_type": response["Content-Type"],
            "keys": response[KEY_HEADER].split(),
            "until": time.time() + max_age,
        }
        pages.set(key, entry, max_age)
    return response

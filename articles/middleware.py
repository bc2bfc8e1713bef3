"""The cached article page, served before sessions, authentication and messages load.

A reader with no session cookie is anonymous and has nothing of their own on the page (no
draft, no message), so the page from articles.caching is theirs as it stands, CSRF token
aside (core.placeholders; the CSRF middleware, which runs before this one, sets its
cookie). Serving it here skips the rest of the middleware and the view: this is most
readers of a piece that travels. Everyone else, and any miss, goes on to the view, which
uses the same cache.
"""

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from core.middleware import DATABASE_DOWN, service_unavailable

from . import caching


@lru_cache(maxsize=4096)
def _article_slug(path: str) -> str | None:
    """The piece a path shows, or None. Remembered: resolving is most of a cached page's
    cost otherwise, and a path always resolves the same way."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.kwargs["slug"] if match.view_name == "articles:detail" else None


class CachedArticlePageMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sessionless = settings.SESSION_COOKIE_NAME not in request.COOKIES
        if sessionless and request.method in ("GET", "HEAD"):
            slug = _article_slug(request.path_info)
            if slug is not None:
                try:
                    cached = caching.lookup(request, slug)
                except DATABASE_DOWN:  # the database cache, with the database down
                    return service_unavailable(request)
                if cached.response:
                    return cached.response
        return self.get_response(request)

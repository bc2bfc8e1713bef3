"""The cached article page, served before sessions, authentication and messages load.

A reader with no session cookie is anonymous and has nothing of their own on the page (no
draft, no message), so the page from articles.caching is theirs as it stands, CSRF token
aside (core.placeholders; the CSRF middleware, which runs before this one, sets its
cookie). Serving it here skips the rest of the middleware and the view: this is most
readers of a piece that travels. Everyone else, and any miss, goes on to the view, which
uses the same cache.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from core.middleware import DATABASE_DOWN, service_unavailable

from . import caching


class CachedArticlePageMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match and match.view_name == "articles:detail":
                try:
                    cached = caching.lookup(request, match.kwargs["slug"])
                except DATABASE_DOWN:  # the database cache, with the database down
                    return service_unavailable(request)
                if cached.response:
                    return cached.response
        return self.get_response(request)

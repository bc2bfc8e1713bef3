"""The article page for anonymous readers, cached whole and invalidated exactly.

The cache key is made of values read in the same query as the piece itself, so a warm
view costs that one query and one cache read, in any worker process, with Redis or the
database cache:

- `content_version`, bumped in the transaction that changes the piece's discussion, FAQ,
  topics or authors (articles/signals.py);
- `updated_at`, for the piece itself;
- the newest change and the newest publication of any piece: related guides and links to
  other pieces show their titles and whether they are live, and a scheduled piece going
  live changes the latter without anyone saving anything;
- whether the discussion is open (it closes by itself N days after publication), the
  host, and the query parameters that change what the page shows.

The reader's CSRF token is the only per-reader part of such a page: the cached copy holds
a placeholder that each response replaces with the reader's own token.
"""

import hashlib

from django.core.cache import cache
from django.db.models import QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from comments.targets import discussion_status

from .models import Article

# A safety net for what no key part covers (a renamed topic is bumped by signals, but
# an edited author bio is not, for example); every change readers care about is exact.
PAGE_TTL = 10 * 60
CSRF_PLACEHOLDER = "csrf-token-placeholder-8c1f3a"
_QUERY_PARAMETERS = ("sort", "cpage", "reply_to")


def with_page_versions(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate what the cache key needs, as subqueries of the piece's own query."""
    newest_change = Article.objects.order_by("-updated_at").values("updated_at")[:1]
    newest_publication = (
        Article.objects.published().order_by("-publish_at").values("publish_at")[:1]
    )
    return queryset.annotate(
        site_changed_at=Subquery(newest_change),
        site_published_at=Subquery(newest_publication),
    )


def is_cacheable(request: HttpRequest) -> bool:
    """Anonymous, with nothing of their own to show (drafts and messages live in a session)."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    return request.session.is_empty()


def page_key(request: HttpRequest, article: Article) -> str:
    parts = [
        article.pk,
        article.content_version,
        article.updated_at.isoformat(),
        article.site_changed_at.isoformat() if article.site_changed_at else "",
        article.site_published_at.isoformat() if article.site_published_at else "",
        discussion_status(article).is_open,
        request.get_host(),
        *(request.GET.get(name, "") for name in _QUERY_PARAMETERS),
    ]
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"article-page:{article.pk}:{digest}"


def serve(request: HttpRequest, article: Article, render_page) -> HttpResponse:
    """The cached page if there is one, else `render_page(csrf_token=...)`, stored first."""
    key = page_key(request, article)
    etag = f'W/"{key.rsplit(":", 1)[1]}"'
    token = get_token(request)  # also sets the reader's CSRF cookie when they have none
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        content = cache.get(key)
        if content is None:
            content = render_page(csrf_token=CSRF_PLACEHOLDER).content
            cache.set(key, content, PAGE_TTL)
        response = HttpResponse(content.replace(CSRF_PLACEHOLDER.encode(), token.encode()))
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"  # revalidate: comments arrive any time
    return response

from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from comments.selectors import annotate_comment_counts
from comments.views import discussion_context
from core import placeholders

from . import caching, parts
from .models import Article, Author, Topic
from .search import MAX_QUERY_LENGTH, excerpt, search_articles, search_terms


def _page(request: HttpRequest, queryset, per_page: int | None = None):
    paginator = Paginator(queryset, per_page or settings.ARTICLES_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    page = _page(request, annotate_comment_counts(Article.objects.published().for_listing()))
    return render(request, "articles/home.html", {"page": page})


def _render_article(
    request: HttpRequest, article: Article, *, preview: bool, for_cache: bool = False
) -> HttpResponse:
    """The piece's page. What is the same for every reader comes from articles.parts, the
    discussion's threads from comments.fragments, both rendered once per version; with
    placeholders for the reader's CSRF token and address (core.placeholders), filled in
    here or, for a page that is itself cached, as each reader is served (articles.caching)."""
    discussion = discussion_context(request, article)
    context = {
        "article": article,
        "preview": preview,
        "parts": parts.for_page(
            request, article, preview=preview, comment_count=discussion["comment_count"]
        ),
        **discussion,
    }
    if for_cache:
        context["csrf_token"] = placeholders.CSRF_TOKEN
    response = render(request, "articles/article_detail.html", context)
    if not for_cache:
        response.content = placeholders.fill(request, response.content)
    return response


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cached = caching.lookup(request, slug) if caching.is_cacheable(request) else None
    if cached and cached.response:
        return cached.response
    article = get_object_or_404(Article.objects.published().with_next_publication(), slug=slug)
    render_page = partial(_render_article, request, article, preview=False)
    return caching.store(request, article, cached, render_page) if cached else render_page()


def article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff see any piece as readers will; to everyone else it does not exist."""
    if not request.user.has_perm("articles.view_article"):
        raise Http404
    article = get_object_or_404(Article.objects.all(), slug=slug)
    response = _render_article(request, article, preview=True)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    page = _page(request, annotate_comment_counts(topic.articles.published().for_listing()))
    return render(request, "articles/topic_detail.html", {"topic": topic, "page": page})


def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    page = _page(request, annotate_comment_counts(author.articles.published().for_listing()))
    return render(request, "articles/author_detail.html", {"author": author, "page": page})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    terms = search_terms(query)
    page = _page(request, search_articles(query).for_listing()) if terms else None
    results = (
        [(article, excerpt(article.body_text, terms)) for article in page.object_list]
        if page
        else []
    )
    return render(
        request,
        "articles/search.html",
        {"query": query, "terms": terms, "page": page, "results": results},
    )

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from comments.selectors import annotate_comment_counts, normalise_sort
from comments.views import discussion_context, page_number
from core import http_cache
from faq.views import faq_context

from . import caching
from .models import Article, Author, RelatedGuide, Topic
from .search import MAX_QUERY_LENGTH, excerpt, search_articles, search_terms
from .structured_data import article_json_ld


def _page(request: HttpRequest, queryset, per_page: int | None = None):
    paginator = Paginator(queryset, per_page or settings.ARTICLES_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def _listing(request: HttpRequest, template: str, context: dict, *keys: str) -> HttpResponse:
    response = render(request, template, context)
    articles = context["page"].object_list if context.get("page") else []
    return http_cache.public(
        response, keys=caching.listing_keys(articles, *keys), max_age=caching.shared_seconds()
    )


def home(request: HttpRequest) -> HttpResponse:
    page = _page(request, annotate_comment_counts(Article.objects.published().for_listing()))
    return _listing(request, "articles/home.html", {"page": page})


def _render_article(
    request: HttpRequest,
    article: Article,
    *,
    preview: bool,
    sort: str,
    cpage: int,
    version: tuple = (),
) -> HttpResponse:
    published_guides = RelatedGuide.objects.filter(
        guide__in=Article.objects.published()
    ).select_related("guide")
    prefetch_related_objects(
        [article], "authors", "topics", Prefetch("guide_links", queryset=published_guides)
    )
    related_guides = [link.guide for link in article.guide_links.all()]
    discussion = discussion_context(request, article, sort=sort, cpage=cpage, version=version)
    if discussion["discussion"].page.number != cpage:  # past the end: the last page
        return redirect(discussion["discussion"].page_url(discussion["discussion"].page.number))
    context = {
        "article": article,
        "preview": preview,
        "body_html": article.body_for_readers(),
        "related_guides": related_guides,
        "article_ld": article_json_ld(request, article),
        **faq_context(request, article),
        **discussion,
    }
    response = render(request, "articles/article_detail.html", context)
    if preview:
        return response
    keys = caching.article_keys(article, related_guides=related_guides)
    return http_cache.public(response, keys=keys, max_age=caching.shared_seconds(article))


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sort, cpage = normalise_sort(request.GET.get("sort")), page_number(request.GET.get("cpage"))

    def render_page(version: tuple = ()) -> HttpResponse:
        published = Article.objects.published().with_next_publication()
        article = get_object_or_404(published, slug=slug)
        return _render_article(
            request, article, preview=False, sort=sort, cpage=cpage, version=version
        )

    if http_cache.is_shared(request):
        return http_cache.cached_page(
            request,
            address=("article", slug, sort, cpage),
            versions=caching.article_versions(slug),
            render=render_page,
        )
    # Read before the piece and its comments, as for shared pages: see core.http_cache.
    return render_page(http_cache.current_versions(caching.discussion_versions(slug)))


def article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff see any piece as readers will; to everyone else it does not exist."""
    if not request.user.has_perm("articles.view_article"):
        raise Http404
    article = get_object_or_404(Article.objects.all(), slug=slug)
    sort, cpage = normalise_sort(request.GET.get("sort")), page_number(request.GET.get("cpage"))
    response = _render_article(request, article, preview=True, sort=sort, cpage=cpage)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    page = _page(request, annotate_comment_counts(topic.articles.published().for_listing()))
    context = {"topic": topic, "page": page}
    return _listing(request, "articles/topic_detail.html", context, f"topic-{topic.pk}")


def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    page = _page(request, annotate_comment_counts(author.articles.published().for_listing()))
    context = {"author": author, "page": page}
    return _listing(request, "articles/author_detail.html", context, f"author-{author.pk}")


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    terms = search_terms(query)
    page = _page(request, search_articles(query).for_listing()) if terms else None
    results = (
        [(article, excerpt(article.body_text, terms)) for article in page.object_list]
        if page
        else []
    )
    context = {"query": query, "terms": terms, "page": page, "results": results}
    return _listing(request, "articles/search.html", context)

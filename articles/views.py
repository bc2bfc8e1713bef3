from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template

from comments.selectors import annotate_comment_counts, newest_published, normalise_sort
from comments.views import discussion_context, page_number
from core import http_cache
from faq.views import faq_context

from . import caching, corrections
from .links import absolute_links
from .models import Article, Author, Correction, RelatedGuide, Topic
from .search import MAX_QUERY_LENGTH, excerpt, search_articles, search_terms
from .structured_data import article_json_ld

TEMPLATE = "articles/article_detail.html"
PARTS = ("meta", "structured_data", "header", "main")  # what every reader sees alike
STRUCTURED_DATA_COMMENTS = 20  # the newest published comments named in the page's data


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


def _article_parts(request: HttpRequest, article: Article, *, comment_count: int) -> dict:
    """What every reader of the piece sees alike: the head's tags, header, body, related
    guides and FAQ, rendered (its byline and topics read on the way, for the page's keys)."""
    published_guides = RelatedGuide.objects.filter(
        guide__in=Article.objects.published()
    ).select_related("guide")
    prefetch_related_objects(
        [article], "authors", "topics", Prefetch("guide_links", queryset=published_guides)
    )
    # Its notes to readers, in one query whatever their number; none to read for a piece
    # never corrected (no revision time), as most are.
    notes = list(article.corrections.all()) if article.revised_at else []
    context = {
        "article": article,
        "updates": [note for note in notes if note.kind == Correction.Kind.UPDATE],
        "corrections": [note for note in notes if note.kind == Correction.Kind.CORRECTION],
        # Full addresses: the printed page shows them after each link (static/css/print.css).
        "body_html": absolute_links(article.body_for_readers(), request.build_absolute_uri("/")),
        "related_guides": [link.guide for link in article.guide_links.all()],
        "article_ld": article_json_ld(
            request,
            article,
            notes=notes,
            comments=newest_published(article, limit=STRUCTURED_DATA_COMMENTS)
            if comment_count
            else [],
            comment_count=comment_count,
        ),
        "comment_count": comment_count,
        "discussion_enabled": True,
        **faq_context(request, article),
    }
    parts = {name: get_template(f"{TEMPLATE}#{name}").render(context, request) for name in PARTS}
    parts["with_toc"] = bool(article.toc or context["faq_items"])
    return {**parts, "related_guides": context["related_guides"]}


def _render_article(
    request: HttpRequest,
    article: Article,
    *,
    preview: bool,
    sort: str,
    cpage: int,
    versions: tuple = (),
) -> HttpResponse:
    """The piece's page. With the `versions` of the site and of the discussion (a reader
    with a session), its parts and threads are kept for every reader who sees them alike."""
    discussion = discussion_context(request, article, sort=sort, cpage=cpage, version=versions[1:])
    if discussion["discussion"].page.number != cpage:  # past the end: the last page
        return redirect(discussion["discussion"].page_url(discussion["discussion"].page.number))
    count = discussion["comment_count"]
    render_parts = partial(_article_parts, request, article, comment_count=count)
    if versions:
        scope = (*versions, article.pk, request.scheme, request.get_host(), count)
        parts = http_cache.kept(scope, render_parts, caching.shared_seconds(article))
    else:
        parts = render_parts()
    context = {"article": article, "preview": preview, "parts": parts, **discussion}
    response = render(request, TEMPLATE, context)
    if preview or versions:  # for one reader: private (core.http_cache.CacheHeadersMiddleware)
        return response
    keys = caching.article_keys(article, related_guides=parts["related_guides"])
    return http_cache.public(response, keys=keys, max_age=caching.shared_seconds(article))


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sort, cpage = normalise_sort(request.GET.get("sort")), page_number(request.GET.get("cpage"))

    def render_page(versions: tuple = ()) -> HttpResponse:
        published = Article.objects.published().with_next_change()
        article = get_object_or_404(published, slug=slug)
        return _render_article(
            request, article, preview=False, sort=sort, cpage=cpage, versions=versions
        )

    if http_cache.is_shared(request):
        return http_cache.cached_page(
            request,
            address=("article", slug, sort, cpage),
            versions=caching.article_versions(slug),
            render=render_page,
        )
    # Read before the piece and its comments, as for shared pages: see core.http_cache.
    return render_page(http_cache.current_versions(caching.article_versions(slug)))


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


def topic_index(request: HttpRequest) -> HttpResponse:
    published = Q(articles__in=Article.objects.published())
    counted = Topic.objects.annotate(piece_count=Count("articles", filter=published))
    topics = counted.order_by("name")  # said again: an aggregate's GROUP BY drops Meta.ordering
    return _listing(request, "articles/topic_index.html", {"topics": topics}, "topics")


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


def corrections_index(request: HttpRequest) -> HttpResponse:
    """Every published piece's corrections and updates, newest first."""
    page = _page(request, corrections.published_notes())
    response = render(request, "articles/corrections.html", {"page": page})
    # The pieces' titles show: `listing` (with `corrections`, the notes themselves).
    keys = caching.listing_keys((), "corrections")
    return http_cache.public(response, keys=keys, max_age=caching.shared_seconds())

"""The parts of a piece's page that are the same for every reader, rendered once per version.

The header with its table of contents, the body, the related guides, the FAQ, and the
meta tags and structured data in the head: a few queries (authors, topics, guides, FAQ,
links to pieces not yet live) and most of the page's template work, identical for every
reader, signed in or not. They are kept in the shared cache under the same generations as
the anonymous page (articles.caching), so they change exactly when the page does. What is
the reader's own (the site header, messages, the discussion) is rendered for each request.
"""

import hashlib

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import get_template

from faq.views import faq_context

from . import caching
from .models import Article, RelatedGuide
from .structured_data import article_json_ld

TEMPLATE = "articles/article_detail.html"
NAMES = ("meta", "structured_data", "header", "main")


def _lookups() -> tuple:
    published_guides = RelatedGuide.objects.filter(
        guide__in=Article.objects.published()
    ).select_related("guide")
    return ("authors", "topics", Prefetch("guide_links", queryset=published_guides))


def _render(request: HttpRequest, article: Article, *, comment_count: int) -> dict:
    prefetch_related_objects([article], *_lookups())
    faq = faq_context(request, article)
    context = {
        "article": article,
        "body_html": article.body_for_readers(),
        "related_guides": [link.guide for link in article.guide_links.all()],
        "article_ld": article_json_ld(request, article),
        "comment_count": comment_count,
        "discussion_enabled": True,
        **faq,
    }
    parts = {name: get_template(f"{TEMPLATE}#{name}").render(context, request) for name in NAMES}
    return {**parts, "with_toc": bool(article.toc or faq["faq_items"])}


def _key(request: HttpRequest, article: Article) -> str:
    # The host: the head's absolute addresses.
    parts = (request.get_host(), request.scheme, article.slug)
    return "article-parts:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def for_page(request: HttpRequest, article: Article, *, preview: bool, comment_count: int) -> dict:
    """The parts of `article`'s page, as safe HTML, and whether it has a table of contents.

    A preview is rendered afresh (staff see unpublished changes, never cached).
    """
    if preview:
        parts = _render(request, article, comment_count=comment_count)
    else:
        key = _key(request, article)
        entry, tags = caching.fetch(key, article.slug)
        # The count in the header agrees with the discussion below it, always.
        if entry and entry["comment_count"] == comment_count:
            parts = entry["parts"]
        else:
            parts = _render(request, article, comment_count=comment_count)
            entry = {"parts": parts, "comment_count": comment_count}
            caching.keep(key, entry, tags, article)
    return parts

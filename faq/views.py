from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import FaqItem
from .structured_data import faq_page_json_ld


def faq_context(request: HttpRequest, article) -> dict:
    """What a piece's page needs to show its FAQ: its items in order, and their FAQPage data."""
    items = article.faq_items.all()
    # Readers only ever reach a published piece. Staff previewing an unpublished one see the
    # FAQ it will go live with: the items whose own "published" box is ticked.
    items = list(items.published() if article.is_published else items.marked_published())
    return {"faq_items": items, "faq_ld": faq_page_json_ld(items) if items else None}


def faq_index(request: HttpRequest) -> HttpResponse:
    """Every published item, grouped by piece, optionally on one topic (?topic=<slug>)."""
    published = FaqItem.objects.published()
    topics = list(published.topics())
    slug = request.GET.get("topic", "").strip()
    topic = next((candidate for candidate in topics if candidate.slug == slug), None)
    items = published.select_related("article").by_article()
    if topic is not None:
        items = items.on_topic(topic)
    items = list(items)
    context = {
        "items": items,
        "topics": topics,
        "topic": topic,
        "unknown_topic": slug[:80] if slug and topic is None else "",
        "faq_ld": faq_page_json_ld(items) if items else None,
    }
    return render(request, "faq/faq_index.html", context)

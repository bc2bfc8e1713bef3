"""Full-text search over published parts.

PostgreSQL: its full-text search, weighted (title > standfirst > body) and ranked.
SQLite: every word must appear somewhere; title hits rank above standfirst above body.
Both return the same excerpt, built from the stored plain text with matches marked.
"""

import re

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article

MAX_QUERY_LENGTH = 200
EXCERPT_LENGTH = 240


def search_terms(query: str) -> list[str]:
    words = re.findall(r"\w+", query[:MAX_QUERY_LENGTH].lower())
    return list(dict.fromkeys(word for word in words if len(word) > 1))[:10]


def search_articles(query: str) -> QuerySet[Article]:
    terms = search_terms(query)
    if not terms:
        return Article.objects.none()
    published = Article.objects.published()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("standfirst", weight="B", config="english")
            + SearchVector("body_text", weight="C", config="english")
        )
        search_query = SearchQuery(" ".join(terms), search_type="plain", config="english")
        return (
            published.annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query)
            .order_by("-rank", "-publish_at")
        )
    matches_every_term = Q()
    for term in terms:
        matches_every_term &= (
            Q(title__icontains=term) | Q(standfirst__icontains=term) | Q(body_text__icontains=term)
        )
    rank = Value(0)
    for term in terms:
        rank = (
            rank
            + Case(When(title__icontains=term, then=4), default=0, output_field=IntegerField())
            + Case(When(standfirst__icontains=term, then=2), default=0, output_field=IntegerField())
        )
    return published.filter(matches_every_term).annotate(rank=rank).order_by("-rank", "-publish_at")


def highlight(text: str, terms: list[str]) -> SafeString:
    """Escape `text`, then wrap each word that starts with a search term in <mark>."""
    if not terms:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped above


def excerpt(text: str, terms: list[str], length: int = EXCERPT_LENGTH) -> SafeString:
    """A window of `text` around the first match, with matches highlighted."""
    lowered = text.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - length // 3) if positions else 0
    if start:
        start = text.find(" ", start) + 1 or start
    window = text[start : start + length]
    if start + length < len(text):
        window = window.rsplit(" ", 1)[0]
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(prefix + highlight(window, terms) + suffix)  # noqa: S308 - highlight escapes

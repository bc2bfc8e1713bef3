"""schema.org data for search engines and assistants, built from what the page shows."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .models import Article, Correction


def article_json_ld(
    request: HttpRequest, article: Article, *, notes=(), comments=(), comment_count: int = 0
) -> dict:
    """`notes`: the piece's corrections and updates, as the page shows them. Corrections
    go out as schema.org's `correction` (for errors, as its definition says); updates only
    move `dateModified`, as both do. `comments`: published comments (the newest), each with
    the address that finds it on whichever page of the discussion it is."""
    url = request.build_absolute_uri(article.get_absolute_url())
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": note.text,
            "datePublished": note.published_at.isoformat(),
            "url": request.build_absolute_uri(note.get_absolute_url()),
        }
        for note in notes
        if note.kind == Correction.Kind.CORRECTION
    ]
    modified = article.modified_at or article.updated_at
    data = {
        "@context": "https://schema.org",
        "@type": "AnalysisNewsArticle" if article.kind == Article.Kind.ANALYSIS else "Article",
        "headline": article.title,
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.publish_at.isoformat() if article.publish_at else None,
        "dateModified": modified.isoformat(),
        "wordCount": article.word_count,
        "articleSection": [topic.name for topic in article.topics.all()],
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(author.get_absolute_url()),
            }
            for author in article.authors.all()
        ]
        or [{"@type": "Organization", "name": settings.SITE_NAME}],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri(reverse("articles:home")),
        },
        "isAccessibleForFree": True,
        "commentCount": comment_count,
    }
    if corrections:
        data["correction"] = corrections
    if comments:
        data["comment"] = [
            {
                "@type": "Comment",
                "text": comment.body,
                "datePublished": comment.created_at.isoformat(),
                "url": request.build_absolute_uri(reverse("comments:locate", args=[comment.pk])),
                "author": {"@type": "Person", "name": comment.author.public_name},
            }
            for comment in comments
        ]
    return data

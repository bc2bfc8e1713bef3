from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def faq_context(request: HttpRequest, article) -> dict:
    """What the article page needs to show the piece's FAQ (filled in by the FAQ issue)."""
    return {"faq_items": []}


def faq_index(request: HttpRequest) -> HttpResponse:
    return render(request, "faq/faq_index.html", {})

"""How many pieces wait for a reviewer, for the way in to them on the admin's every page.
Counted only when a template shows it (to a reviewer), so no other page pays for it."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Article


def in_review(request: HttpRequest) -> dict:
    waiting = SimpleLazyObject(Article.objects.filter(status=Article.Status.IN_REVIEW).count)
    return {"review_waiting": waiting}

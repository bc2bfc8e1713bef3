"""Last-Modified for pages that list published pieces (feed, sitemap): a crawler or feed
reader that already has the newest version gets a 304 and no body."""

from django.db.models import Max
from django.http import HttpRequest

from articles.models import Article
from faq.models import FaqItem


def articles_modified(request: HttpRequest, *args, **kwargs):
    return Article.objects.published().last_modified()


def published_content_modified(request: HttpRequest, *args, **kwargs):
    moments = [
        Article.objects.published().last_modified(),
        FaqItem.objects.published().aggregate(latest=Max("updated_at"))["latest"],
    ]
    return max((moment for moment in moments if moment), default=None)

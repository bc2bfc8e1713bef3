from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from faq.models import FaqItem

from .models import Article, Author, Topic


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Article.objects.published().order_by("-publish_at")

    def lastmod(self, item: Article):
        # The last change readers were told of (search engines' "significant update").
        return item.modified_at


class _ListingSitemap(Sitemap):
    """Pages that list published pieces (a topic's, an author's); lastmod: when the newest
    of them last changed."""

    changefreq = "daily"
    model: type[Topic] | type[Author]

    def items(self):
        return (
            self.model.objects.filter(articles__in=Article.objects.published())
            .annotate(last_change=Max("articles__updated_at"))
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.last_change


class TopicSitemap(_ListingSitemap):
    model = Topic


class AuthorSitemap(_ListingSitemap):
    model = Author


def sitemap_modified(request, *args, **kwargs):
    """Last-Modified of the sitemap: its newest piece or FAQ answer, or the last piece to
    come down; a crawler that has it gets a 304 and no body."""
    moments = [
        Article.objects.published().last_modified(),
        Article.objects.last_taken_down(),
        FaqItem.objects.published().aggregate(latest=Max("updated_at"))["latest"],
    ]
    return max((moment for moment in moments if moment), default=None)

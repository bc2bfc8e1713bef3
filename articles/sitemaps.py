from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Article, Author, Topic


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Article.objects.published().order_by("-publish_at")

    def lastmod(self, item: Article):
        return max(item.updated_at, item.publish_at)


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

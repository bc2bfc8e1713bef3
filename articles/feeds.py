from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    link = reverse_lazy("articles:home")
    subtitle = settings.SITE_TAGLINE

    def title(self) -> str:
        return settings.SITE_NAME

    def items(self):
        return Article.objects.published().for_listing()[:20]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Atom sends it as <summary type="html">: feed readers render it as HTML, and the
        # standfirst is plain text, so it goes out escaped (markup in it shows as typed).
        return escape(item.standfirst)

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item: Article) -> str:
        return ", ".join(author.name for author in item.authors.all()) or settings.SITE_NAME

    def item_categories(self, item: Article) -> list[str]:
        return [topic.name for topic in item.topics.all()]


def feed_modified(request, *args, **kwargs):
    """Last-Modified of the feed: a reader that has its newest version gets a 304, no body."""
    return Article.objects.published().last_modified()

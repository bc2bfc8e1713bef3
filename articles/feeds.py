from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .links import absolute_links, unlink_articles
from .models import Article


class FullTextAtomFeed(Atom1Feed):
    """Atom with each piece's whole text in <content type="html"> beside its summary."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class LatestArticlesFeed(Feed):
    feed_type = FullTextAtomFeed
    link = reverse_lazy("articles:home")
    subtitle = settings.SITE_TAGLINE

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Feed sets Last-Modified from its newest entry, which a piece leaving the feed does
        # not change: `feed_modified` (the URL's condition) says when the feed changed.
        response.headers.pop("Last-Modified", None)
        return response

    def title(self) -> str:
        return settings.SITE_NAME

    def get_object(self, request, *args, **kwargs) -> str:
        """The site's address, which links in the pieces' text are made absolute from."""
        return request.build_absolute_uri("/")

    def items(self, base_url: str) -> list[Article]:
        pieces = list(
            Article.objects.published().for_listing().prefetch_related("corrections")[:20]
        )
        # Links to pieces readers cannot see yet become their words (as on the page): the
        # linked pieces are read once for all.
        linked = {slug for piece in pieces for slug in piece.linked_slugs}
        live = Article.objects.published().filter(slug__in=linked).values_list("slug", flat=True)
        hidden = linked - set(live)
        for piece in pieces:
            # Sanitised when the piece was saved (core.markdown); links absolute, since a
            # feed reader has no page to resolve a path against.
            body = absolute_links(unlink_articles(piece.body_html, hidden), base_url)
            # Its corrections and updates first, as on the page, escaped (plain text).
            context = {"notes": piece.corrections.all()}
            notes = render_to_string("articles/includes/feed_notes.html", context).strip()
            piece.content_html = f"{notes}\n{body}" if notes else body
        return pieces

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Atom sends it as <summary type="html">: feed readers render it as HTML, and the
        # standfirst is plain text, so it goes out escaped (markup in it shows as typed).
        return escape(item.standfirst)

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"content_html": item.content_html}

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        # Readers' feed apps show an entry again as updated: only for a note to readers,
        # never for a typo fix.
        return item.modified_at

    def item_author_name(self, item: Article) -> str:
        return ", ".join(author.name for author in item.authors.all()) or settings.SITE_NAME

    def item_categories(self, item: Article) -> list[str]:
        return [topic.name for topic in item.topics.all()]


def feed_modified(request, *args, **kwargs):
    """Last-Modified of the feed: a reader that has its newest version gets a 304, no body.
    A piece coming down by its time changes the feed then, though no row is saved."""
    moments = [Article.objects.published().last_modified(), Article.objects.last_taken_down()]
    return max((moment for moment in moments if moment), default=None)

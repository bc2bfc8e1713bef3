"""Which change invalidates which cached pages: the one place that says so.

Keys (core.http_cache) that each shared page names, and each change purges:
    site                every page
    listing             pages that list or link to pieces: home, topics, authors, feed,
                        sitemap, search, /faq/, and a piece with links or related guides
    article-<pk>        a piece's page;  discussion-<pk>: its comments, and its count in lists
    faq-<pk>, faq       its FAQ items; /faq/, which shows every piece's
    topic-<pk>, author-<pk>, topics: the pieces that name them; /topics/
    corrections         /corrections/, every published piece's notes to readers
In the app only the article page is kept whole (the one that costs: its discussion), under
two versions named from its address, so that they are read before anything else: `site`,
renewed by every editorial change, and `discussion-<slug>`, by its comments. Shared pages
also end by the clock when a scheduled piece goes live or a discussion closes.
"""

from functools import wraps

from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from comments.signals import discussion_changed
from comments.targets import discussion_status
from core import http_cache
from faq.models import FaqItem

from .models import Article, Author, Correction, RelatedGuide, Topic

EDITORIAL = ["site"]  # the in-app version every editorial change renews


def _faq_keys(item: FaqItem) -> list[str]:
    articles = {item.article_id, getattr(item, "previous_article_id", None)} - {None}  # moved
    return ["faq", *(f"faq-{pk}" for pk in articles)]


# What each saved or deleted row touches.
TOUCHES = {
    Article: lambda article: [f"article-{article.pk}", "listing"],
    Topic: lambda topic: [f"topic-{topic.pk}", "topics", "listing"],
    Author: lambda author: [f"author-{author.pk}", "listing"],
    RelatedGuide: lambda link: [f"article-{link.article_id}", "listing"],
    FaqItem: _faq_keys,
    # A note shows on its piece, in the feed (`listing`) and on /corrections/.
    Correction: lambda note: [f"article-{note.article_id}", "listing", "corrections"],
}


def article_keys(article: Article, *, related_guides: list[Article]) -> list[str]:
    pk = article.pk
    keys = ["site", f"article-{pk}", f"discussion-{pk}", f"faq-{pk}"]
    keys += [f"topic-{topic.pk}" for topic in article.topics.all()]
    keys += [f"author-{author.pk}" for author in article.authors.all()]
    return keys + (["listing"] if article.linked_slugs or related_guides else [])


def article_versions(slug: str) -> list[str]:
    return [*EDITORIAL, f"discussion-{slug}"]


def listing_keys(articles=(), *more: str) -> list[str]:
    """A list of pieces with their comment counts."""
    return ["site", "listing", *more, *(f"discussion-{article.pk}" for article in articles)]


def shared_seconds(article: Article | None = None) -> float:
    """How long a shared page stays right by the clock: until the next scheduled piece goes
    live or a piece comes down, or `article`'s discussion closes; the safety net at most."""
    now = timezone.now()
    if article is not None:  # read with the piece (with_next_change): no query
        closes = discussion_status(article, now=now).closes_at
        moments = [article.next_publication, article.next_takedown, closes]
    else:
        live = Article.objects.filter(status__in=Article.LIVE)
        moments = list(
            live.aggregate(
                going_live=Min("publish_at", filter=Q(publish_at__gt=now)),
                coming_down=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
            ).values()
        )
    seconds = [(moment - now).total_seconds() for moment in moments if moment and moment > now]
    return min([http_cache.SAFETY_NET, *seconds])


def shared_listing(view):
    """Mark a view that lists pieces or FAQ items (feed, sitemap, /faq/) as a shared page."""

    @wraps(view)
    def shared(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        keys = listing_keys((), "faq")
        return http_cache.public(response, keys=keys, max_age=shared_seconds())

    return shared


# What each change touches ------------------------------------------------------------


def _editorial_change(sender, instance, **kwargs) -> None:
    http_cache.changed(keys=TOUCHES[sender](instance), versions=EDITORIAL)


for model in TOUCHES:
    post_save.connect(_editorial_change, sender=model, dispatch_uid=f"caching.{model.__name__}")
    post_delete.connect(_editorial_change, sender=model, dispatch_uid=f"caching.{model.__name__}")


@receiver(pre_save, sender=FaqItem)
def _faq_item_moving(sender, instance: FaqItem, **kwargs) -> None:
    previous = FaqItem.objects.filter(pk=instance.pk).values_list("article_id", flat=True)
    instance.previous_article_id = previous.first() if instance.pk else None


@receiver(m2m_changed, sender=Article.topics.through)
@receiver(m2m_changed, sender=Article.authors.through)
def _byline_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """Topics or authors added to or taken from pieces, from either side (a topic's or an
    author's page lists its pieces: `listing`)."""
    if action in ("post_add", "post_remove", "pre_clear"):
        if not reverse:
            pk_set = {instance.pk}
        elif pk_set is None:  # a clear: the pieces about to leave
            pk_set = set(instance.articles.values_list("pk", flat=True))
        keys = ["listing", *(f"article-{pk}" for pk in pk_set)]
        http_cache.changed(keys=keys, versions=EDITORIAL)


@receiver(discussion_changed)
def _discussion_changed(sender, *, target_id: int, **kwargs) -> None:
    slug = Article.objects.filter(pk=target_id).values_list("slug", flat=True).first()
    versions = [f"discussion-{slug}"] if slug else []
    http_cache.changed(keys=[f"discussion-{target_id}"], versions=versions)

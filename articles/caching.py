"""Which change invalidates which cached pages: the one place that says so.

Keys (core.http_cache): each shared page names what it shows, each change what it touched.

    site               every page
    listing            every page that lists or links to pieces: home, topics, authors, feed,
                       sitemap, search, /faq/, and a piece with links or related guides
    article-<pk>       the piece's page
    discussion-<pk>    its comments: its page, and its comment count wherever it is listed
    faq-<pk>, faq      its FAQ items: its page; /faq/ shows every piece's
    topic-<pk>, topics a topic's page and every piece that names it; /topics/
    author-<pk>        an author's page and every piece they wrote

Inside the app only the article page is kept whole (the one that costs: its discussion),
under two versions named from its address so that they are read before anything else:
`site`, renewed by anything an editor changes, and `discussion-<slug>`, by its comments.
A page also stops being shared by the clock alone when a scheduled piece goes live (a list,
a link or a related guide changes) or its discussion closes: `shared_seconds`.
"""

from datetime import datetime
from functools import wraps

from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from comments.signals import discussion_changed
from comments.targets import discussion_status
from core import http_cache
from faq.models import FaqItem

from .models import Article, Author, RelatedGuide, Topic

EDITORIAL = ["site"]  # the in-app version every editorial change renews


# What each page shows ----------------------------------------------------------------


def article_keys(article: Article, *, related_guides: list[Article]) -> list[str]:
    pk = article.pk
    keys = ["site", f"article-{pk}", f"discussion-{pk}", f"faq-{pk}"]
    keys += [f"topic-{topic.pk}" for topic in article.topics.all()]
    keys += [f"author-{author.pk}" for author in article.authors.all()]
    if article.linked_slugs or related_guides:
        keys.append("listing")
    return keys


def article_versions(slug: str) -> list[str]:
    return [*EDITORIAL, f"discussion-{slug}"]


def listing_keys(articles=(), *more: str) -> list[str]:
    """A list of pieces with their comment counts."""
    return ["site", "listing", *more, *(f"discussion-{article.pk}" for article in articles)]


def shared_seconds(article: Article | None = None) -> float:
    """How long a shared page stays right by the clock: until the next scheduled piece goes
    live, or `article`'s discussion closes; the safety net at most."""
    now = timezone.now()
    moments: list[datetime] = []
    scheduled = Article.objects.filter(~Q(status=Article.Status.DRAFT), publish_at__gt=now)
    if article is not None and hasattr(article, "next_publication"):
        moments.append(article.next_publication)  # read with the piece, no query
    else:
        moments.append(scheduled.aggregate(next=Min("publish_at"))["next"])
    if article is not None:
        moments.append(discussion_status(article, now=now).closes_at)
    seconds = [(moment - now).total_seconds() for moment in moments if moment and moment > now]
    return min([http_cache.SAFETY_NET, *seconds])


def shared_listing(*keys: str):
    """Decorate a view that lists pieces (feed, sitemap, /faq/) as a shared page."""

    def decorator(view):
        @wraps(view)
        def shared(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            return http_cache.public(
                response, keys=listing_keys((), *keys), max_age=shared_seconds()
            )

        return shared

    return decorator


# What each change touches ------------------------------------------------------------


def _editorial(*keys: str) -> None:
    http_cache.changed(keys=keys, versions=EDITORIAL)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, instance: Article, **kwargs) -> None:
    _editorial(f"article-{instance.pk}", "listing")


@receiver(m2m_changed, sender=Article.topics.through)
@receiver(m2m_changed, sender=Article.authors.through)
def byline_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    """Topics or authors added to or taken from pieces, from either side."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if pk_set is None:  # a clear: the ones about to go
        related = instance.articles if reverse else getattr(instance, model._meta.model_name + "s")
        pk_set = set(related.values_list("pk", flat=True))
    pieces, others = (pk_set, {instance.pk}) if reverse else ({instance.pk}, pk_set)
    name = "author" if Author in (model, type(instance)) else "topic"
    _editorial(
        "listing",
        *(f"article-{pk}" for pk in pieces),
        *(f"{name}-{pk}" for pk in others),
    )


@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
def topic_changed(sender, instance: Topic, **kwargs) -> None:
    _editorial(f"topic-{instance.pk}", "topics", "listing")


@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
def author_changed(sender, instance: Author, **kwargs) -> None:
    _editorial(f"author-{instance.pk}", "listing")


@receiver(post_save, sender=RelatedGuide)
@receiver(post_delete, sender=RelatedGuide)
def related_guide_changed(sender, instance: RelatedGuide, **kwargs) -> None:
    _editorial(f"article-{instance.article_id}", "listing")


@receiver(pre_save, sender=FaqItem)
def faq_item_moving(sender, instance: FaqItem, **kwargs) -> None:
    """Remember the piece an item is on before the save: one moved to another piece leaves
    the first one's page too."""
    if instance.pk:
        previous = FaqItem.objects.filter(pk=instance.pk).values_list("article_id", flat=True)
        instance.previous_article_id = previous.first()


@receiver(post_save, sender=FaqItem)
@receiver(post_delete, sender=FaqItem)
def faq_item_changed(sender, instance: FaqItem, **kwargs) -> None:
    pieces = {instance.article_id, getattr(instance, "previous_article_id", None)} - {None}
    _editorial("faq", *(f"faq-{pk}" for pk in pieces))


@receiver(discussion_changed)
def discussion_did_change(sender, *, target_id: int, **kwargs) -> None:
    slug = Article.objects.filter(pk=target_id).values_list("slug", flat=True).first()
    http_cache.changed(
        keys=[f"discussion-{target_id}"], versions=[f"discussion-{slug}"] if slug else []
    )

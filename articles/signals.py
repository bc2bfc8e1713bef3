"""Tell the page cache what changed (articles/caching.py), from inside each change's transaction."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from comments.signals import discussion_changed
from faq.models import FaqItem

from . import caching
from .models import Article, Author, RelatedGuide, Topic


@receiver(discussion_changed)
def discussion_did_change(sender, *, target_id: int, **kwargs) -> None:
    slug = Article.objects.filter(pk=target_id).values_list("slug", flat=True).first()
    if slug:
        caching.piece_changed(slug)


@receiver(post_save, sender=FaqItem)
@receiver(post_delete, sender=FaqItem)
def faq_did_change(sender, instance: FaqItem, **kwargs) -> None:
    if instance.article_id:
        caching.piece_changed(instance.article.slug)


# A piece's page shows other pieces (related guides, links that work once their piece is
# live), its topics and its authors: a change to any of them changes the site generation.
@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
@receiver(post_save, sender=RelatedGuide)
@receiver(post_delete, sender=RelatedGuide)
@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Author)
def piece_did_change(sender, **kwargs) -> None:
    caching.site_changed()


@receiver(m2m_changed, sender=Article.topics.through)
@receiver(m2m_changed, sender=Article.authors.through)
def byline_did_change(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        caching.site_changed()

"""Keep `Article.content_version` in step with what the piece's page shows.

Each receiver runs inside the transaction that made the change, so a reader can never be
served a cached page that misses a committed change (articles/caching.py).
"""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from comments.signals import discussion_changed
from faq.models import FaqItem

from .models import Article, Author, Topic


def bump(**filters) -> None:
    Article.objects.filter(**filters).update(content_version=F("content_version") + 1)


@receiver(discussion_changed)
def discussion_did_change(sender, *, target_id: int, **kwargs) -> None:
    bump(pk=target_id)


@receiver(post_save, sender=FaqItem)
@receiver(post_delete, sender=FaqItem)
def faq_did_change(sender, instance: FaqItem, **kwargs) -> None:
    if instance.article_id:
        bump(pk=instance.article_id)


@receiver(post_save, sender=Topic)
def topic_did_change(sender, instance: Topic, **kwargs) -> None:
    bump(topics=instance)


@receiver(post_save, sender=Author)
def author_did_change(sender, instance: Author, **kwargs) -> None:
    bump(authors=instance)


@receiver(m2m_changed, sender=Article.topics.through)
@receiver(m2m_changed, sender=Article.authors.through)
def byline_did_change(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, Article):
        bump(pk=instance.pk)

"""Corrections and updates: the dated notes to readers on a piece. A piece's public
"Updated" time (Article.revised_at) is the date of its newest note, kept so by every change
to its notes, whichever way it is made (the admin's inline, a revert, the shell)."""

from django.db.models import Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Article, Correction


def refresh_revised_at(*, article_id: int) -> None:
    """Set the piece's public revision time from its notes (None when it has none). Its
    internal change time moves too, so that Last-Modified and ETags answer the change."""
    newest = Correction.objects.filter(article_id=article_id).aggregate(at=Max("published_at"))
    # An update(), not save(): no Markdown rendered again, no revision of the piece.
    Article.objects.filter(pk=article_id).update(revised_at=newest["at"], updated_at=timezone.now())


@receiver(post_save, sender=Correction, dispatch_uid="corrections.saved")
@receiver(post_delete, sender=Correction, dispatch_uid="corrections.deleted")
def _notes_changed(sender, instance: Correction, **kwargs) -> None:
    refresh_revised_at(article_id=instance.article_id)


def published_notes():
    """Notes readers may see (those on published pieces), newest first, with their piece."""
    return Correction.objects.filter(article__in=Article.objects.published()).select_related(
        "article"
    )

"""An editor never loses work in a piece's admin form: what they type is kept as a draft
(per editor and piece) until they save, and a save from a form opened before someone
else's save is stopped (optimistic locking on `Article.version`) until they have seen
what differs."""

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from reversion.models import Version

from .models import Article, ArticleDraft

# Drafts ------------------------------------------------------------------------------------


def save_draft(*, editor: AbstractBaseUser, article: Article | None, fields: dict) -> ArticleDraft:
    """Keep `fields` (the form as typed) as `editor`'s draft of `article` (None: a new
    piece), replacing their earlier one."""
    draft, _ = ArticleDraft.objects.update_or_create(
        editor=editor,
        article=article,
        defaults={"fields": fields, "saved_at": timezone.now()},
    )
    return draft


def draft_of(*, editor: AbstractBaseUser, article: Article | None) -> ArticleDraft | None:
    """`editor`'s draft of `article` (None: of a new piece), if they have one."""
    return ArticleDraft.objects.filter(editor=editor, article=article).first()


def discard_draft(*, editor: AbstractBaseUser, article: Article | None) -> None:
    """Forget `editor`'s draft of `article` (None: of a new piece): they saved or refused it."""
    ArticleDraft.objects.filter(editor=editor, article=article).delete()


# Versions ----------------------------------------------------------------------------------


@receiver(pre_save, sender=Article)
def count_restored_versions(sender, instance: Article, raw: bool, **kwargs) -> None:
    """django-reversion restores a piece by a raw save of the fields it stored, the version
    number among them: count the restore as one more save instead, so that no number comes
    back and a form opened before the restore sees the change. (A row being created, as by
    loaddata or a recovered piece, keeps its number.)"""
    if raw and Article.objects.filter(pk=instance.pk).exists():
        instance.version = F("version") + 1


def saved_version(*, article_id: int) -> int | None:
    """The piece's version as saved now, its row locked until the transaction ends, so that
    no other save comes between this check and the save that follows it."""
    return (
        Article.objects.select_for_update()
        .filter(pk=article_id)
        .values_list("version", flat=True)
        .first()
    )


@dataclass(frozen=True)
class LastSave:
    by: AbstractBaseUser | None  # when django-reversion recorded who
    at: datetime


def last_save(*, article: Article) -> LastSave:
    """Who saved `article` last, and when (its latest revision; else its last update)."""
    latest = Version.objects.get_for_object(article).select_related("revision__user").first()
    if latest is None:
        return LastSave(by=None, at=article.updated_at)
    return LastSave(by=latest.revision.user, at=latest.revision.date_created)


@dataclass(frozen=True)
class Change:
    """A run of lines that differ: as saved (theirs) and as typed (yours)."""

    theirs: str
    yours: str


def changes(*, theirs: str, yours: str) -> list[Change]:
    """The runs of lines that differ between two texts, in order; equal lines left out."""
    a, b = theirs.splitlines(), yours.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [
        Change(theirs="\n".join(a[i1:i2]), yours="\n".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]

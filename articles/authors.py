"""Authors who opt in (Author.follows_discussions, with their sign-in) follow the
discussions of their pieces as readers do, through comments.follows: the same mail, the
same one-click stop for a piece. An author is made to follow when they opt in (the
author admin) and when a piece gets them as an author; a piece they stopped following is
not followed again behind their back."""

from collections.abc import Iterable

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from comments import follows

from .models import Article, Author


def follow_their_discussions(author: Author, pieces: Iterable[Article] | None = None) -> int:
    """Make `author` follow `pieces` (default: all theirs), if they opted in; how many."""
    if author.account_id is None or not author.follows_discussions:
        return 0
    pieces = list(author.articles.all() if pieces is None else pieces)
    for piece in pieces:
        follows.follow(user=author.account, target=piece, mode=author.follows_discussions)
    return len(pieces)


@receiver(m2m_changed, sender=Article.authors.through)
def _new_authors_follow(sender, instance, action, pk_set, reverse, **kwargs) -> None:
    if action != "post_add" or not pk_set:
        return
    if reverse:  # author.articles.add(pieces)
        follow_their_discussions(instance, Article.objects.filter(pk__in=pk_set))
    else:  # piece.authors.add(authors)
        for author in Author.objects.filter(pk__in=pk_set).select_related("account"):
            follow_their_discussions(author, [instance])

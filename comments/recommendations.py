"""Readers recommending published comments: one recommendation per reader per comment,
counted on the comment."""

from django.db import transaction
from django.db.models import F

from . import states
from .errors import CommentError
from .models import Comment, Recommendation
from .posting import check_not_sanctioned

State = Comment.State


def _check_recommendable(comment: Comment, user) -> None:
    if comment.author_id == user.pk:
        raise CommentError("You can't recommend your own comment.", code="own_comment")
    if comment.state != State.APPROVED:
        raise CommentError("Only published comments can be recommended.", code="not_public")


def recommend_comment(*, comment: Comment, user) -> bool:
    """Add `user`'s recommendation; False when they had already recommended it."""
    _check_recommendable(comment, user)
    check_not_sanctioned(user)
    with transaction.atomic():
        _, created = Recommendation.objects.get_or_create(comment=comment, user=user)
        if created:
            Comment.objects.filter(pk=comment.pk).update(
                recommendation_count=F("recommendation_count") + 1
            )
            states.changed(comment)
    return created


def unrecommend_comment(*, comment: Comment, user) -> bool:
    """Take back `user`'s recommendation; False when there was none (a sanctioned reader's
    recommendations stay as they were: counts move only by readers in good standing)."""
    check_not_sanctioned(user)
    with transaction.atomic():
        deleted, _ = Recommendation.objects.filter(comment=comment, user=user).delete()
        if deleted:
            Comment.objects.filter(pk=comment.pk, recommendation_count__gt=0).update(
                recommendation_count=F("recommendation_count") - 1
            )
            states.changed(comment)
    return bool(deleted)

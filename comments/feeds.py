"""A piece's approved comments as an Atom feed, for readers who follow a discussion in
their feed reader. Shared like the piece's page, and purged with its discussion."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed

from core import http_cache

from .models import Comment
from .targets import CommentTarget
from .views import _published_target_or_404

FEED_LENGTH = 50


class CommentsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, target_id: int) -> CommentTarget:
        return _published_target_or_404(target_id)

    def title(self, target: CommentTarget) -> str:
        return f"Comments on {target.title}"

    def link(self, target: CommentTarget) -> str:
        return f"{target.get_absolute_url()}#discussion"

    def items(self, target: CommentTarget):
        approved = Comment.objects.filter(target_id=target.pk, state=Comment.State.APPROVED)
        return approved.select_related("author").order_by("-created_at", "-id")[:FEED_LENGTH]

    def item_title(self, comment: Comment) -> str:
        return f"Comment by {comment.author.public_name}"

    def item_description(self, comment: Comment) -> str:
        return comment.body_html  # sanitised when it was saved (core.markdown)

    def item_author_name(self, comment: Comment) -> str:
        return comment.author.public_name

    def item_pubdate(self, comment: Comment):
        return comment.created_at

    def item_updateddate(self, comment: Comment):
        return comment.edited_at or comment.created_at

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        keys = ["site", f"discussion-{kwargs['target_id']}"]
        return http_cache.public(response, keys=keys)


comments_feed = CommentsFeed()

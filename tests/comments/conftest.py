"""Comment fixtures: real rows made through the services, as the site makes them."""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from comments import posting, states
from comments.models import Comment


@pytest.fixture(autouse=True)
def _fresh_throttle(db):
    """Cached parts and allauth's counters live in the cache (the database cache is rolled
    back with each test, Redis and transactional tests are not); each test starts with none.
    The posting limit is in the database (comments.models.PostingWindow), rolled back."""
    cache.clear()
    yield
    cache.clear()


def _recently() -> datetime:
    # Explicit: the shared make_article spaces publication times an hour apart per article
    # made in the session, so late in a long run its pieces would be past the close.
    return timezone.now() - timedelta(hours=1)


@pytest.fixture
def piece(make_article):
    return make_article(
        "Axis of pragmatism",
        slug="axis",
        discussion_prompt="Is this axis here to stay?",
        publish_at=_recently(),
    )


@pytest.fixture
def other_piece(make_article):
    return make_article("Another piece", slug="another", publish_at=_recently())


@pytest.fixture
def post(piece):
    """Post a comment through the service (default: on `piece`)."""

    def make(author, body: str = "A thoughtful comment.", *, target=None, parent=None):
        return posting.post_comment(
            target=target or piece, author=author, body=body, parent=parent
        ).comment

    return make


@pytest.fixture
def approve():
    def make(comment: Comment, actor=None) -> Comment:
        states.change_state(comment=comment, to_state=Comment.State.APPROVED, actor=actor)
        comment.refresh_from_db()
        return comment

    return make


@pytest.fixture
def make_trusted(make_user, post, approve, other_piece):
    """A reader whose first comment a moderator approved: their next ones are published."""

    def make(email: str | None = None, **fields):
        user = make_user(email, **fields)
        approve(post(user, "My first comment, now approved.", target=other_piece))
        return user

    return make


@pytest.fixture
def trusted(make_trusted):
    return make_trusted("trusted@example.com", display_name="Trusted Reader")


@pytest.fixture
def second_trusted(make_trusted):
    return make_trusted("second@example.com", display_name="Second Reader")


@pytest.fixture
def piece_url(piece):
    return piece.get_absolute_url()


@pytest.fixture
def post_url(piece):
    return reverse("comments:post", kwargs={"target_id": piece.pk})

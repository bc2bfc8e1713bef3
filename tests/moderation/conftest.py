"""Moderation fixtures: the comment fixtures (tests/comments/conftest.py), and a few more."""

import pytest
from django.core.cache import cache

from comments import reports
from comments.models import Comment
from core.roles import MODERATORS
from tests.comments import conftest as comments_fixtures

# The comment fixtures, shared with tests/comments (a conftest only reaches its own folder).
approve = comments_fixtures.approve
make_trusted = comments_fixtures.make_trusted
other_piece = comments_fixtures.other_piece
piece = comments_fixtures.piece
piece_url = comments_fixtures.piece_url
post = comments_fixtures.post
post_url = comments_fixtures.post_url
second_trusted = comments_fixtures.second_trusted
trusted = comments_fixtures.trusted

State = Comment.State


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """Throttle counters and cached pages live in the shared cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def second_moderator(make_user):
    return make_user(
        "second.moderator@example.com",
        groups=[MODERATORS],
        is_staff=True,
        display_name="Second Moderator",
    )


@pytest.fixture
def held(reader, post):
    """A first comment by a reader: pending, "Held: first comment by this reader"."""
    comment = post(reader, "A first comment, held for review.")
    assert comment.state == State.PENDING
    return comment


@pytest.fixture
def published(trusted, post):
    comment = post(trusted, "A published comment.")
    assert comment.state == State.APPROVED
    return comment


@pytest.fixture
def reporters(make_trusted):
    return [make_trusted(f"reporter{n}@example.com") for n in range(4)]


@pytest.fixture
def report():
    def make(comment, reporter, reason="abuse", details=""):
        return reports.report_comment(
            comment=comment, reporter=reporter, reason=reason, details=details
        )[0]

    return make

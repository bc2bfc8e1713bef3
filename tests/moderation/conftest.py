"""Moderation fixtures: the comment fixtures are the root conftest's; a few more here."""

import pytest

from comments import reports
from comments.models import Comment
from core.roles import MODERATORS

State = Comment.State


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here reads or writes comments in the database."""


@pytest.fixture
def moderating(client, moderator):
    """The test client, signed in as a moderator."""
    client.force_login(moderator)
    return client


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

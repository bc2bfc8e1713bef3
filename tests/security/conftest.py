"""Security fixtures: the comment fixtures, every role of the site, and a clean cache."""

import pytest
from django.core.cache import cache

from comments import moderation
from comments.models import Comment
from tests.comments.conftest import (  # noqa: F401 - fixtures shared with the comments tests
    approve,
    make_trusted,
    other_piece,
    piece,
    post,
    trusted,
)
from tests.faq.conftest import make_faq_item  # noqa: F401

State = Comment.State


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """Rate limits, throttles and cached pages live in the shared cache: start clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def superuser(make_user):
    return make_user(
        "root@example.com", is_staff=True, is_superuser=True, display_name="Site Admin"
    )


@pytest.fixture
def suspended_reader(make_user, moderator):
    user = make_user("suspended@example.com", display_name="Suspended Reader")
    moderation.suspend_commenter(
        user=user, moderator=moderator, days=7, reason="Cooling off after a flame war."
    )
    return user


def signed_in(client_class, user):
    client = client_class()
    if user is not None:
        client.force_login(user)
    return client

"""The anonymous article page is served from the cache, and never out of date.

Every test runs twice: on the database cache (the default without REDIS_URL) and on Redis,
the two shared caches the site runs on. Neither lives in one process's memory.
"""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import services
from comments.models import Comment
from faq.models import FaqItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]


@pytest.fixture
def piece(make_article, make_user):
    piece = make_article(
        "Cached piece",
        slug="cached",
        body="See [the coming guide](/articles/coming-guide/).",
        discussion_prompt="Your view?",
        publish_at=timezone.now() - timedelta(hours=1),
    )
    commenter = make_user(display_name="Early Commenter")
    first = services.post_comment(target=piece, author=commenter, body="First words.").comment
    services.change_state(comment=first, to_state=Comment.State.APPROVED)
    return piece


def get(client, piece):
    response = client.get(piece.get_absolute_url())
    assert response.status_code == 200
    return response


def test_a_warm_anonymous_view_costs_at_most_two_queries(
    client, piece, django_assert_max_num_queries
):
    cold = get(client, piece).content.decode()
    # One cache read (a query with the database cache, none with Redis) and nothing else.
    with django_assert_max_num_queries(1):
        warm = get(Client(), piece).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", warm) == strip.sub("", cold)
    assert "First words." in warm


def test_a_newly_approved_comment_shows_at_once(client, piece, make_user, committed):
    get(client, piece)
    author = make_user(display_name="Second Voice")
    with committed():
        comment = services.post_comment(target=piece, author=author, body="Second words.")
    assert "Second words." not in get(client, piece).content.decode()  # pending: not public
    with committed():
        services.change_state(comment=comment.comment, to_state=Comment.State.APPROVED)
    assert "Second words." in get(client, piece).content.decode()
    with committed():
        services.change_state(
            comment=comment.comment, to_state=Comment.State.REMOVED, reason="Off topic"
        )
    assert "Second words." not in get(client, piece).content.decode()


def test_a_changed_faq_or_piece_shows_at_once(client, piece, committed):
    get(client, piece)
    with committed():
        item = FaqItem.objects.create(article=piece, question="Why cache?", answer="Speed.")
    assert "Why cache?" in get(client, piece).content.decode()
    item.question = "Why cache pages?"
    with committed():
        item.save()
    assert "Why cache pages?" in get(client, piece).content.decode()
    piece.title = "Retitled piece"
    with committed():
        piece.save()
    assert "Retitled piece" in get(client, piece).content.decode()


def test_a_change_shows_only_once_committed(client, piece):
    """Before its transaction commits, a change must not be cached as current: the test's
    transaction never commits here, so readers keep the page as it was."""
    get(client, piece)
    piece.title = "Uncommitted title"
    piece.save()
    assert "Uncommitted title" not in get(Client(), piece).content.decode()


def test_a_new_topic_name_shows_at_once(client, piece, make_topic, committed):
    topic = make_topic("Old name")
    with committed():
        piece.topics.add(topic)
    assert "Old name" in get(client, piece).content.decode()
    topic.name = "New name"
    with committed():
        topic.save()
    assert "New name" in get(client, piece).content.decode()


def test_a_linked_piece_going_live_turns_the_text_into_a_link(client, piece, make_article):
    make_article(
        "Coming guide",
        slug="coming-guide",
        kind=Article.Kind.GUIDE,
        publish_at=timezone.now() + timedelta(seconds=1.5),
    )
    assert 'href="/articles/coming-guide/"' not in get(client, piece).content.decode()
    time.sleep(1.6)  # its time comes: nothing is saved, the clock passes publish_at
    assert 'href="/articles/coming-guide/"' in get(client, piece).content.decode()


def test_each_anonymous_reader_gets_their_own_valid_csrf_token(piece):
    get(Client(), piece)  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    page = get(reader, piece)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    assert "placeholder-8c1f3a" not in token
    assert reader.cookies["csrftoken"].value
    response = reader.post(
        reverse("comments:post", kwargs={"target_id": piece.pk}),
        {"body": "Typed before signing in.", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302  # on to sign in, text kept: not a CSRF failure
    assert "Typed before signing in." in get(reader, piece).content.decode()  # not cached


def test_a_page_from_the_cache_carries_the_same_headers(piece):
    cold = get(Client(), piece)
    warm = get(Client(), piece)  # no session cookie: served before sessions load
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Content-Type-Options",
        "Vary",
        "Cache-Control",
        "ETag",
    ):
        assert warm.headers.get(header) == cold.headers.get(header), header
    assert "Cookie" in warm.headers["Vary"]
    assert warm.cookies["csrftoken"].value


def test_a_reader_with_a_session_gets_their_own_message_not_the_cached_page(
    client, piece, make_user
):
    get(Client(), piece)  # fills the cache
    client.post(
        reverse("comments:post", kwargs={"target_id": piece.pk}), {"body": "Kept for later."}
    )
    page = get(client, piece).content.decode()
    assert "Kept for later." in page  # their draft, back in the form
    assert "We have kept what you wrote" in page  # and the message that says so


def test_signed_in_readers_see_their_own_pending_comment(client, piece, make_user):
    get(Client(), piece)  # an anonymous reader fills the cache
    writer = make_user(display_name="Waiting Writer")
    services.post_comment(target=piece, author=writer, body="My pending words.")
    client.force_login(writer)
    page = get(client, piece).content.decode()
    assert "My pending words." in page
    assert "My pending words." not in get(Client(), piece).content.decode()
    assert "ETag" not in get(client, piece).headers


def test_conditional_get_answers_304_until_something_changes(client, piece, committed):
    etag = get(client, piece).headers["ETag"]
    again = client.get(piece.get_absolute_url(), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    with committed():
        FaqItem.objects.create(article=piece, question="New question?", answer="Yes.")
    changed = client.get(piece.get_absolute_url(), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_the_cached_page_follows_the_discussion_closing_by_itself(client, make_article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 1
    closing = make_article(
        "Closing soon",
        discussion_prompt="Quick, your view?",
        publish_at=timezone.now() - timedelta(days=1) + timedelta(seconds=1.5),
    )
    assert "Sign in to comment" in get(client, closing).content.decode()
    time.sleep(1.6)  # the discussion closes by the clock alone
    assert "Sign in to comment" not in get(client, closing).content.decode()


def test_preview_and_other_pages_are_never_served_from_the_page_cache(client, piece, editor):
    get(Client(), piece)
    client.force_login(editor)
    preview = client.get(reverse("articles:preview", kwargs={"slug": piece.slug}))
    assert preview.headers["Cache-Control"] == "private, no-store"

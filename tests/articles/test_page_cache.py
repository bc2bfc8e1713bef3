"""Shared pages: the same for every reader without a session, said so in standard headers,
kept in the app under versions, and exact after every change.

Every test runs twice: pages kept in this process's memory (the default without REDIS_URL)
and in Redis. The versions that key them are in the database either way.
"""

import re
import time
from datetime import timedelta

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import posting, states
from comments.models import Comment
from core import http_cache
from faq.models import FaqItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def piece(make_article, make_user, make_topic, make_author):
    piece = make_article(
        "Cached piece",
        slug="cached",
        body="See [the coming guide](/articles/coming-guide/).",
        discussion_prompt="Your view?",
        publish_at=timezone.now() - timedelta(hours=1),
        topics=[make_topic("Sanctions")],
        authors=[make_author("Ada Analyst")],
    )
    commenter = make_user(display_name="Early Commenter")
    first = posting.post_comment(target=piece, author=commenter, body="First words.").comment
    states.change_state(comment=first, to_state=Comment.State.APPROVED)
    return piece


def get(client, piece, query: str = "", **headers):
    response = client.get(piece.get_absolute_url() + query, headers=headers)
    assert response.status_code == 200
    return response


# The same page for everyone ------------------------------------------------------------


def test_an_anonymous_page_holds_nothing_of_the_visitors_request(piece):
    first = get(Client(), piece, "?utm_source=ATTACKER&cpage=1&sort=bogus")
    other = Client(REMOTE_ADDR="10.9.8.7")
    other.cookies["csrftoken"] = "t" * 32
    second = get(other, piece)
    page = first.content.decode()
    assert first.content == second.content
    assert "ATTACKER" not in page
    assert "csrfmiddlewaretoken" not in page
    assert not first.cookies  # no CSRF cookie, no session
    # Sign in, from the header or the box, takes the box's text along: no token needed.
    assert 'form="comment-form" name="then" value="login"' in page


def test_anonymous_pages_say_they_are_shared_and_what_they_show(piece):
    response = get(Client(), piece)
    control = response.headers["Cache-Control"]
    assert "public" in control
    assert "stale-while-revalidate" in control
    assert "stale-if-error" in control
    assert 0 < int(re.search(r"s-maxage=(\d+)", control)[1]) <= 300
    assert response.headers["Vary"] == "Cookie"
    keys = set(response.headers["Surrogate-Key"].split())
    topic, author = piece.topics.get(), piece.authors.get()
    assert {
        "site",
        f"article-{piece.pk}",
        f"discussion-{piece.pk}",
        f"faq-{piece.pk}",
        f"topic-{topic.pk}",
        f"author-{author.pk}",
    } <= keys
    for url in ("/", topic.get_absolute_url(), author.get_absolute_url(), "/faq/", "/feed/"):
        listed = Client().get(url)
        assert "public" in listed.headers["Cache-Control"], url
        assert "listing" in listed.headers["Surrogate-Key"].split(), url


def test_pages_for_a_reader_with_a_session_are_private(client, piece, reader):
    client.force_login(reader)
    response = get(client, piece)
    assert response.headers["Cache-Control"].startswith("private")
    assert "Surrogate-Key" not in response.headers
    assert "csrfmiddlewaretoken" in response.content.decode()
    for url in ("/", "/accounts/login/", reverse("comments:mine")):
        assert "public" not in client.get(url).headers["Cache-Control"], url


def test_a_page_from_the_cache_carries_the_same_headers(piece):
    cold = get(Client(), piece)
    warm = get(Client(), piece)
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Content-Type-Options",
        "Vary",
        "ETag",
        "Surrogate-Key",
    ):
        assert warm.headers.get(header) == cold.headers.get(header), header
    assert warm.content == cold.content


def test_a_warm_anonymous_view_costs_two_round_trips(piece, django_assert_max_num_queries):
    get(Client(), piece)
    # The versions (one query to the database cache), then the page, from memory or Redis.
    with django_assert_max_num_queries(1):
        assert "First words." in get(Client(), piece).content.decode()


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


# Nothing a visitor sends makes new entries ---------------------------------------------


def _entries(page_cache: str, settings) -> int:
    """Rows of the database cache, and keys of the page cache when it can be counted."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        rows = cursor.fetchone()[0]
    if page_cache != "redis":
        return rows
    server = redis.Redis.from_url(settings.CACHES["pages"]["LOCATION"])
    return rows + sum(1 for _ in server.scan_iter(f"{caches['pages'].key_prefix}*"))


def test_a_burst_of_junk_parameters_adds_no_cache_entries(piece, page_cache, settings):
    get(Client(), piece)
    before = _entries(page_cache, settings)
    for n in range(30):
        query = f"?utm_source=x{n}&reply_to={n}&sort=junk{n}&cpage=1&x{n}=y"
        assert get(Client(), piece, query).content == get(Client(), piece).content
        past_the_end = Client().get(piece.get_absolute_url() + f"?cpage={n + 2}")
        assert past_the_end.status_code == 302  # to the last page; nothing kept
        huge = Client().get(piece.get_absolute_url() + "?cpage=99999999999999999999")
        assert huge.status_code == 200
    assert _entries(page_cache, settings) == before


def test_addresses_of_pieces_that_do_not_exist_add_no_cache_entries(piece, page_cache, settings):
    before = _entries(page_cache, settings)
    for n in range(20):
        assert Client().get(f"/articles/made-up-{n}/").status_code == 404
    assert _entries(page_cache, settings) == before


# Exact after every change --------------------------------------------------------------


def test_a_newly_approved_comment_shows_at_once(client, piece, make_user, committed):
    get(client, piece)
    author = make_user(display_name="Second Voice")
    with committed():
        comment = posting.post_comment(target=piece, author=author, body="Second words.")
    assert "Second words." not in get(client, piece).content.decode()  # pending: not public
    with committed():
        states.change_state(comment=comment.comment, to_state=Comment.State.APPROVED)
    assert "Second words." in get(client, piece).content.decode()
    with committed():
        states.change_state(
            comment=comment.comment, to_state=Comment.State.REMOVED, reason="Off topic"
        )
    assert "Second words." not in get(client, piece).content.decode()


def test_an_edit_committed_while_a_page_renders_is_never_hidden(piece, committed):
    """The reader's request reads the piece, then an editor's change commits, then the
    reader's page is stored: the next reader still gets the change."""

    def edit_meanwhile(sender, **kwargs):
        template_rendered.disconnect(edit_meanwhile)
        edited = Article.objects.get(pk=piece.pk)
        edited.title = "Retitled meanwhile"
        with committed():
            edited.save()

    template_rendered.connect(edit_meanwhile)
    assert "Retitled meanwhile" not in get(Client(), piece).content.decode()
    assert "Retitled meanwhile" in get(Client(), piece).content.decode()


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


def test_an_faq_item_moved_to_another_piece_leaves_the_first(
    client, piece, make_article, committed, purges
):
    other = make_article("Other piece", slug="other")
    with committed():
        item = FaqItem.objects.create(article=piece, question="Where am I?", answer="Here.")
    assert "Where am I?" in get(client, piece).content.decode()
    get(client, other)
    purges.clear()
    item.article = other
    with committed():
        item.save()
    assert "Where am I?" not in get(client, piece).content.decode()
    assert "Where am I?" in get(client, other).content.decode()
    assert {f"faq-{piece.pk}", f"faq-{other.pk}"} <= set().union(*purges)


def test_a_change_shows_only_once_committed(client, piece, purges):
    """Before its transaction commits, a change is not current: the test's transaction
    never commits here, so readers keep the page as it was, and nothing is purged."""
    get(client, piece)
    piece.title = "Uncommitted title"
    piece.save()
    assert "Uncommitted title" not in get(Client(), piece).content.decode()
    assert purges == []


def test_purges_name_what_changed_once_it_commits(piece, committed, purges, settings):
    with committed():
        piece.title = "New title"
        piece.save()
    assert any(f"article-{piece.pk}" in keys for keys in purges)
    purges.clear()
    settings.HTTP_CACHE_PURGE_URLS = []
    with committed():
        piece.save()
    assert purges == []  # no cache in front: nothing is sent


def test_a_new_topic_name_shows_at_once(client, piece, make_topic, committed):
    topic = make_topic("Old name")
    with committed():
        piece.topics.add(topic)
    assert "Old name" in get(client, piece).content.decode()
    topic.name = "New name"
    with committed():
        topic.save()
    assert "New name" in get(client, piece).content.decode()


def test_deleting_a_topic_or_an_author_shows_at_once(client, piece, committed, purges):
    topic, author = piece.topics.get(), piece.authors.get()
    keys = {f"topic-{topic.pk}", f"author-{author.pk}"}
    page = get(client, piece).content.decode()
    assert "Sanctions" in page
    assert "Ada Analyst" in page
    with committed():
        topic.delete()
        author.delete()
    page = get(client, piece).content.decode()
    assert "Sanctions" not in page
    assert "Ada Analyst" not in page
    assert keys <= set().union(*purges)


def test_a_new_release_of_the_templates_gets_new_pages(piece, settings, tmp_path):
    """Pages rendered by the code a deploy replaced are not served by the new code."""
    page = get(Client(), piece).content.decode()
    template = tmp_path / "templates" / "includes" / "footer.html"
    template.parent.mkdir(parents=True)
    template.write_text("<footer>New release footer</footer>")
    dirs = [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": dirs}]
    settings.BASE_DIR = tmp_path
    http_cache.code_version.cache_clear()
    try:
        fresh = get(Client(), piece).content.decode()
    finally:
        http_cache.code_version.cache_clear()
    assert "New release footer" not in page
    assert "New release footer" in fresh


def test_a_linked_piece_going_live_turns_the_text_into_a_link(client, piece, make_article):
    make_article(
        "Coming guide",
        slug="coming-guide",
        kind=Article.Kind.GUIDE,
        publish_at=timezone.now() + timedelta(seconds=1.5),
    )
    response = get(client, piece)
    assert '/articles/coming-guide/"' not in response.content.decode()
    assert int(re.search(r"s-maxage=(\d+)", response.headers["Cache-Control"])[1]) <= 2
    time.sleep(1.6)  # its time comes: nothing is saved, the clock passes publish_at
    assert 'href="http://testserver/articles/coming-guide/"' in get(client, piece).content.decode()


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


# Readers with something of their own ---------------------------------------------------


def test_a_reader_with_a_session_gets_their_own_draft_not_the_shared_page(client, piece):
    get(Client(), piece)  # fills the cache
    client.post(
        reverse("comments:draft", kwargs={"target_id": piece.pk}), {"body": "Kept for later."}
    )
    response = get(client, piece)
    assert "Kept for later." in response.content.decode()  # their draft, back in the form
    assert "public" not in response.headers["Cache-Control"]
    assert "Kept for later." not in get(Client(), piece).content.decode()


def test_signed_in_readers_see_their_own_pending_comment(client, piece, make_user):
    get(Client(), piece)  # an anonymous reader fills the cache
    writer = make_user(display_name="Waiting Writer")
    posting.post_comment(target=piece, author=writer, body="My pending words.")
    client.force_login(writer)
    assert "My pending words." in get(client, piece).content.decode()
    assert "My pending words." not in get(Client(), piece).content.decode()


def test_preview_is_never_shared(client, piece, editor):
    get(Client(), piece)
    client.force_login(editor)
    preview = client.get(reverse("articles:preview", kwargs={"slug": piece.slug}))
    assert preview.headers["Cache-Control"] == "private, no-store"

"""A page of threads is rendered once per version of the discussion and shared by readers,
yet each reader sees their own marks, and every change shows at once.

Every test runs on the database cache and on Redis (tests/conftest.py, `shared_cache`).
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import Comment, Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, piece, query: str = "") -> str:
    response = client.get(piece.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def item(html: str, comment: Comment) -> str:
    found = re.search(
        rf'<article class="comment[^"]*" id="comment-{comment.pk}">.*?</article>', html, re.S
    )
    assert found, f"comment {comment.pk} is not on the page"
    return found.group(0)


def listing_queries(client: Client, piece) -> list[str]:
    """The queries of one view that read the discussion's comments by piece."""
    with CaptureQueriesContext(connection) as queries:
        page(client, piece)
    return [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "comments_comment"' in q["sql"] and '"target_id" =' in q["sql"]
        and '"author_id" =' not in q["sql"]
    ]  # fmt: skip


@pytest.fixture
def thread(piece, trusted, second_trusted, post):
    first = post(trusted, "The opening argument.")
    reply = post(second_trusted, "A reply to the opening.", parent=first)
    other = post(second_trusted, "Another thread entirely.")
    return first, reply, other


def test_readers_share_the_threads_and_each_sees_their_own_marks(
    piece, thread, trusted, second_trusted, make_user
):
    first, reply, other = thread
    fan, critic, bystander = (
        make_user(display_name=name) for name in ("Fan", "Critic", "Bystander")
    )
    services.recommend_comment(comment=other, user=fan)
    services.report_comment(comment=reply, reporter=critic, reason=Report.Reason.OFF_TOPIC)

    assert listing_queries(client_for(bystander), piece)  # rendered once …
    views = {user: page(client_for(user), piece) for user in (trusted, fan, critic, bystander)}
    assert not listing_queries(client_for(make_user()), piece)  # … then shared

    # Their own: edit and withdraw, no recommend or report.
    mine = item(views[trusted], first)
    assert "Edit</a>" in mine
    assert "Withdraw</a>" in mine
    assert "Report" not in mine
    assert "Edit</a>" not in item(views[bystander], first)
    # Recommended by this reader only.
    assert 'aria-pressed="true"' in item(views[fan], other)
    assert 'aria-pressed="false"' in item(views[bystander], other)
    # Reported by this reader only.
    assert 'class="comment__reported"' in item(views[critic], reply)
    assert 'class="comment__reported"' not in item(views[bystander], reply)
    # And each reader's page is whole: every comment, in its thread.
    for html in views.values():
        for comment in thread:
            assert comment.body in html
        assert html.index(first.body) < html.index(reply.body) < html.index(other.body)


def test_a_newly_approved_comment_shows_at_once_to_signed_in_readers(
    piece, thread, make_user, committed, approve
):
    reader = client_for(make_user(display_name="Regular"))
    page(reader, piece)
    newcomer = make_user(display_name="Newcomer")
    with committed():
        held = services.post_comment(target=piece, author=newcomer, body="Held, then approved.")
    assert held.comment.state == Comment.State.PENDING
    assert "Held, then approved." not in page(reader, piece)
    with committed():
        approve(held.comment)
    assert "Held, then approved." in page(reader, piece)


def test_a_recommendation_count_is_current_for_everyone(piece, thread, make_user, committed):
    _, _, other = thread
    reader = client_for(make_user(display_name="Regular"))
    assert '<span class="comment__count">0</span>' in item(page(reader, piece), other)
    with committed():
        services.recommend_comment(comment=other, user=make_user(display_name="Fan"))
    assert '<span class="comment__count">1</span>' in item(page(reader, piece), other)


def test_a_readers_pending_comment_is_theirs_alone(piece, thread, make_user, committed):
    newcomer, regular = make_user(display_name="Newcomer"), make_user(display_name="Regular")
    page(client_for(regular), piece)
    with committed():
        services.post_comment(target=piece, author=newcomer, body="Waiting for a moderator.")
    assert "Waiting for a moderator." in page(client_for(newcomer), piece)
    assert "Pending review: only you can see this" in page(client_for(newcomer), piece)
    assert "Waiting for a moderator." not in page(client_for(regular), piece)
    assert "Waiting for a moderator." not in page(Client(), piece)


def test_a_renamed_commenter_shows_under_their_new_name_at_once(
    piece, thread, trusted, make_user, committed
):
    signed_in, anonymous = client_for(make_user(display_name="Regular")), Client()
    assert "Trusted Reader" in page(signed_in, piece)
    assert "Trusted Reader" in page(anonymous, piece)
    trusted.display_name = "Renamed Reader"
    with committed():
        trusted.save()
    for client in (signed_in, anonymous):
        html = page(client, piece)
        assert "Renamed Reader" in html
        assert "Trusted Reader" not in html


def test_signing_in_does_not_throw_away_cached_pages(piece, thread, trusted, committed):
    anonymous = Client()
    etag = anonymous.get(piece.get_absolute_url()).headers["ETag"]
    with committed():
        Client().login(username=trusted.username, password="correct-horse-battery")
    trusted.refresh_from_db()
    assert trusted.last_login is not None
    assert anonymous.get(piece.get_absolute_url()).headers["ETag"] == etag


def test_a_refused_reply_comes_back_in_its_form_whatever_it_holds(piece, thread, trusted):
    """Threads with a reply form open are the reader's own, with their draft in them; a
    draft refused for control characters still comes back, in place, with the reason."""
    first = thread[0]
    client = client_for(trusted)
    url = reverse("comments:post", kwargs={"target_id": piece.pk})
    response = client.post(url, {"body": "Null \x00 and <!--item--> here", "parent": first.pk})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Null" in html
    assert html.index(first.body) < html.index('id="comment-form"')  # under the comment
    assert all(comment.body in html for comment in thread)

"""Numbers from the query string or a form that reach a query: out of any integer column's
range (9999999999999999999 overflows SQLite's 64-bit integers), negative or junk, each is
answered as a person would expect, never with a 500."""

import pytest
from django.urls import reverse

HUGE = "9999999999999999999"
NUMBERS = [HUGE, "-" + HUGE, "-1", "1e9", "x", ""]


@pytest.fixture
def moderating(client, moderator):
    client.force_login(moderator)
    return client


@pytest.mark.parametrize("number", NUMBERS)
def test_the_one_at_a_time_queue_takes_any_position(moderating, reader, post, number):
    post(reader, "Waiting for a moderator.")
    response = moderating.get(reverse("moderation:next"), {"position": number})
    assert response.status_code == 200


def test_a_position_past_the_end_shows_an_empty_queue_not_an_error(moderating, reader, post):
    post(reader, "Waiting for a moderator.")
    response = moderating.get(reverse("moderation:next"), {"position": HUGE})
    assert "Waiting for a moderator." not in response.content.decode()
    first = moderating.get(reverse("moderation:next"), {"position": "0"})
    assert "Waiting for a moderator." in first.content.decode()


@pytest.mark.parametrize("number", NUMBERS)
def test_the_queue_list_takes_any_page(moderating, number):
    assert moderating.get(reverse("moderation:queue"), {"page": number}).status_code == 200


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize("name", ["cpage", "reply_to", "page"])
def test_the_piece_and_listings_take_any_number(client, reader, piece, name, number):
    client.force_login(reader)
    assert client.get(piece.get_absolute_url(), {name: number}).status_code == 200
    assert client.get(reverse("comments:mine"), {"page": number}).status_code == 200


@pytest.mark.parametrize("number", [HUGE, "-" + HUGE])
def test_a_reply_to_a_comment_that_cannot_exist_is_refused_politely(client, reader, piece, number):
    client.force_login(reader)
    response = client.post(
        reverse("comments:post", args=[piece.pk]),
        {"body": "A reply.", "parent": number},
        follow=True,
    )
    assert response.status_code == 200
    assert "does not exist" in response.content.decode()


@pytest.mark.parametrize("number", [HUGE, "-" + HUGE])
def test_a_signed_out_draft_with_an_impossible_parent_keeps_the_text(client, piece, number):
    kept = client.post(
        reverse("comments:draft", args=[piece.pk]), {"body": "My draft.", "parent": number}
    )
    assert kept.status_code == 302
    page = client.get(piece.get_absolute_url())
    assert page.status_code == 200
    assert "My draft." in page.content.decode()

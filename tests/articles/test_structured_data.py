"""The piece's schema.org data names the discussion readers see: its published comments,
never one waiting, turned down or withdrawn, escaped as the rest of the page."""

import pytest
from django.urls import reverse

from comments import posting, states
from comments.models import Comment
from tests.security.html_safety import json_scripts

pytestmark = pytest.mark.django_db
State = Comment.State


def article_ld(client, piece) -> dict:
    page = client.get(piece.get_absolute_url()).content.decode()
    (data,) = [item for item in json_scripts(page) if item.get("headline") == piece.title]
    return data


def test_published_comments_only_with_their_authors_and_addresses(
    client, piece, post, approve, make_user, moderator
):
    ann, ben = make_user(display_name="Ann Analyst"), make_user(display_name="Ben Reader")
    first = approve(post(ann, "Hedging is the region's oldest habit."))
    reply = approve(post(ben, "But sanctions change the price.", parent=first))
    waiting = post(ben, "Still waiting for a moderator.")
    states.change_state(comment=waiting, to_state=State.PENDING, actor=moderator)
    turned_down = post(ann, "Rejected words.")
    states.change_state(comment=turned_down, to_state=State.REJECTED, actor=moderator)
    withdrawn = approve(post(ben, "Taken back."))
    posting.withdraw_comment(comment=withdrawn, actor=withdrawn.author)

    data = article_ld(client, piece)
    assert data["commentCount"] == 2
    comments = {item["text"]: item for item in data["comment"]}
    assert set(comments) == {first.body, reply.body}
    said = comments[first.body]
    assert said["@type"] == "Comment"
    assert said["author"] == {"@type": "Person", "name": "Ann Analyst"}
    assert said["datePublished"] == first.created_at.isoformat()
    assert said["url"] == "http://testserver" + reverse("comments:locate", args=[first.pk])


def test_a_comment_that_tries_to_end_the_script_stays_text(client, piece, post, approve, reader):
    body = '</script><script>alert("x")</script> & “quotes”'
    approve(post(reader, body))
    data = article_ld(client, piece)
    assert [item["text"] for item in data["comment"]] == [body]


def test_no_discussion_no_comment_property(client, piece):
    data = article_ld(client, piece)
    assert data["commentCount"] == 0
    assert "comment" not in data

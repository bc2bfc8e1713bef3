"""A piece's comments as a feed, for readers who follow a discussion in their feed reader."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import posting
from comments.models import Comment

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def feed_url(piece) -> str:
    return reverse("comments:feed", kwargs={"target_id": piece.pk})


def test_the_feed_has_approved_comments_newest_first(
    client, piece, other_piece, make_user, post, approve
):
    ana = make_user(display_name="Ana Lindqvist")
    older = approve(post(ana, "The *older* remark."))
    Comment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=2))
    newer = approve(post(ana, "The newer remark."))
    post(make_user(display_name="Waiting Reader"), "Still waiting for a moderator.")
    withdrawn = approve(post(ana, "Taken back."))
    posting.withdraw_comment(comment=withdrawn, actor=ana)
    approve(post(ana, "On another piece.", target=other_piece))

    response = client.get(feed_url(piece))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert "Axis of pragmatism" in root.find("a:title", ATOM).text
    entries = root.findall("a:entry", ATOM)
    assert [e.find("a:link", ATOM).get("href") for e in entries] == [
        f"http://testserver{newer.get_absolute_url()}",
        f"http://testserver{older.get_absolute_url()}",
    ]
    assert entries[1].find("a:author/a:name", ATOM).text == "Ana Lindqvist"
    assert "<em>older</em>" in entries[1].find("a:summary", ATOM).text
    assert "Still waiting" not in response.content.decode()


def test_the_feed_is_shared_and_purged_with_the_discussion(client, piece):
    response = client.get(feed_url(piece))
    assert "public" in response["Cache-Control"]
    assert f"discussion-{piece.pk}" in response["Surrogate-Key"].split()


def test_no_feed_for_a_piece_readers_cannot_see(client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(feed_url(draft)).status_code == 404
    assert client.get(reverse("comments:feed", kwargs={"target_id": 999999})).status_code == 404


def test_the_piece_page_points_feed_readers_at_its_comments_feed(client, piece):
    html = client.get(piece.get_absolute_url()).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" '
        f'title="Comments on Axis of pragmatism" href="{feed_url(piece)}">'
    ) in html

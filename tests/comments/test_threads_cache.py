"""Signed-in readers share a page of threads rendered once for every reader with the same
marks on the discussion, and each still sees exactly their own: what they wrote (and may
still edit), recommended and reported. In memory and in Redis."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import posting
from comments.models import Comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def item(html: str, comment) -> str:
    return re.search(rf'<article[^>]*id="comment-{comment.pk}".*?</article>', html, re.S)[0]


@pytest.fixture
def readers(piece, post, approve, make_user, committed):
    with committed():
        writer = make_user(display_name="Writer One")
        first = approve(post(writer, "The first published words."))
    a, b = make_user(display_name="Reader A"), make_user(display_name="Reader B")
    clients = []
    for user in (a, b):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        clients.append(client)
    return first, writer, (a, clients[0]), (b, clients[1])


def page(client, piece) -> str:
    response = client.get(piece.get_absolute_url())
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    return response.content.decode()


def test_each_reader_sees_their_own_recommendation_through_the_one_form(piece, readers, committed):
    first, _, (_, client_a), (_, client_b) = readers
    page(client_b, piece)  # B's view of the threads is kept
    html = page(client_a, piece)
    token = re.search(
        r'id="comment-actions".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    )[1]
    assert "csrfmiddlewaretoken" not in item(html, first)  # no token in the kept threads
    with committed():
        response = client_a.post(
            reverse("comments:recommend", args=[first.pk]),
            {"csrfmiddlewaretoken": token, "next": piece.get_absolute_url()},
        )
    assert response["Location"] == f"{piece.get_absolute_url()}#comment-{first.pk}"
    mine, theirs = item(page(client_a, piece), first), item(page(client_b, piece), first)
    assert 'aria-pressed="true"' in mine
    assert 'aria-pressed="false"' in theirs
    assert '<span class="comment__count">1</span>' in theirs  # the count, for everyone


def test_only_the_writer_may_edit_and_only_within_the_window(
    piece, readers, post, approve, committed, settings
):
    _, _, (a, client_a), (_, client_b) = readers
    with committed():
        own = approve(post(a, "My own words."))
    edit = reverse("comments:edit", args=[own.pk])
    assert edit in item(page(client_a, piece), own)
    assert edit not in item(page(client_b, piece), own)
    # The window passes: nothing is saved, nothing renews the discussion's version.
    window = timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES, seconds=1)
    Comment.objects.filter(pk=own.pk).update(created_at=timezone.now() - window)
    assert edit not in item(page(client_a, piece), own)


def test_a_renamed_writer_shows_at_once_to_signed_in_readers(piece, readers, committed):
    first, writer, (_, client_a), _ = readers
    assert "Writer One" in item(page(client_a, piece), first)
    writer.display_name = "Writer Renamed"
    with committed():
        writer.save()
    assert "Writer Renamed" in item(page(client_a, piece), first)


def test_a_pending_comment_is_seen_by_its_writer_alone(piece, readers, post, committed):
    _, _, (a, client_a), (_, client_b) = readers
    page(client_b, piece)
    with committed():
        posting.post_comment(target=piece, author=a, body="Waiting for review.")
    assert "Waiting for review." in page(client_a, piece)
    assert "Waiting for review." not in page(client_b, piece)


def test_the_piece_shared_with_signed_in_readers_changes_at_once(
    piece, readers, post, approve, committed, make_user
):
    _, _, (_, client_a), _ = readers
    assert "1 comment<" in page(client_a, piece)  # the count in the piece's header
    piece.title = "Retitled for everyone"
    with committed():
        piece.save()
        approve(post(make_user(), "A second voice."))
    html = page(client_a, piece)
    assert "Retitled for everyone" in html
    assert "2 comments<" in html

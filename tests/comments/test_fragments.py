"""Comments are rendered once per version and shared between readers, yet each reader sees
their own page: their token, their address, their recommendations, their own actions."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_fragments_from_other_tests():
    cache.clear()


@pytest.fixture
def comment(piece, trusted, post, approve):
    return approve(post(trusted, "A comment worth *recommending*."))


def page_for(user, piece, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    return client.get(piece.get_absolute_url() + query).content.decode()


def action_form(html: str, comment: Comment) -> str:
    found = re.search(
        rf'<form method="post" action="/comments/{comment.pk}/recommend/".*?</form>', html, re.S
    )
    assert found, "no recommend form"
    return found.group(0)


def test_each_reader_gets_their_own_token_and_address(piece, comment, make_user):
    reader = make_user(display_name="Reader One")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    html = client.get(piece.get_absolute_url() + "?sort=newest").content.decode()
    form = action_form(html, comment)
    assert "placeholder-8c1f3a" not in html  # both markers filled in
    assert f'value="{piece.get_absolute_url()}?sort=newest#comment-{comment.pk}"' in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    response = client.post(
        reverse("comments:recommend", args=[comment.pk]),
        {"csrfmiddlewaretoken": token, "next": f"{piece.get_absolute_url()}#comment-1"},
    )
    assert response.status_code == 302  # accepted, not a CSRF failure
    comment.refresh_from_db()
    assert comment.recommendation_count == 1


def test_shared_fragments_still_show_each_readers_own_state(piece, comment, make_user):
    fan, other = make_user(display_name="Fan"), make_user(display_name="Other")
    assert 'aria-pressed="false"' in action_form(page_for(other, piece), comment)  # cached now
    services.recommend_comment(comment=comment, user=fan)
    fan_form = action_form(page_for(fan, piece), comment)
    assert 'aria-pressed="true"' in fan_form
    assert '<span class="comment__count">1</span>' in fan_form
    other_form = action_form(page_for(other, piece), comment)
    assert 'aria-pressed="false"' in other_form
    assert '<span class="comment__count">1</span>' in other_form  # the new count, not the cached


def test_own_comment_shows_edit_and_withdraw_only_to_its_author(piece, comment, trusted, make_user):
    edit_link = f'href="{reverse("comments:edit", args=[comment.pk])}"'
    assert edit_link in page_for(trusted, piece)
    assert edit_link not in page_for(make_user(), piece)


def test_an_edit_or_a_withdrawal_shows_at_once(piece, comment, trusted, make_user):
    reader = make_user()
    assert "worth <em>recommending</em>" in page_for(reader, piece)
    services.edit_comment(comment=comment, editor=trusted, body="Reworded after a second look.")
    assert "Reworded after a second look." in page_for(reader, piece)
    services.withdraw_comment(comment=comment, actor=trusted)
    assert "Reworded after a second look." not in page_for(reader, piece)

"""A cross-site POST to the comment endpoints (no valid CSRF token) posts nothing, and the
text it carried is never offered for one-click posting: it is shown read-only, as
something to check, under an empty box; the FAQ credit is never ticked for the reader."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment

ATTACK = "I endorse everything at evil.example, signed by me."


@pytest.fixture
def victim(trusted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trusted)
    return client


def _forged(victim, url: str):
    return victim.post(url, {"body": ATTACK, "allow_faq_credit": "1"})


@pytest.mark.parametrize("where", ["post", "reply"])
def test_the_forged_text_is_shown_to_check_never_in_the_form(victim, piece, post, trusted, where):
    parent = post(trusted, "A published comment to reply to.")
    url = (
        reverse("comments:post", args=[piece.pk])
        if where == "post"
        else reverse("comments:reply", args=[parent.pk])
    )
    response = _forged(victim, url)
    assert response.status_code == 403
    page = html.unescape(response.content.decode())
    assert ATTACK in page  # the reader who typed it does not lose it
    form = re.search(r"<form class=\"comment-form\".*?</form>", page, re.S).group(0)
    assert ATTACK not in form  # one click cannot post it
    assert "checked" not in form  # nor tick a consent for them
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*</textarea>', form)
    assert "may not be yours" in page
    assert not Comment.objects.filter(body=ATTACK).exists()

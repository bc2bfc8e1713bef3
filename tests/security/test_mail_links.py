"""Links in mail start with SITE_URL, never with the Host a request came with: a client
chooses that header (`Host: localhost:31337` put its address into reset and moderator mail).
"""

import re

import pytest
from django.core.checks import run_checks
from django.urls import reverse

from comments import posting, states

SITE = "https://meridian.example"
FOREIGN = {"HTTP_HOST": "localhost:31337"}
LINK = re.compile(r"https?://[^\s/]+")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _hosts(message) -> set[str]:
    return set(LINK.findall(message.body))


def test_a_password_reset_mail_links_to_the_site_url(client, reader, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": reader.email}, **FOREIGN)
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert f"{SITE}/accounts/password/reset/key/" in mail.body
    assert _hosts(mail) == {SITE}


def test_sign_up_mail_links_to_the_site_url(client, reader, mailoutbox):
    data = {"display_name": "Newcomer", "password1": "a-long-passphrase-9"}
    data["password2"] = data["password1"]
    client.post(reverse("account_signup"), {**data, "email": "new@example.com"}, **FOREIGN)
    again = {**data, "display_name": "Newcomer Again", "email": reader.email}  # names are unique
    client.post(reverse("account_signup"), again, **FOREIGN)
    confirmation, already = mailoutbox
    assert f"{SITE}/accounts/confirm-email/" in confirmation.body
    assert f"{SITE}/accounts/password/reset/" in already.body
    assert _hosts(confirmation) == _hosts(already) == {SITE}


def test_moderator_and_reply_mail_link_to_the_site_url(
    client, settings, piece, reader, moderator, make_user, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.COMMENTS_MODERATOR_MAIL = "each"
    author = make_user("author@example.com", display_name="First Voice", notify_on_reply=True)
    original = posting.post_comment(target=piece, author=author, body="The original.").comment
    states.change_state(comment=original, to_state="approved", actor=moderator)
    mailoutbox.clear()
    client.force_login(reader)
    url = reverse("comments:post", kwargs={"target_id": piece.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Held, then mailed.", "parent": original.pk}, **FOREIGN)
    (alert,) = mailoutbox
    assert f"{SITE}/moderation/" in alert.body
    assert _hosts(alert) == {SITE}

    reply = original.replies.get()
    mailoutbox.clear()
    client.force_login(moderator)  # approves it from the queue: the author hears of it
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("moderation:act", args=[reply.pk]),
            {"action": "approve", "state": reply.state},
            **FOREIGN,
        )
    assert answer.status_code in (200, 302)
    (notification,) = mailoutbox
    assert notification.to == ["author@example.com"]
    assert _hosts(notification) == {SITE}


def test_production_without_site_url_fails_the_system_check(settings):
    settings.DEBUG = False
    settings.SITE_URL = ""
    errors = [message for message in run_checks() if message.id == "core.E001"]
    assert len(errors) == 1
    assert "SITE_URL" in errors[0].msg
    settings.SITE_URL = SITE
    assert not [message for message in run_checks() if message.id == "core.E001"]

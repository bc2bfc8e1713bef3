"""Password reset by emailed link, without revealing which addresses have accounts."""

import pytest
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from .conftest import NEW_PASSWORD, PASSWORD, is_signed_in, link_in, sign_in

User = get_user_model()


def request_reset(client, email: str, **extra):
    return client.post(reverse("account_reset_password"), {"email": email}, **extra)


@pytest.mark.django_db
def test_the_reset_mail_link_sets_a_new_password(client, reader, mailoutbox):
    response = request_reset(client, "reader@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["reader@example.com"]
    assert mail.subject == "[Meridian] Reset your password"
    assert "Meridian" in mail.body
    assert reader.username not in mail.body  # the username is no business of the reader

    # The link moves its key into the session, off the URL (no Referer leak).
    landing = client.get(link_in(mail))
    assert landing.status_code == 302
    assert landing["Location"].endswith("-set-password/")
    form_page = client.get(landing["Location"])
    assert form_page.status_code == 200
    done = client.post(landing["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")

    assert sign_in(Client(), "reader@example.com", PASSWORD).status_code == 200  # old: no
    browser = Client()
    assert sign_in(browser, "reader@example.com", NEW_PASSWORD).status_code == 302
    assert is_signed_in(browser)

    # The link works once.
    reused = client.get(link_in(mail))
    assert reused.status_code == 200
    assert "This link is not valid" in reused.content.decode()


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_looks_the_same_and_mails_nobody(client, reader, mailoutbox):
    known = request_reset(client, "reader@example.com")
    mailoutbox.clear()
    unknown = request_reset(client, "nobody@example.com")

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert mailoutbox == []
    done_page = client.get(unknown["Location"]).content.decode()
    assert "If an account uses the address you entered" in done_page
    assert "nobody@example.com" not in done_page


@pytest.mark.django_db
def test_a_deactivated_account_gets_no_reset_mail(client, make_user, mailoutbox):
    make_user("gone@example.com", is_active=False)
    response = request_reset(client, "gone@example.com")
    assert response.status_code == 302
    assert mailoutbox == []


@pytest.mark.django_db
def test_reset_mails_to_one_address_are_rate_limited(client, reader, mailoutbox):
    # "reset_password": "...,5/h/key": a stranger cannot flood someone's inbox.
    statuses = [
        request_reset(client, "reader@example.com", REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    assert len(mailoutbox) == 5


@pytest.mark.django_db
def test_a_bad_reset_link_says_so(client, reader):
    uid = user_pk_to_url_str(reader)
    response = client.get(f"/accounts/password/reset/key/{uid}-not-a-real-key/")
    assert response.status_code == 200
    assert "This link is not valid" in response.content.decode()

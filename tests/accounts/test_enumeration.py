"""Signing up cannot be used to find out who has an account."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .conftest import signup_data

User = get_user_model()


@pytest.mark.django_db
def test_signup_with_a_taken_address_looks_like_any_signup(client, reader, mailoutbox):
    fresh = client.post(reverse("account_signup"), signup_data(email="new@example.com"))
    fresh_page = client.get(fresh["Location"]).content.decode()
    mailoutbox.clear()

    taken = client.post(
        reverse("account_signup"), signup_data(display_name="Impostor", email="reader@example.com")
    )

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert client.get(taken["Location"]).content.decode() == fresh_page.replace(
        "new@example.com", "reader@example.com"
    )
    assert User.objects.filter(email="reader@example.com").count() == 1
    assert not User.objects.filter(display_name="Impostor").exists()
    # The owner of the address hears about it; no confirmation link is sent.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["reader@example.com"]
    assert mail.subject == "[Meridian] You already have an account"
    assert "/accounts/confirm-email/" not in mail.body
    assert "/accounts/password/reset/" in mail.body


@pytest.mark.django_db
def test_signup_with_a_taken_address_in_other_case_creates_nothing(client, reader):
    client.post(reverse("account_signup"), signup_data(email="READER@example.com"))
    assert User.objects.count() == 1

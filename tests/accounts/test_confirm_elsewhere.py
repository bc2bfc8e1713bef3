"""A reader who signs up from a discussion and confirms from their mail app (another
browser) is led back to the piece, and finds the comment they had typed there."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import NEW_PASSWORD, is_signed_in, link_in, sign_in, signup_data

pytestmark = pytest.mark.django_db
TYPED = "Pragmatism rarely lasts: interests shift."


@pytest.fixture
def piece(make_article):
    return make_article("Axis", slug="axis", discussion_prompt="Here to stay?")


def type_and_sign_up(browser: Client, piece) -> str:
    """Type a comment signed out, choose to create an account, sign up; the address the
    reader was sent to sign up at."""
    draft = reverse("comments:draft", kwargs={"target_id": piece.pk})
    signup_url = browser.post(draft, {"body": TYPED, "then": "signup"})["Location"]
    assert urlsplit(signup_url).path == reverse("account_signup")
    next_url = parse_qs(urlsplit(signup_url).query)["next"][0]
    browser.post(signup_url, {**signup_data(), "next": next_url})
    return next_url


def test_confirming_in_another_browser_sends_the_reader_to_sign_in_then_to_the_piece(
    mailoutbox, piece
):
    next_url = type_and_sign_up(Client(), piece)
    assert next_url == f"{piece.get_absolute_url()}#comment-form"
    link = link_in(mailoutbox[0])

    mail_app = Client()
    page = mail_app.get(link).content.decode()
    assert 'name="next"' in page
    confirm = urlsplit(link).path
    next_field = parse_qs(urlsplit(link).query)["next"][0]
    confirmed = mail_app.post(confirm, {"next": next_field})

    assert not is_signed_in(mail_app)  # no sign-in by a link alone
    login = urlsplit(confirmed["Location"])
    assert login.path == reverse("account_login")
    assert parse_qs(login.query)["next"] == [next_url]

    signed_in = sign_in(mail_app, "ada@example.com", NEW_PASSWORD, QUERY_STRING=login.query)
    assert signed_in["Location"] == next_url
    html = mail_app.get(piece.get_absolute_url()).content.decode()
    assert f">{TYPED}</textarea>" in html


def test_confirming_in_the_browser_that_signed_up_signs_in_and_returns_to_the_piece(
    client, mailoutbox, piece
):
    next_url = type_and_sign_up(client, piece)
    link = link_in(mailoutbox[0])
    next_field = parse_qs(urlsplit(link).query)["next"][0]
    confirmed = client.post(urlsplit(link).path, {"next": next_field})
    assert is_signed_in(client)
    assert confirmed["Location"] == next_url
    html = client.get(piece.get_absolute_url()).content.decode()
    assert f">{TYPED}</textarea>" in html


def test_a_confirmation_link_never_carries_an_address_elsewhere(client, mailoutbox):
    client.post(reverse("account_signup"), {**signup_data(), "next": "https://evil.example/"})
    assert "evil" not in mailoutbox[0].body

"""Signing in by email, signing out, and the rate limits that guard them."""

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD, is_signed_in, parse, sign_in

TOO_MANY = "Too many failed login attempts"


@pytest.mark.django_db
def test_a_verified_reader_signs_in_by_email_and_returns_where_they_were(client, reader):
    response = client.post(
        reverse("account_login") + "?next=/faq/",
        {"login": "Reader@Example.COM", "password": PASSWORD, "next": "/faq/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/faq/"
    assert is_signed_in(client)


@pytest.mark.django_db
def test_sign_in_refuses_an_outside_next_url(client, reader):
    response = client.post(
        reverse("account_login"),
        {"login": "reader@example.com", "password": PASSWORD, "next": "https://evil.test/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_username_is_not_a_way_in(client, reader):
    response = sign_in(client, reader.username)
    assert response.status_code == 200
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_a_wrong_password_says_so_and_keeps_the_email(client, reader):
    response = sign_in(client, "reader@example.com", "not-the-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The email address and/or password you specified are not correct." in body
    assert 'value="reader@example.com"' in body
    assert parse(response).alerts == 1
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_unknown_address_and_wrong_password_get_the_same_answer(client, reader):
    unknown = sign_in(client, "nobody@example.com", "not-the-password")
    wrong = sign_in(client, "reader@example.com", "not-the-password")
    assert unknown.status_code == wrong.status_code == 200
    error = "The email address and/or password you specified are not correct."
    assert error in unknown.content.decode()
    assert error in wrong.content.decode()


@pytest.mark.django_db
def test_sign_in_form_is_labelled_with_autocomplete(client):
    page = parse(client.get(reverse("account_login")))
    visible = [i for i in page.inputs if i.get("type") != "hidden"]
    for field in visible:
        assert field["id"] in page.labels_for, field
    autocomplete = {i["name"]: i.get("autocomplete") for i in visible}
    assert autocomplete["login"] == "email"
    assert autocomplete["password"] == "current-password"


@pytest.mark.django_db
def test_sign_out_is_a_post(client, reader):
    client.force_login(reader)
    client.get(reverse("account_logout"))  # a GET only asks
    assert is_signed_in(client)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_repeated_failed_sign_ins_block_the_address_even_with_the_right_password(client, reader):
    for _ in range(5):
        response = sign_in(client, "reader@example.com", "not-the-password")
        assert TOO_MANY not in response.content.decode()

    blocked = sign_in(client, "reader@example.com", PASSWORD)

    assert blocked.status_code == 200
    assert TOO_MANY in blocked.content.decode()
    assert not is_signed_in(client)
    # The count lives in the shared cache, not in this browser's session: another browser
    # at the same client address is refused too (other addresses are not: see below).
    other_browser = Client()
    assert TOO_MANY in sign_in(other_browser, "reader@example.com").content.decode()
    assert not is_signed_in(other_browser)


@pytest.mark.django_db
def test_failed_sign_ins_for_one_address_do_not_block_another(client, reader, make_user):
    make_user("other@example.com")
    for _ in range(5):
        sign_in(client, "reader@example.com", "not-the-password")
    response = sign_in(client, "other@example.com", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.django_db
def test_too_many_sign_in_attempts_from_one_ip_get_429(client):
    # "login": "30/m/ip" counts every sign-in post from one address.
    statuses = [
        sign_in(client, f"guess{n}@example.com", "x", REMOTE_ADDR="203.0.113.7").status_code
        for n in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    # Another address is not affected.
    assert sign_in(client, "guess@example.com", "x", REMOTE_ADDR="203.0.113.8").status_code == 200


@pytest.mark.django_db
def test_too_many_signups_from_one_ip_get_429(client):
    # "signup": "20/m/ip,..." (invalid posts count too: they cost the same to make).
    statuses = [
        client.post(reverse("account_signup"), {}, REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(21)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


@pytest.mark.django_db
def test_wrong_passwords_from_elsewhere_cannot_lock_the_reader_out(reader):
    """Before: five wrong passwords from anywhere locked the account for every address,
    so anyone could keep a moderator out. The lock is per account and address now."""
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(12):
        sign_in(attacker, "reader@example.com", "not-the-password")
    assert TOO_MANY in sign_in(attacker, "reader@example.com").content.decode()
    assert not is_signed_in(attacker)

    owner = Client(REMOTE_ADDR="198.51.100.20")
    response = sign_in(owner, "reader@example.com")
    assert response.status_code == 302
    assert is_signed_in(owner)


@pytest.mark.django_db
def test_guessing_from_one_address_is_stopped_whichever_browser_guesses(reader):
    browsers = [Client(REMOTE_ADDR="203.0.113.66") for _ in range(5)]
    for browser in browsers:  # a fresh browser (no cookies) each time counts all the same
        assert TOO_MANY not in sign_in(browser, "reader@example.com", "wrong").content.decode()
    last = Client(REMOTE_ADDR="203.0.113.66")
    assert TOO_MANY in sign_in(last, "reader@example.com").content.decode()
    assert not is_signed_in(last)

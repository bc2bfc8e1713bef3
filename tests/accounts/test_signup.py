"""Signing up: display name, mandatory email verification, then signing in."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from .conftest import NEW_PASSWORD, is_signed_in, link_in, parse, sign_in, signup_data

User = get_user_model()


@pytest.mark.django_db
def test_signup_sends_a_verification_mail_whose_link_lets_the_reader_sign_in(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        signup_data(display_name="  Ada   Lovelace ", email="Ada@Example.com"),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="ada@example.com")
    assert user.display_name == "Ada Lovelace"  # trimmed, inner spaces folded
    assert user.username.startswith("reader-")
    assert "ada" not in user.username.lower()  # the username does not leak the email
    assert not EmailAddress.objects.get(user=user).verified
    assert not is_signed_in(client)  # mandatory verification: not signed in yet

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.com"]
    assert mail.subject == "[Meridian] Confirm your email address"
    assert "Meridian" in mail.body
    assert "Ada Lovelace" not in mail.body  # no text chosen by whoever signed up
    confirm_path = link_in(mail)
    assert confirm_path.startswith("/accounts/confirm-email/")

    # Opening the link does not confirm (mail scanners fetch links); the button does.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    other_browser = Client()
    response = sign_in(other_browser, "ada@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(other_browser)


@pytest.mark.django_db
def test_the_browser_that_signed_up_is_signed_in_by_confirming(client, mailoutbox):
    client.post(reverse("account_signup"), signup_data())
    client.post(link_in(mailoutbox[0]))
    assert is_signed_in(client)
    assert int(client.session["_auth_user_id"]) == User.objects.get().pk


@pytest.mark.django_db
def test_a_confirmation_link_opened_elsewhere_confirms_but_does_not_sign_in(mailoutbox):
    Client().post(reverse("account_signup"), signup_data())
    elsewhere = Client()
    elsewhere.post(link_in(mailoutbox[0]))
    assert EmailAddress.objects.get().verified
    assert not is_signed_in(elsewhere)


@pytest.mark.django_db
def test_an_unverified_reader_cannot_sign_in(client, make_user, mailoutbox):
    make_user("waiting@example.com", verified=False)

    response = sign_in(client, "waiting@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_signed_in(client)
    assert [mail.to for mail in mailoutbox] == [["waiting@example.com"]]  # a fresh link


@pytest.mark.django_db
def test_a_tampered_confirmation_link_confirms_nothing(client, mailoutbox):
    client.post(reverse("account_signup"), signup_data())
    path = link_in(mailoutbox[0])
    response = client.post(path.rstrip("/") + "x/")
    assert response.status_code in {200, 404}
    assert not EmailAddress.objects.get().verified


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("", "This field is required."),
        ("   ", "at least 2 characters"),
        ("x", "at least 2 characters"),
        ("x" * 51, "at most 50 characters"),
        ("Bell\x07name", "no control or invisible characters"),
        ("Two\nlines", "no control or invisible characters"),
        ("Tab\there", "no control or invisible characters"),
        ("evil\u202eoverride", "no control or invisible characters"),
        ("Deleted Reader", "used by the site itself"),
    ],
)
@pytest.mark.django_db
def test_signup_refuses_a_bad_display_name_and_keeps_what_was_typed(
    client, mailoutbox, display_name, message
):
    response = client.post(
        reverse("account_signup"),
        signup_data(display_name=display_name, email="kept@example.com"),
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'value="kept@example.com"' in body  # the email the person typed stays
    if display_name.strip() and "\x07" not in display_name:
        assert f'value="{display_name}"' in body
    assert not User.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_signup_errors_are_announced_and_tied_to_their_fields(client):
    response = client.post(
        reverse("account_signup"),
        signup_data(display_name="x", password2="something-else-entirely"),
    )

    page = parse(response)
    assert page.alerts == 1  # the error summary, role="alert"
    body = response.content.decode()
    assert 'href="#id_display_name"' in body  # summary links to the field
    display = next(i for i in page.inputs if i.get("name") == "display_name")
    assert display["aria-invalid"] == "true"
    assert "id_display_name_error" in display["aria-describedby"].split()
    assert "id_display_name_error" in page.ids
    password2 = next(i for i in page.inputs if i.get("name") == "password2")
    assert "id_password2_error" in password2["aria-describedby"].split()


@pytest.mark.django_db
def test_signup_form_labels_every_field_and_sets_autocomplete(client):
    page = parse(client.get(reverse("account_signup")))
    visible = [i for i in page.inputs if i.get("type") != "hidden"]
    assert {i["name"] for i in visible} == {"display_name", "email", "password1", "password2"}
    for field in visible:
        assert field["id"] in page.labels_for, field
    autocomplete = {i["name"]: i.get("autocomplete") for i in visible}
    assert autocomplete == {
        "display_name": "nickname",
        "email": "email",
        "password1": "new-password",
        "password2": "new-password",
    }

"""Deleting an account anonymises it and keeps the row, so threads keep their shape."""

import inspect
import typing

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.services import delete_account

from .conftest import PASSWORD, is_signed_in, sign_in, signup_data

User = get_user_model()


@pytest.mark.django_db
def test_the_delete_page_asks_first_and_a_get_deletes_nothing(client, reader):
    client.force_login(reader)
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Deleted reader" in body  # says what others will see
    assert 'autocomplete="current-password"' in body
    reader.refresh_from_db()
    assert reader.is_active
    assert not reader.is_deleted


@pytest.mark.django_db
def test_the_delete_page_needs_a_signed_in_reader(client):
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_wrong_password_deletes_nothing(client, reader):
    client.force_login(reader)
    response = client.post(reverse("accounts:delete"), {"password": "not-the-password"})
    assert response.status_code == 200
    assert "Incorrect password." in response.content.decode()
    reader.refresh_from_db()
    assert reader.is_active
    assert not reader.is_deleted
    assert reader.email == "reader@example.com"
    assert is_signed_in(client)


@pytest.mark.django_db
def test_deleting_anonymises_the_account_keeps_the_row_and_signs_out_everywhere(client, reader):
    sign_in(client, "reader@example.com")
    phone = Client()
    sign_in(phone, "reader@example.com")
    assert Session.objects.count() == 2
    reader.first_name, reader.last_name, reader.notify_on_reply = "Ada", "Byron", True
    reader.save()

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("articles:home")
    assert not is_signed_in(client)
    user = User.objects.get(pk=reader.pk)  # the row stays
    assert user.is_deleted
    assert not user.is_active
    assert not user.has_usable_password()
    assert (user.email, user.first_name, user.last_name, user.display_name) == ("", "", "", "")
    assert user.username.startswith("deleted-")
    assert user.username != reader.username
    assert user.notify_on_reply is False
    assert user.public_name == str(user) == "Deleted reader"
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Session.objects.filter(session_key=phone.session.session_key).exists()
    assert phone.get(reverse("accounts:profile")).status_code == 302  # signed out
    assert "deleted" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_deleted_account_cannot_sign_in_or_reset_its_password(client, reader, mailoutbox):
    delete_account(user=reader)

    assert sign_in(client, "reader@example.com").status_code == 200
    assert not is_signed_in(client)
    client.post(reverse("account_reset_password"), {"email": "reader@example.com"})
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_address_of_a_deleted_account_can_sign_up_again(client, reader, mailoutbox):
    delete_account(user=reader)
    client.post(reverse("account_signup"), signup_data(email="reader@example.com"))
    assert User.objects.filter(email="reader@example.com", is_deleted=False).count() == 1
    assert mailoutbox[0].subject == "[Meridian] Confirm your email address"


@pytest.mark.django_db
def test_deletion_keeps_sessions_of_other_people(reader, make_user):
    other = make_user("other@example.com")
    other_browser = Client()
    sign_in(other_browser, "other@example.com")
    delete_account(user=reader)
    assert is_signed_in(other_browser)
    assert other_browser.get(reverse("accounts:profile")).status_code == 200
    other.refresh_from_db()
    assert other.is_active
    assert not other.is_deleted


@pytest.mark.django_db
def test_newsroom_accounts_are_not_deleted_from_the_reader_page(client, editor):
    client.force_login(editor)
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 403
    editor.refresh_from_db()
    assert editor.is_active
    assert not editor.is_deleted


def test_delete_account_is_keyword_only_and_typed():
    signature = inspect.signature(delete_account)
    assert list(signature.parameters) == ["user"]
    assert signature.parameters["user"].kind is inspect.Parameter.KEYWORD_ONLY
    hints = typing.get_type_hints(delete_account)
    assert hints == {"user": User, "return": type(None)}
    with pytest.raises(TypeError):
        delete_account(User())  # type: ignore[misc]


@pytest.mark.django_db
def test_deleted_accounts_hold_no_newsroom_powers(editor):
    delete_account(user=editor)
    editor.refresh_from_db()
    assert not editor.is_staff
    assert not editor.is_superuser
    assert not editor.groups.exists()

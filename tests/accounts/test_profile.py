"""The profile page: display name and reply notifications."""

import pytest
from django.urls import reverse

from .conftest import parse


@pytest.mark.django_db
def test_the_profile_page_needs_a_signed_in_reader(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/account/"


@pytest.mark.django_db
def test_a_reader_changes_their_display_name_and_reply_notifications(client, reader):
    client.force_login(reader)
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert 'value="Curious Reader"' in page.content.decode()
    assert not reader.notify_on_reply

    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "  Patient   Reader ", "notify_on_reply": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    reader.refresh_from_db()
    assert reader.display_name == "Patient Reader"
    assert reader.notify_on_reply is True
    assert "Your profile has been saved." in client.get(response["Location"]).content.decode()

    client.post(reverse("accounts:profile"), {"display_name": "Patient Reader"})
    reader.refresh_from_db()
    assert reader.notify_on_reply is False  # an unticked box opts out


@pytest.mark.django_db
def test_a_bad_display_name_is_refused_and_the_typed_values_stay(client, reader):
    client.force_login(reader)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "Z", "notify_on_reply": "on"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "at least 2 characters" in body
    assert 'value="Z"' in body
    assert parse(response).alerts == 1
    checkbox = next(i for i in parse(response).inputs if i.get("name") == "notify_on_reply")
    assert "checked" in checkbox
    reader.refresh_from_db()
    assert reader.display_name == "Curious Reader"
    assert reader.notify_on_reply is False


@pytest.mark.django_db
def test_the_profile_shows_the_owners_email_to_the_owner_only(client, reader, make_user):
    other = make_user("other.person@example.com", display_name="Other Person")
    client.force_login(other)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "other.person@example.com" in body
    assert "reader@example.com" not in body
    assert "Curious Reader" not in body


@pytest.mark.django_db
def test_the_header_links_to_the_profile(client, reader):
    client.force_login(reader)
    body = client.get(reverse("faq:index")).content.decode()
    assert f'href="{reverse("accounts:profile")}"' in body

"""Changing the email address: the new one is confirmed before it replaces the old."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from .conftest import PASSWORD, link_in, sign_in


@pytest.mark.django_db
def test_a_new_address_replaces_the_old_one_once_confirmed(client, reader, mailoutbox):
    sign_in(client, "reader@example.com")

    asked = client.post(
        reverse("account_email"), {"email": "New.Address@example.com", "action_add": ""}
    )
    # The password first; then allauth carries on with the change that was asked for.
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert mailoutbox == []
    response = client.post(asked["Location"], {"password": PASSWORD})

    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [["new.address@example.com"]]
    assert mailoutbox[0].subject == "[Meridian] Confirm your new email address"
    reader.refresh_from_db()
    assert reader.email == "reader@example.com"  # nothing changes before confirmation
    page = client.get(reverse("account_email")).content.decode()
    assert "new.address@example.com" in page
    assert "not yet confirmed" in page

    client.post(link_in(mailoutbox[0]))

    reader.refresh_from_db()
    assert reader.email == "new.address@example.com"
    assert list(EmailAddress.objects.filter(user=reader).values_list("email", "verified")) == [
        ("new.address@example.com", True)
    ]
    # The old address is told, in case the change was not the owner's doing.
    notice = mailoutbox[-1]
    assert notice.to == ["reader@example.com"]
    assert "new.address@example.com" in notice.body
    # Sign-in now uses the new address.
    client.post(reverse("account_logout"))
    assert sign_in(client, "new.address@example.com").status_code == 302
    client.post(reverse("account_logout"))
    assert sign_in(client, "reader@example.com").status_code == 200  # the old one: no


@pytest.mark.django_db
def test_changing_the_email_needs_the_password_again(client, reader, mailoutbox):
    client.force_login(reader)
    response = client.post(
        reverse("account_email"), {"email": "new.address@example.com", "action_add": ""}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert mailoutbox == []
    reauth = client.get(response["Location"])
    assert reauth.status_code == 200
    assert 'autocomplete="current-password"' in reauth.content.decode()
    wrong = client.post(response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert mailoutbox == []
    assert not EmailAddress.objects.filter(email="new.address@example.com").exists()

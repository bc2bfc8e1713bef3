"""Every account page looks like the site, is accessible, and needs no inline code (CSP)."""

import pytest
from django.conf import settings
from django.urls import reverse

from .conftest import is_signed_in, parse

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
]
READER_PAGES = [
    "accounts:profile",
    "accounts:delete",
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
]


def check_page(response) -> None:
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="site-header"' in body  # rendered inside templates/base.html
    assert 'class="site-footer"' in body
    assert body.count("<h1") == 1
    assert '<meta name="robots" content="noindex">' in body
    whole = parse(response, main_only=False)
    assert "/static/css/site.css" in whole.stylesheets
    assert whole.inline_scripts == 0
    assert whole.style_attributes == 0
    assert whole.style_elements == 0
    main = parse(response)
    for field in main.inputs:
        if field.get("type") in {"hidden", "submit"}:
            continue
        assert field.get("id") in main.labels_for, field
        described = field.get("aria-describedby", "").split()
        assert all(target in main.ids for target in described), field


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
@pytest.mark.django_db
def test_anonymous_account_pages(client, name):
    check_page(client.get(reverse(name)))


@pytest.mark.parametrize("name", READER_PAGES)
@pytest.mark.django_db
def test_signed_in_account_pages(client, reader, name):
    client.force_login(reader)
    response = client.get(reverse(name))
    check_page(response)
    assert 'aria-label="Your account"' in response.content.decode() or name in {
        "account_logout",
        "account_reauthenticate",
    }


@pytest.mark.django_db
def test_the_page_title_names_the_page_and_the_site(client):
    body = client.get(reverse("account_login")).content.decode()
    assert f"<title>Sign in — {settings.SITE_NAME}</title>" in body


@pytest.mark.django_db
def test_the_account_navigation_marks_the_current_page(client, reader):
    client.force_login(reader)
    body = client.get(reverse("account_email")).content.decode()
    assert f'<a href="{reverse("account_email")}" aria-current="page">' in body
    assert body.count('aria-current="page"') == 1


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_confirm_email_page_renders_for_an_invalid_key(client):
    response = client.get("/accounts/confirm-email/not-a-key/")
    check_page(response)
    assert not is_signed_in(client)

"""A reader's email address never reaches pages that other people see."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User

SECRET_EMAIL = "private.person@example.com"


@pytest.fixture
def private_reader(make_user):
    return make_user(SECRET_EMAIL, display_name="Quiet Person")


@pytest.mark.django_db
def test_public_name_is_never_the_email(private_reader):
    assert private_reader.public_name == "Quiet Person"
    assert str(private_reader) == "Quiet Person"
    nameless = User(username="reader-abc123", email="x@example.com")
    assert nameless.public_name == "reader-abc123"
    assert "x@example.com" not in nameless.public_name


@pytest.mark.django_db
def test_signup_usernames_do_not_contain_the_email(client):
    client.post(
        reverse("account_signup"),
        {
            "display_name": "Private",
            "email": SECRET_EMAIL,
            "password1": "quiet-lantern-meadow-42",
            "password2": "quiet-lantern-meadow-42",
        },
    )
    user = User.objects.get(email=SECRET_EMAIL)
    assert "private" not in user.username


@pytest.mark.django_db
def test_the_email_is_not_on_pages_other_readers_see(
    private_reader, make_user, make_article, make_topic
):
    topic = make_topic("Sanctions", slug="sanctions")
    article = make_article("A piece", slug="a-piece", topics=[topic])
    other = make_user("someone.else@example.com", display_name="Someone Else")
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(other)
    pages = [
        "/",
        article.get_absolute_url(),
        reverse("articles:topic", args=["sanctions"]),
        reverse("articles:search") + "?q=piece",
        reverse("articles:feed"),
        reverse("faq:index"),
        reverse("accounts:profile"),
        reverse("account_login"),
    ]
    for browser in (anonymous, signed_in):
        for url in pages:
            response = browser.get(url, follow=True)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert SECRET_EMAIL not in body, url
            assert "private.person" not in body, url


@pytest.mark.django_db
def test_the_sign_in_message_names_the_reader_not_their_email(client, private_reader):
    response = client.post(
        reverse("account_login"), {"login": SECRET_EMAIL, "password": "correct-horse-battery"}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Quiet Person" in page
    assert SECRET_EMAIL not in page

"""A form post the site cannot decode gets a 400 page that says so, never a 500.

Django refuses a form body in any charset but UTF-8 (`BadRequest`); the CSRF check is the
first to read the body. Django's own 400 view checks CSRF again, read the body again and
failed again: every such post answered 500.
"""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


def _urls(piece, comment) -> dict[str, str]:
    return {
        "sign-in": reverse("account_login"),
        "sign-up": reverse("account_signup"),
        "reset": reverse("account_reset_password"),
        "comment": reverse("comments:post", args=[piece.pk]),
        "reply": reverse("comments:reply", args=[comment.pk]),
        "search": reverse("articles:search"),
    }


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("name", ["sign-in", "sign-up", "reset", "comment", "reply", "search"])
def test_a_form_post_in_utf_16_gets_the_400_page(name, signed_in, piece, trusted, reader, post):
    comment = post(trusted, "Something to reply to.")
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(reader)
    token = "a" * 32  # a valid CSRF secret: the cookie, and the token sent with it
    client.cookies["csrftoken"] = token
    body = f"csrfmiddlewaretoken={token}&body=Hello&login=a&email=a@example.com&q=axis"
    response = client.post(
        _urls(piece, comment)[name],
        body,  # the test client encodes it in the charset named: UTF-16
        content_type=UTF16_FORM,
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Error 400" in page
    assert "could not read what your browser sent" in page
    assert 'name="robots" content="noindex"' in page
    assert response["Cache-Control"].startswith(("private", "no-cache", "max-age=0"))

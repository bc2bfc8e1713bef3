"""A signed-out reader's text survives signing in, though the page they typed it on is the
same for everyone and carries no CSRF token: the draft endpoint keeps it, and nothing else.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from comments.models import Comment

pytestmark = pytest.mark.django_db


def draft_url(piece) -> str:
    return reverse("comments:draft", kwargs={"target_id": piece.pk})


def box(html: str) -> str:
    return re.search(r'<textarea[^>]*id="comment-body"[^>]*>(.*?)</textarea>', html, re.S)[1]


def test_the_shared_form_goes_to_the_draft_endpoint_without_a_token(client, piece):
    page = client.get(piece.get_absolute_url()).content.decode()
    assert f'action="{draft_url(piece)}"' in page
    assert "csrfmiddlewaretoken" not in page
    assert 'name="then" value="signup"' in page  # "Create an account" takes the text too


@pytest.mark.parametrize(
    ("then", "page"), [("login", "account_login"), ("signup", "account_signup")]
)
def test_the_text_waits_through_sign_in_or_sign_up_and_is_not_posted(piece, reader, then, page):
    visitor = Client(enforce_csrf_checks=True)  # as from a page with no token
    response = visitor.post(
        draft_url(piece), {"body": "My considered view.", "then": then, "allow_faq_credit": "1"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(page) + "?next=")
    assert "%23comment-form" in response["Location"]  # back at the box
    visitor.force_login(reader)
    html = visitor.get(piece.get_absolute_url()).content.decode()
    assert box(html) == "My considered view."
    assert "Read it through, then post it" in html  # shown to check, not sent for them
    assert 'name="allow_faq_credit" value="1" checked' not in html  # never ticked for them
    assert Comment.objects.count() == 0


def test_an_empty_box_goes_straight_to_sign_in_with_no_session(piece):
    visitor = Client()
    response = visitor.post(draft_url(piece), {"body": "  ", "then": "login"})
    assert (
        response["Location"]
        == f"{reverse('account_login')}?next={piece.get_absolute_url().replace('/', '%2F')}"
    )
    assert settings.SESSION_COOKIE_NAME not in visitor.cookies


def test_drafts_are_bounded_in_size_and_number(piece, make_article, reader):
    visitor = Client()
    long_text = "x" * (settings.COMMENTS_MAX_LENGTH * 10)
    others = [make_article() for _ in range(4)]
    for target in [*others, piece]:
        visitor.post(draft_url(target), {"body": long_text})
    visitor.force_login(reader)
    kept = box(visitor.get(piece.get_absolute_url()).content.decode())
    assert settings.COMMENTS_MAX_LENGTH < len(kept) <= settings.COMMENTS_MAX_LENGTH + 1000
    drafts = visitor.session["comments.drafts"]
    assert len(drafts) == 3
    assert str(piece.pk) in drafts
    assert str(others[0].pk) not in drafts  # the oldest went first


def test_a_signed_in_reader_is_sent_back_to_the_box(client, piece, reader):
    client.force_login(reader)
    response = client.post(draft_url(piece), {"body": "From an old tab."})
    assert response["Location"] == f"{piece.get_absolute_url()}#comment-form"
    assert Comment.objects.count() == 0


def test_reply_links_on_the_shared_page_lead_to_sign_in_then_the_reply_form(
    client, piece, post, approve, make_user
):
    comment = approve(post(make_user(display_name="First Voice"), "Opening."))
    reply = reverse("comments:reply", args=[comment.pk])
    assert f'href="{reply}"' in client.get(piece.get_absolute_url()).content.decode()
    response = client.get(reply)
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert f"reply_to%3D{comment.pk}" in response["Location"]


DRAFT_SESSION_LIMIT = 6 * 3600  # "a few hours": far below the 14 days of a signed-in one


def test_a_session_holding_only_drafts_is_short_lived(piece):
    visitor = Client()
    visitor.post(draft_url(piece), {"body": "Kept for a while only."})
    cookie = visitor.cookies[settings.SESSION_COOKIE_NAME]
    assert 0 < int(cookie["max-age"]) <= DRAFT_SESSION_LIMIT
    assert visitor.session.get_expiry_age() <= DRAFT_SESSION_LIMIT


def test_signing_in_keeps_the_draft_and_the_usual_session_length(piece, reader):
    visitor = Client()
    visitor.post(draft_url(piece), {"body": "Still mine after signing in."})
    visitor.force_login(reader)  # django.contrib.auth.login, as sign-up and mail links do
    assert "Still mine after signing in." in box(
        visitor.get(piece.get_absolute_url()).content.decode()
    )
    assert visitor.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_new_draft_sessions_are_limited_per_address_with_a_clear_429(piece, settings):
    settings.COMMENTS_DRAFT_RATE_LIMIT = "2/h"
    for n in range(2):
        assert Client().post(draft_url(piece), {"body": f"Draft {n}"}).status_code == 302
    refused = Client()
    response = refused.post(draft_url(piece), {"body": "One too many."})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Nothing you typed was kept" in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # keeps nothing
    other = Client(REMOTE_ADDR="192.0.2.7")  # another address is not held back
    assert other.post(draft_url(piece), {"body": "From elsewhere."}).status_code == 302


def test_a_visitor_with_a_draft_session_may_change_it_without_being_counted(piece, settings):
    settings.COMMENTS_DRAFT_RATE_LIMIT = "1/h"
    visitor = Client()
    for n in range(4):
        assert visitor.post(draft_url(piece), {"body": f"Version {n}"}).status_code == 302


def test_a_draft_sent_from_another_site_is_not_kept_and_signs_nobody_out(client, piece, reader):
    client.force_login(reader)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(
        draft_url(piece),
        {"body": "Words put in your mouth."},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the reader's session stays
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session
    assert "Words put in your mouth." not in client.get(piece.get_absolute_url()).content.decode()

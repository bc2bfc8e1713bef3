"""`core.redirects.safe_next`: the one place that decides where a form may send people."""

import pytest
from django.test import RequestFactory

from core.redirects import safe_next

FALLBACK = "/moderation/"


def _post(next_url: str, *, secure: bool = False):
    return RequestFactory().post("/", {"next": next_url}, secure=secure)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "http://testserver/articles/", "javascript:x"],
)
def test_a_next_off_the_site_or_down_to_plain_http_goes_to_the_fallback(next_url):
    assert safe_next(_post(next_url, secure=True), FALLBACK) == FALLBACK


def test_a_page_of_the_site_is_where_the_form_returns():
    assert safe_next(_post("/articles/a/?cpage=2"), FALLBACK) == "/articles/a/?cpage=2"
    assert (
        safe_next(_post("https://testserver/x/", secure=True), FALLBACK) == "https://testserver/x/"
    )
    assert safe_next(_post(""), FALLBACK) == FALLBACK

"""Helpers for the reader-accounts tests: real forms, real mail outbox, real cache."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "quiet-lantern-meadow-42"

_LINK = re.compile(r"https?://testserver/\S+")


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here reads or writes accounts in the database."""


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def link_in(message) -> str:
    """The one site link in a mail, as a path the test client can request."""
    links = _LINK.findall(message.body)
    assert len(links) == 1, links
    return links[0].removeprefix("http://testserver")


def signup_data(**overrides) -> dict:
    data = {
        "display_name": "Ada Lovelace",
        "email": "ada@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


class PageParser(HTMLParser):
    """Collects what the accessibility and CSP checks look at."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.labels_for: set[str] = set()
        self.ids: set[str] = set()
        self.inline_scripts = 0
        self.style_attributes = 0
        self.style_elements = 0
        self.stylesheets: list[str] = []
        self.alerts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if "style" in attributes:
            self.style_attributes += 1
        if attributes.get("role") == "alert":
            self.alerts += 1
        if tag == "input":
            self.inputs.append(attributes)
        elif tag == "label" and attributes.get("for"):
            self.labels_for.add(attributes["for"])
        elif tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        elif tag == "style":
            self.style_elements += 1
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href", ""))


def parse(response, *, main_only: bool = True) -> PageParser:
    """Parse the page, by default only its <main> (the header has a search form)."""
    html = response.content.decode()
    if main_only:
        start, end = html.index("<main"), html.index("</main>")
        html = html[start:end]
    parser = PageParser()
    parser.feed(html)
    return parser

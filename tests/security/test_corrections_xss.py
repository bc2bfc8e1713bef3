"""The XSS corpus as editors' notes to readers (corrections and updates): on the piece's
page, in its JSON-LD (exact), on /corrections/, in the feed and on the admin's change page,
nothing executes (tests/security/html_safety.py)."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from articles.models import Correction

from .html_safety import assert_safe, check_html, json_scripts
from .xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def noted(make_article):
    piece = make_article("Noted piece", slug="noted")
    for n, payload in enumerate(PAYLOADS):
        kind = Correction.Kind.CORRECTION if n % 2 else Correction.Kind.UPDATE
        piece.corrections.create(kind=kind, text=payload.text[:1000])
    return piece


def test_notes_are_safe_on_the_page_and_exact_in_its_json_ld(client, noted):
    html = assert_safe(client.get(noted.get_absolute_url()), where="piece")
    data = next(item for item in json_scripts(html) if "headline" in item)
    corrections = noted.corrections.filter(kind=Correction.Kind.CORRECTION)
    assert [item["text"] for item in data["correction"]] == [note.text for note in corrections]


def test_notes_are_safe_on_the_corrections_page(client, noted, settings):
    settings.ARTICLES_PER_PAGE = 1000
    assert_safe(client.get(reverse("articles:corrections")), where="/corrections/")


def test_notes_are_inert_in_the_feed(client, noted):
    root = ET.fromstring(client.get(reverse("articles:feed")).content)
    content = root.find("a:entry/a:content", ATOM).text
    assert check_html(content) == []


def test_notes_are_safe_on_the_admin_change_page(client, noted, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[noted.pk]))
    assert_safe(response, admin=True, where="admin")

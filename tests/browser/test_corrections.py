"""Corrections and updates in a real browser: an editor corrects a published piece in the
admin (told to choose when they change its text without saying what the change is), and
readers find the note on the piece and on /corrections/; axe on the admin's change form
of a published piece, with and without the error, in both schemes. The corrected piece and
/corrections/ are also among the main pages every layout, axe and heading check visits
(tests/browser/pages.py), with screenshots at each width in both schemes."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from core.roles import EDITORS

from .conftest import DESKTOP, PASSWORD, PHONE, SCREENSHOTS, TAKE_SCREENSHOTS, screenshot
from .pages import ARTICLE, no_horizontal_overflow, wide_elements
from .test_accessibility import AXE_OPTIONS, BLOCKING, _record

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe():
    return Axe()


def _axe_clean(page, axe, name: str, scheme: str) -> None:
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    _record(name, scheme, violations)
    blocking = [
        (v["id"], [n["target"] for n in v["nodes"]][:5])
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert blocking == [], (name, scheme, blocking)


@pytest.fixture
def editor(make_user):
    return make_user("editor@example.com", password=PASSWORD, groups=[EDITORS], is_staff=True)


def change_url(piece: Article) -> str:
    return reverse("admin:articles_article_change", args=[piece.pk])


def test_an_editor_corrects_a_published_piece_and_readers_see_the_note(
    browser_context, launch_piece, editor
):
    page = browser_context(viewport=DESKTOP, user=editor).open()
    page.goto(change_url(launch_piece))
    body = page.get_by_label("Body:")
    corrected = body.input_value().replace("Southeast Asia", "South-east Asia", 1)
    body.fill(corrected)
    page.get_by_role("button", name="Save", exact=True).click()
    # Not saved: asked what the change is, the text kept as typed.
    expect(page.get_by_text("you changed its text: choose whether")).to_be_visible()
    assert page.get_by_label("Body:").input_value() == corrected

    page.get_by_role("radio", name=re.compile("Correction or update")).check()
    page.get_by_role("button", name=re.compile("Add another correction or update", re.I)).click()
    page.locator("#id_corrections-0-text").fill(
        "An earlier version spelt a region's name differently."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    reader = browser_context(viewport=PHONE, java_script_enabled=False).open()
    reader.goto(reverse("articles:corrections"))
    link = reader.get_by_role("link", name=re.compile("North Korea"))
    link.click()
    assert re.search(r"#correction-\d+$", reader.url)
    note = reader.locator(":target")
    expect(note).to_contain_text("An earlier version spelt a region's name differently.")
    expect(note).to_be_in_viewport()
    width_used, viewport_width = no_horizontal_overflow(reader)
    assert width_used <= viewport_width, wide_elements(reader)


def test_axe_on_the_change_form_of_a_published_piece(browser_context, showcase, editor, axe):
    # A page per scheme: the admin's colours change with a transition (see test_accessibility).
    for scheme in ("light", "dark"):
        page = browser_context(viewport=DESKTOP, color_scheme=scheme, user=editor).open()
        page.goto(change_url(showcase["piece"]))
        expect(page.get_by_text("What is this change?")).to_be_visible()
        _axe_clean(page, axe, "admin piece change form (published)", scheme)
        screenshot(page, f"admin-corrections-desktop-{scheme}")
        body = page.get_by_label("Body:")
        body.fill(body.input_value() + "\n\nOne more line.")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("you changed its text: choose whether")).to_be_visible()
        _axe_clean(page, axe, "admin piece change form (choice missing)", scheme)
        if TAKE_SCREENSHOTS:  # the choice and its error, close up
            choice = page.get_by_role("group", name="Changing a published piece")
            path = SCREENSHOTS / f"admin-change-kind-error-desktop-{scheme}.png"
            choice.screenshot(path=str(path))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_corrected_piece_s_notes_fit_and_are_screenshot(browser_context, showcase, viewport):
    """The notes close up, in both schemes (the whole page is in test_layout's screenshots,
    at 320, 390 and 1280 px)."""
    page = browser_context(viewport=viewport).open()
    page.goto(ARTICLE)
    updates, box = page.locator(".article-updates"), page.locator(".corrections-box")
    expect(updates).to_contain_text("Updated")
    expect(box.get_by_role("heading", name="Corrections")).to_be_visible()
    width_used, viewport_width = no_horizontal_overflow(page)
    assert width_used <= viewport_width, wide_elements(page)
    if not TAKE_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "phone" if viewport is PHONE else "desktop"
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for where, locator in (("updates", updates), ("corrections", box)):
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=str(SCREENSHOTS / f"notes-{where}-{name}-{scheme}.png"))

"""An editor writes a piece in the admin and sees it as readers will, without saving: with
JavaScript, a live pane beside the Markdown follows the typing (with the figures); without
it, the Preview button opens the same rendering in a new tab and the form keeps the text."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from core.roles import EDITORS

from .conftest import DESKTOP, PASSWORD, PHONE, screenshot
from .test_accessibility import AXE_OPTIONS, BLOCKING, _record, axe  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser

BODY = """## The river economy

Trade along the Mekong has *doubled* in a decade. See [the guide](/articles/not-yet/).

<script>document.title = "owned"</script>
"""


@pytest.fixture
def editor(make_user, make_article):
    make_article("Not yet", slug="not-yet", status=Article.Status.DRAFT)
    return make_user("editor@example.com", password=PASSWORD, groups=[EDITORS], is_staff=True)


def _write(page) -> None:
    page.goto(reverse("admin:articles_article_add"))
    page.get_by_label("Title:").fill("Sanctions and the Mekong")
    page.get_by_label("Standfirst:").fill("Where trade is thick, sanctions leak.")
    page.get_by_label("Body:").fill(BODY)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_with_javascript_the_pane_follows_the_typing(browser_context, editor, viewport):
    page = browser_context(viewport=viewport, user=editor).open()
    _write(page)
    pane = page.get_by_role("region", name="Live preview")
    expect(pane.get_by_role("heading", name="The river economy")).to_be_visible()
    expect(pane.locator("em")).to_have_text("doubled")
    figures = page.locator(".editor-figures")
    expect(figures).to_have_attribute("aria-live", "polite")
    expect(figures).to_contain_text(re.compile(r"\d+ words · 1 min read · Flesch reading ease"))
    expect(figures).to_contain_text("/articles/not-yet/")
    assert page.title() != "owned"
    assert pane.locator("script").count() == 0

    # More typing: the pane catches up once it stops, and focus stays in the Markdown.
    body = page.get_by_label("Body:")
    body.press("End")
    body.press_sequentially("\n\n### A new part\n\nMore words here.")
    expect(pane.get_by_role("heading", name="A new part")).to_be_visible()
    expect(body).to_be_focused()

    # Beside the Markdown on a wide screen, below it on a phone.
    text_box, pane_box = body.bounding_box(), pane.bounding_box()
    if viewport is DESKTOP:
        assert pane_box["x"] >= text_box["x"] + text_box["width"]
    else:
        assert pane_box["y"] >= text_box["y"] + text_box["height"]
    assert Article.objects.count() == 1  # only the draft it links to: nothing saved
    # No script or style refused (the admin's missing favicon is the browser's 404 to log).
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    assert page.outside_requests == []
    screenshot(page, f"editor-live-preview-{'desktop' if viewport is DESKTOP else 'phone'}")


def test_without_javascript_the_preview_button_opens_a_tab_and_the_form_keeps_the_text(
    browser_context, editor
):
    page = browser_context(java_script_enabled=False, user=editor).open()
    _write(page)
    expect(page.get_by_role("region", name="Live preview")).to_be_hidden()
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview unsaved changes").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator(".preview-banner")).to_contain_text("Preview of unsaved changes")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Sanctions and the Mekong")
    expect(preview.get_by_role("heading", name="The river economy")).to_be_visible()
    expect(preview.locator(".preview-banner")).to_contain_text("a piece not published yet")
    assert preview.title() != "owned"
    screenshot(preview, "editor-preview-unsaved")
    # The editor's tab still has everything typed, and nothing was saved.
    expect(page.get_by_label("Body:")).to_have_value(BODY)
    assert page.url.endswith(reverse("admin:articles_article_add"))
    assert Article.objects.count() == 1


def test_axe_on_the_change_form_with_the_live_preview(browser_context, editor, axe):  # noqa: F811
    piece = Article.objects.create(
        title="Checked", slug="checked", standfirst="S.", body="Plain [link](https://example.org)."
    )
    for scheme in ("light", "dark"):  # a page per scheme: see test_accessibility.py
        page = browser_context(viewport=DESKTOP, color_scheme=scheme, user=editor).open()
        page.goto(reverse("admin:articles_article_change", args=[piece.pk]))
        page.get_by_label("Body:").fill(BODY)
        pane = page.get_by_role("region", name="Live preview")
        expect(pane.get_by_role("heading", name="The river economy")).to_be_visible()
        screenshot(page, f"editor-change-form-{scheme}", full_page=False)
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        _record("admin article change form", scheme, violations)
        blocking = [
            (v["id"], v["nodes"][0]["target"]) for v in violations if v["impact"] in BLOCKING
        ]
        assert blocking == [], (scheme, blocking)

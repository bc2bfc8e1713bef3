"""Layout: no sideways scrolling on small phones, a readable measure on desktop, the table
of contents in the right form for each, and screenshots of the main pages for people to
look at (test-artifacts/screenshots/, not compared pixel by pixel)."""

import pytest

from .conftest import DESKTOP, PHONE, SCREENSHOTS, SMALL_PHONE, screenshot
from .pages import ARTICLE, MAIN_PAGES, no_horizontal_overflow, person, wide_elements

pytestmark = pytest.mark.browser


def _visit(contexts, path, who):
    page = contexts[who].open()
    page.goto(path)
    page.wait_for_load_state("load")
    return page


def _contexts(browser_context, showcase, **options):
    return {
        who: browser_context(user=person(showcase, who), **options)
        for who in (None, "moderator", "reader")
    }


@pytest.mark.parametrize(
    ("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)], ids=["phone", "desktop"]
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_main_pages(browser_context, showcase, size, viewport, scheme):
    contexts = _contexts(browser_context, showcase, viewport=viewport, color_scheme=scheme)
    for name, path, who in MAIN_PAGES:
        page = _visit(contexts, path, who)
        width, viewport_width = no_horizontal_overflow(page)
        assert width <= viewport_width, (name, wide_elements(page))
        assert screenshot(page, f"{name}-{size}-{scheme}").stat().st_size > 0
        errors = [e for e in page.console_errors if not (name in ("403", "404") and name in e)]
        assert errors == [], (name, errors)
        assert page.outside_requests == [], (name, page.outside_requests)
        page.close()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320px", "375px"])
def test_nothing_scrolls_sideways_on_small_phones(browser_context, showcase, viewport):
    contexts = _contexts(browser_context, showcase, viewport=viewport)
    for name, path, who in [*MAIN_PAGES, ("your comments", "/comments/mine/", "moderator")]:
        page = _visit(contexts, path, who)
        width, viewport_width = no_horizontal_overflow(page)
        assert width <= viewport_width, (name, wide_elements(page))
        page.close()


def test_the_piece_is_set_to_a_readable_measure_on_desktop(browser_context, launch_piece):
    page = browser_context(viewport=DESKTOP).open()
    page.goto(ARTICLE)
    per_line = page.evaluate(
        """() => {
          const p = document.querySelector('.article__body p');
          const style = getComputedStyle(p);
          const lines = p.getBoundingClientRect().height / parseFloat(style.lineHeight);
          return p.textContent.length / lines;
        }"""
    )
    # 45 to 85 characters a line: the range typographers agree is comfortable.
    assert 45 <= per_line <= 85, per_line
    size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.article__body p')).fontSize)"
    )
    assert size >= 18


def test_contents_sit_beside_the_piece_on_desktop_and_fold_away_on_phones(
    browser_context, launch_piece
):
    desktop = browser_context(viewport=DESKTOP).open()
    desktop.goto(ARTICLE)
    contents = desktop.get_by_role("navigation", name="Contents")
    assert contents.is_visible()
    assert contents.get_by_role("link").count() >= 5
    # It stays in view as the reader scrolls through a long piece.
    desktop.locator(".article__body h2").nth(3).scroll_into_view_if_needed()
    box = contents.bounding_box()
    assert 0 <= box["y"] < DESKTOP["height"]

    phone = browser_context(viewport=PHONE, java_script_enabled=False).open()
    phone.goto(ARTICLE)
    summary = phone.locator("details.toc-fold > summary")
    assert summary.is_visible()
    links = phone.get_by_role("navigation", name="Contents").get_by_role("link")
    assert not links.first.is_visible()  # folded: the piece starts at once
    summary.click()  # no script needed
    links.nth(1).click()
    assert phone.url.endswith("#" + phone.evaluate("() => location.hash.slice(1)"))
    target = phone.evaluate("() => document.querySelector(location.hash).tagName")
    assert target == "H2"


def test_the_piece_prints_as_a_page_of_text(browser_context, showcase):
    page = browser_context(viewport=DESKTOP).open()
    page.goto(ARTICLE)
    page.emulate_media(media="print")
    assert page.locator(".article__body").is_visible()
    assert page.locator(".faq").is_visible()
    for screen_only in (".site-header", ".toc", ".discussion", ".site-footer"):
        assert not page.locator(screen_only).first.is_visible(), screen_only
    address = page.locator(".article__address")
    assert address.is_visible()
    assert address.inner_text().endswith(ARTICLE)
    # Links in the text print their address.
    after = page.evaluate(
        "() => getComputedStyle(document.querySelector('.prose a[href]'), '::after').content"
    )
    assert "/articles/" in after
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, "article-print-desktop-light")
    page.pdf(path=str(SCREENSHOTS / "article-print.pdf"), format="A4")

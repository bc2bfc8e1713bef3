"""Layout: no sideways scrolling from a small phone to a desktop, a readable measure on
desktop, the table of contents in the right form for each, print; and, with `make
screenshots`, screenshots of the main pages for people to look at
(test-artifacts/screenshots/, not compared pixel by pixel)."""

import pytest

from .conftest import DESKTOP, PHONE, SCREENSHOTS, TAKE_SCREENSHOTS, WIDTHS, screenshot
from .pages import ARTICLE, MAIN_PAGES, no_horizontal_overflow, person, wide_elements

pytestmark = pytest.mark.browser


# Every main page, and the piece and "your comments" as staff see them, at a small phone's, a
# phone's and a desktop's width: nothing scrolls sideways, no console error, no request leaves
# the site. A scheme changes colours, never the layout: screenshots show both.
CHECKED_PAGES = [
    *MAIN_PAGES,
    ("article-staff", ARTICLE, "moderator"),
    ("your-comments", "/comments/mine/", "moderator"),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages_fit_each_width_without_errors(browser_context, showcase, width):
    # One tab per person (nobody, a moderator, a reader), going from page to page.
    tabs = {
        who: browser_context(user=person(showcase, who), viewport=WIDTHS[width]).open()
        for who in (None, "moderator", "reader")
    }
    for name, path, who in CHECKED_PAGES:
        page = tabs[who]
        page.console_errors.clear()
        page.goto(path)
        page.wait_for_load_state("load")
        width_used, viewport_width = no_horizontal_overflow(page)
        assert width_used <= viewport_width, (name, wide_elements(page))
        errors = [e for e in page.console_errors if not (name in ("403", "404") and name in e)]
        assert errors == [], (name, errors)
        assert page.outside_requests == [], (name, page.outside_requests)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            screenshot(page, f"{name}-{width}-{scheme}")
        page.emulate_media(color_scheme="light")


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
    screenshot(page, "article-print-desktop-light")
    if TAKE_SCREENSHOTS:
        page.pdf(path=str(SCREENSHOTS / "article-print.pdf"), format="A4")

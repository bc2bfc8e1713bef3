"""An anonymous reader finds the launch piece, reads it with its contents, FAQ, guide and
discussion, and finds pieces by topic, FAQ, search and feed; the same without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE
from .pages import ARTICLE

pytestmark = pytest.mark.browser

GUIDE = "/articles/effectiveness-of-international-sanctions/"


def test_reader_goes_from_the_front_page_through_the_piece_to_its_guide(browser_context, showcase):
    page = browser_context(viewport=DESKTOP).open()
    page.goto("/")
    lead = page.locator(".card").first
    assert "North Korea" in lead.get_by_role("heading").inner_text()
    lead.get_by_role("link", name=re.compile("North Korea")).click()
    page.wait_for_url(re.compile(ARTICLE + "$"))

    # The piece: headline, standfirst, byline and date, then the text.
    assert page.get_by_role("heading", level=1).inner_text().startswith("North Korea")
    assert "Vietnam and Laos are offering" in page.locator(".article__standfirst").inner_text()
    meta = page.locator(".article__meta").inner_text()
    assert "By Analysis Desk" in meta
    assert "Published" in meta
    assert "min read" in meta
    assert "Updated" in meta  # the showcase's piece has a note to readers
    assert page.locator(".article__meta time").first.get_attribute("datetime")

    # The contents take the reader to a section.
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name=re.compile("^Beyond Ideology")).click()
    page.wait_for_url(re.compile(r"#beyond-ideology"))
    heading = page.locator("h2#beyond-ideology-a-pragmatic-approach-to-survival")
    assert heading.is_visible()
    assert 0 <= heading.bounding_box()["y"] < DESKTOP["height"] / 2
    # expect() polls from here: the page's CSP forbids the eval wait_for_function needs.
    expect(page.locator(".toc a[aria-current]")).to_have_attribute("href", re.compile("#beyond"))

    # Its FAQ: the four questions, each a heading that can be linked to.
    faq = page.locator("section.faq")
    assert faq.locator("h3").count() == 4
    assert faq.locator("h3").first.get_attribute("id")

    # The discussion: the prompt, approved comments, the editors' pick; no pending one.
    discussion = page.locator("#discussion")
    assert "What are your thoughts" in discussion.locator(".discussion__prompt").inner_text()
    assert "The Laos angle is underrated." in discussion.inner_text()
    assert "Editors’ pick" in discussion.inner_text()
    assert "paid at all" not in discussion.inner_text()

    # The guide, beside the piece and linked from its text.
    page.locator(".related").get_by_role("link").click()
    page.wait_for_url(re.compile(GUIDE + "$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Do International")
    assert page.console_errors == []
    assert page.outside_requests == []


def test_reader_finds_pieces_by_topic_faq_search_and_feed(browser_context, launch_piece):
    page = browser_context(viewport=PHONE).open()
    page.goto(ARTICLE)
    page.locator(".article__header .eyebrow").get_by_role("link", name="Sanctions").click()
    page.wait_for_url(re.compile(r"/topics/sanctions/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Sanctions"
    titles = page.locator(".card__title").all_inner_texts()
    assert any(title.startswith("North Korea") for title in titles)
    assert any(title.startswith("Do International Sanctions Work") for title in titles)

    # The FAQ page: questions grouped by piece, each one deep-linkable into the piece.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="FAQ").click()
    page.wait_for_url(re.compile(r"/faq/$"))
    group = page.locator(".faq-group").first
    assert group.locator(".faq-item").count() == 4
    group.get_by_role("link", name=re.compile("^Read this answer in the piece")).first.click()
    page.wait_for_url(re.compile(ARTICLE + r"#faq-"))
    target = page.evaluate("() => document.querySelector(location.hash).textContent")
    assert target.startswith("What is driving")

    # Search from the header (a link on phones), then the search page's own form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search published pieces").fill("Laos")
    page.get_by_label("Search published pieces").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Laos"))
    assert re.match(r"\d+ results? for “Laos”", page.locator(".search-status").inner_text())
    results = page.locator(".search-result h2").all_inner_texts()
    assert any(title.startswith("North Korea") for title in results)

    # The feed lists both pieces.
    feed = page.request.get("/feed/")
    assert feed.ok
    assert "North Korea’s New Southeast Asia Strategy" in feed.text()
    assert "Do International Sanctions Work?" in feed.text()
    assert page.console_errors == []
    assert page.outside_requests == []


def test_reading_works_without_javascript(browser_context, showcase):
    page = browser_context(viewport=PHONE, java_script_enabled=False).open()
    page.goto("/")
    page.locator(".card__title a").first.click()
    page.wait_for_url(re.compile(ARTICLE + "$"))
    # The folded contents open without a script.
    page.locator("details.toc-fold > summary").click()
    page.locator(".toc-fold").get_by_role("link", name="Frequently Asked Questions").click()
    page.wait_for_url(re.compile(r"#faq$"))
    assert page.locator("#faq").is_visible()
    assert "The Laos angle is underrated." in page.locator("#discussion").inner_text()
    # Sorting the discussion is a link.
    page.locator("#discussion").get_by_role("link", name="Newest first").click()
    page.wait_for_load_state()
    assert "sort=" in page.url
    first = page.locator(".comment-thread > .comment-thread__item").first.inner_text()
    assert "ASEAN" in first  # the newest top-level comment leads

"""A moderator clears the queue with the keyboard: j to the comment, a to approve it.

The approval goes through fetch() (no page reload), is in the database, and an anonymous
reader then sees the comment on the piece.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from articles.models import Article
from comments import posting
from comments.models import Comment
from core.roles import MODERATORS


@pytest.mark.browser
def test_keyboard_queue_approves_without_a_reload(new_page, live_server, make_user):
    article = Article.objects.create(
        title="Axis of pragmatism",
        slug="axis-of-pragmatism",
        standfirst="A looming axis?",
        body="## Introduction\n\nText.",
        status=Article.Status.PUBLISHED,
        discussion_prompt="Is this axis here to stay?",
    )
    reader = make_user("first.timer@example.com", display_name="First Timer")
    comment = posting.post_comment(
        target=article, author=reader, body="My first thoughts on the axis."
    ).comment
    assert comment.state == Comment.State.PENDING
    moderator = make_user(
        "moderator@example.com", groups=[MODERATORS], is_staff=True, display_name="Mo Derator"
    )

    # An anonymous reader does not see the held comment (and the page is now cached).
    reader_page = new_page()
    reader_page.goto(article.get_absolute_url())
    assert "My first thoughts on the axis." not in reader_page.content()

    # The moderator's browser gets a signed-in session.
    client = Client()
    client.force_login(moderator)
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/moderation/")
    assert "Moderation: pending" in page.locator("h1").inner_text()
    assert "j / k" in page.locator(".mod-keys").inner_text()  # the keys are explained
    item = page.locator(f"#mod-item-{comment.pk}")
    assert "My first thoughts on the axis." in item.inner_text()
    assert "Held: first comment by this reader" in item.inner_text()

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    page.keyboard.press("j")
    expect(page.locator(f"#mod-item-{comment.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("a")
    page.wait_for_selector(f"#mod-item-{comment.pk}.mod-item--approved")
    status = page.locator("#mod-status")
    status.wait_for(state="visible")
    expect(status).to_have_text(re.compile(r"\S"))
    assert re.search(r"Comment by First Timer approved", status.inner_text())
    assert page.evaluate("window.__sameDocument") is True
    assert page.console_errors == []

    comment.refresh_from_db()
    assert comment.state == Comment.State.APPROVED
    event = comment.events.last()
    assert (event.actor, event.to_state) == (moderator, Comment.State.APPROVED)

    # The reader sees it now: the approval invalidated the cached page.
    reader_page.goto(article.get_absolute_url())
    assert "My first thoughts on the axis." in reader_page.locator("#discussion").inner_text()


def _queue_with_two_waiting(make_article, make_user):
    piece = make_article()
    first = posting.post_comment(
        target=piece, author=make_user(display_name="Ana First"), body="The first word."
    ).comment
    second = posting.post_comment(
        target=piece, author=make_user(display_name="Ben Second"), body="The second word."
    ).comment
    moderator = make_user(groups=[MODERATORS], is_staff=True, display_name="Mo Derator")
    return first, second, moderator


def _current(page) -> str:
    return page.locator("[data-mod-item].is-current").get_attribute("id")


def _count(page, queue: str) -> str:
    return page.locator(f'.mod-tabs [data-mod-count="{queue}"]').inner_text()


@pytest.mark.browser
def test_after_undo_the_next_key_acts_on_the_comment_given_back(
    browser_context, make_article, make_user
):
    first, second, moderator = _queue_with_two_waiting(make_article, make_user)
    page = browser_context(user=moderator).open()
    page.goto("/moderation/")
    assert (_count(page, "pending"), _count(page, "published")) == ("2", "0")

    page.keyboard.press("j")
    assert _current(page) == f"mod-item-{first.pk}"
    page.keyboard.press("a")
    page.wait_for_selector(f"#mod-item-{first.pk}.mod-item--approved")
    # The highlight moves on, and the tabs count what the server now holds.
    assert _current(page) == f"mod-item-{second.pk}"
    # expect() polls from here: the page's CSP forbids the eval wait_for_function needs.
    expect(page.locator(".mod-tabs [data-mod-count=pending]")).to_have_text("1")
    assert _count(page, "published") == "1"
    assert page.locator(".site-nav [data-mod-count=pending]").inner_text() == "1"  # the header's

    page.keyboard.press("u")
    page.wait_for_selector(f"#mod-item-{first.pk}:not(.mod-item--approved)")
    # The comment given back is the current one again, and the counts follow.
    expect(page.locator(f"#mod-item-{first.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    assert (_count(page, "pending"), _count(page, "published")) == ("2", "0")

    page.keyboard.press("a")  # approves the comment given back, not the next one
    page.wait_for_selector(f"#mod-item-{first.pk}.mod-item--approved")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (Comment.State.APPROVED, Comment.State.PENDING)
    assert first.events.filter(to_state=Comment.State.APPROVED).count() == 2  # each recorded
    assert page.console_errors == []


@pytest.mark.browser
def test_without_javascript_no_key_is_promised(browser_context, make_article, make_user):
    first, _, moderator = _queue_with_two_waiting(make_article, make_user)
    page = browser_context(user=moderator, java_script_enabled=False).open()
    page.goto("/moderation/")
    assert not page.locator(".mod-keys__legend").is_visible()
    assert page.locator("[data-mod-item] button kbd:visible").count() == 0
    assert page.locator("[aria-keyshortcuts]").count() == 0
    # The buttons still work: a form each.
    undo = page.get_by_role("button", name="Undo my last action")
    assert undo.is_visible()
    page.locator(f"#mod-item-{first.pk}").get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    first.refresh_from_db()
    assert first.state == Comment.State.APPROVED

    keyed = browser_context(user=moderator).open()
    keyed.goto("/moderation/")
    assert keyed.locator(".mod-keys__legend").is_visible()
    assert keyed.locator("[data-mod-item] button kbd:visible").count() > 0
    assert keyed.locator('button[aria-keyshortcuts="a"]').count() > 0

"""A moderator clears the queue with the keyboard: j to the comment, a to approve it.

The approval goes through fetch() (no page reload), is in the database, and an anonymous
reader then sees the comment on the piece.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

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
    page.wait_for_function(
        f"document.getElementById('mod-item-{comment.pk}').classList.contains('is-current')"
    )
    page.keyboard.press("a")
    page.wait_for_selector(f"#mod-item-{comment.pk}.mod-item--approved")
    status = page.locator("#mod-status")
    status.wait_for(state="visible")
    page.wait_for_function("document.getElementById('mod-status').textContent.length > 0")
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

"""A moderator reads the statement of reasons its author will get before rejecting a
comment (the preview, from /moderation/), rejects it; the author reads why on "Your
comments" and asks for a second look. axe finds nothing serious on the new pages, in
either colour scheme."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments import posting
from comments.models import Comment
from core.roles import MODERATORS
from moderation import statements
from moderation.models import SecondLook

from .conftest import DESKTOP
from .test_accessibility import _axe_clean_in_both_schemes, axe  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser
State = Comment.State


def test_a_moderator_previews_the_statement_then_the_author_asks_for_a_second_look(
    browser_context,
    make_article,
    make_user,
    axe,  # noqa: F811
):
    piece = make_article("Axis of pragmatism", slug="axis")
    author = make_user("author@example.com", display_name="Ada Author")
    moderator = make_user(
        "mod@example.com", groups=[MODERATORS], is_staff=True, display_name="Mo Derator"
    )
    comment = posting.post_comment(
        target=piece, author=author, body="You are all fools and shills."
    ).comment
    assert comment.state == State.PENDING

    page = browser_context(viewport=DESKTOP, user=moderator).open()
    page.goto("/moderation/")
    item = page.locator(f"#mod-item-{comment.pk}")
    item.get_by_label("Reason (its author is told)").first.select_option("abuse")
    item.locator(f"#mod-reason-reject-{comment.pk}").fill("Insults, not arguments.")
    item.get_by_role("button", name="Preview what the author is told (reject)").click()
    expect(page.locator("h1")).to_have_text("Preview: what Ada Author will be told")
    statement = page.locator(".statement")
    expect(statement).to_contain_text("The reason: Abuse.")
    expect(statement).to_contain_text("Insults, not arguments.")
    expect(statement).to_contain_text("the site’s rules held your comment for review first")
    expect(statement).to_contain_text("moderator other than the one who decided")
    comment.refresh_from_db()
    assert comment.state == State.PENDING  # nothing decided yet
    _axe_clean_in_both_schemes(page, axe, "moderation statement preview")
    page.get_by_role("button", name="Reject and tell the author").click()
    page.wait_for_url(re.compile("/moderation/"))
    comment.refresh_from_db()
    assert comment.state == State.REJECTED
    decision = comment.events.get(to_state=State.REJECTED)
    assert (decision.category, decision.reason) == ("abuse", "Insults, not arguments.")

    # The author reads why on "Your comments", and asks for a second look.
    mine = browser_context(viewport=DESKTOP, user=author).open()
    mine.goto(reverse("comments:mine"))
    note = mine.locator(f"#comment-{comment.pk} .comment__note")
    expect(note).to_contain_text("Rejected by a moderator. Reason: Abuse: Insults, not arguments.")
    note.get_by_role("link", name="Why, and asking for a second look").click()
    expect(mine.locator("h1")).to_have_text("Why your comment was rejected")
    _axe_clean_in_both_schemes(mine, axe, "statement of reasons (author)")
    mine.get_by_label("What should the moderator know? (optional)").fill("It was a joke.")
    mine.get_by_role("button", name="Ask for a second look").click()
    expect(
        mine.get_by_text("It waits for a moderator other than the one who decided")
    ).to_be_visible()
    assert SecondLook.objects.get().words == "It was a joke."

    # The one-click opt-out page a statement's mail links to, without signing in.
    stop = browser_context(viewport=DESKTOP).open()
    stop.goto(reverse("moderation:statements_opt_out", args=[statements.opt_out_token(author)]))
    _axe_clean_in_both_schemes(stop, axe, "statements opt-out")
    for tab in (page, mine, stop):
        assert tab.console_errors == []

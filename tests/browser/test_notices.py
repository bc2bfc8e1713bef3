"""A reader, signed out, sends a notice of illegal content from a comment's link (DSA
Art. 16): a clear message when the form is incomplete, what was typed kept; a thank-you
page; a moderator decides it from /moderation/notices/. axe finds nothing serious on the
new pages, in either colour scheme."""

import pytest
from playwright.sync_api import expect

from comments import posting, states
from comments.models import Comment
from core.roles import MODERATORS
from moderation.models import Notice

from .conftest import DESKTOP
from .test_accessibility import _axe_clean_in_both_schemes, axe  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser
State = Comment.State


def test_a_reader_sends_a_notice_and_a_moderator_decides_it(
    browser_context,
    make_article,
    make_user,
    mailoutbox,
    axe,  # noqa: F811
):
    piece = make_article("Axis of pragmatism", slug="axis")
    author = make_user("author@example.com", display_name="Ada Author")
    moderator = make_user(
        "mod@example.com", groups=[MODERATORS], is_staff=True, display_name="Mo Derator"
    )
    comment = posting.post_comment(
        target=piece, author=author, body="Here is my neighbour's home address: 1 Elm Row."
    ).comment
    states.change_state(comment=comment, to_state=State.APPROVED, actor=moderator)

    page = browser_context(viewport=DESKTOP).open()
    page.goto(piece.get_absolute_url())
    page.locator(f"#comment-{comment.pk}").get_by_role(
        "link", name="Report illegal content in this comment"
    ).click()
    expect(page.locator("h1")).to_have_text("Report illegal content")
    assert (
        page.get_by_label("The exact location of the comment")
        .input_value()
        .endswith(comment.get_absolute_url())
    )
    _axe_clean_in_both_schemes(page, axe, "notice form")

    page.get_by_label("Why is this comment illegal?").fill("It doxes a private person.")
    page.get_by_role("button", name="Send notice").click()
    expect(page.get_by_role("alert")).to_contain_text("Give your name")
    expect(page.get_by_role("alert")).to_contain_text("Tick the statement of good faith")
    expect(page.get_by_label("Why is this comment illegal?")).to_have_value(
        "It doxes a private person."
    )
    _axe_clean_in_both_schemes(page, axe, "notice form with errors")
    page.get_by_label("Your name").fill("Nora Notifier")
    page.get_by_label("Your email address").fill("nora@example.net")
    page.get_by_label("I state in good faith").check()
    page.get_by_role("button", name="Send notice").click()
    expect(page.locator("h1")).to_have_text("Thank you: your notice was received")
    expect(page.get_by_text("We have sent a receipt to nora@example.net")).to_be_visible()
    _axe_clean_in_both_schemes(page, axe, "notice sent")
    notice = Notice.objects.get()
    assert (notice.comment, notice.name, notice.email) == (
        comment,
        "Nora Notifier",
        "nora@example.net",
    )
    (receipt,) = [mail for mail in mailoutbox if mail.to == ["nora@example.net"]]
    assert "We received your notice" in receipt.subject

    mod = browser_context(viewport=DESKTOP, user=moderator).open()
    mod.goto("/moderation/notices/")
    item = mod.locator(f"#notice-{notice.pk}")
    expect(item).to_contain_text("It doxes a private person.")
    _axe_clean_in_both_schemes(mod, axe, "notices queue")
    item.get_by_label("Illegal: remove the comment").check()
    item.get_by_label("Grounds").fill("A private person's address, published without consent.")
    item.get_by_role("button", name="Decide on this notice").click()
    expect(mod.get_by_text("No notices wait for a decision.")).to_be_visible()
    comment.refresh_from_db()
    assert comment.state == State.REMOVED
    to_nora = [mail.subject for mail in mailoutbox if mail.to == ["nora@example.net"]]
    assert to_nora[1:] == [
        "[Meridian] Our decision on your notice about a comment on “Axis of pragmatism”"
    ]

"""A newcomer's first comment waits; a moderator signs in and approves it from the queue
(/moderation/, with the button and with the keyboard); an anonymous reader then sees it;
another reader replies, recommends and reports it; the report reaches the moderator."""

import re

import pytest
from playwright.sync_api import expect

from comments import posting
from comments.models import Comment, Report
from core.roles import MODERATORS

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.browser
State = Comment.State


@pytest.fixture
def people(make_user):
    return {
        "newcomer": make_user("newcomer@example.com", password=PASSWORD, display_name="Nadia N."),
        "moderator": make_user(
            "mod@example.com",
            password=PASSWORD,
            groups=[MODERATORS],
            is_staff=True,
            display_name="Mo Derator",
        ),
        "other": make_user("other@example.com", password=PASSWORD, display_name="Otto Other"),
    }


def test_moderator_approves_from_the_queue_and_readers_then_reply_recommend_and_report(
    new_page, make_article, people
):
    piece = make_article(
        "Axis of pragmatism", slug="axis", discussion_prompt="Is this axis here to stay?"
    )
    url = piece.get_absolute_url()

    # The newcomer comments: a first comment is held, and only they see it.
    newcomer = new_page()
    sign_in(newcomer, "newcomer@example.com", next_url=url)
    newcomer.get_by_label("Your comment").fill("Pragmatism rarely lasts: interests shift.")
    newcomer.get_by_role("button", name="Post comment").click()
    newcomer.wait_for_url(re.compile(r"#comment-\d+$"))
    comment = Comment.objects.get()
    assert comment.state == State.PENDING
    assert "Pending review" in newcomer.locator(f"#comment-{comment.pk}").inner_text()

    anonymous = new_page()
    anonymous.goto(url)
    assert anonymous.locator(f"#comment-{comment.pk}").count() == 0

    # The moderator signs in by the form and finds it in the queue with the reason it waits.
    moderator = new_page()
    sign_in(moderator, "mod@example.com", next_url="/moderation/")
    assert moderator.url.endswith("/moderation/")
    item = moderator.locator(f"#mod-item-{comment.pk}")
    assert "Pragmatism rarely lasts" in item.inner_text()
    assert "first comment" in item.locator(".mod-item__why").inner_text()
    item.get_by_role("button", name=re.compile(r"^Approve")).click()
    status = moderator.locator("#mod-status")
    status.filter(has_text=re.compile(r"\S")).wait_for()
    comment.refresh_from_db()
    assert comment.state == State.APPROVED
    assert comment.events.last().actor == people["moderator"]
    assert moderator.console_errors == []

    # An anonymous reader sees it now (the cached page was invalidated).
    anonymous.goto(url)
    shown = anonymous.locator(f"#comment-{comment.pk}")
    assert "Pragmatism rarely lasts" in shown.inner_text()
    assert "Pending" not in shown.inner_text()

    # Another reader replies, recommends and reports it.
    other = new_page()
    sign_in(other, "other@example.com", next_url=url)
    shown = other.locator(f"#comment-{comment.pk}")
    shown.get_by_role("link", name="Reply").click()
    form = other.locator("#comment-form")
    assert "Replying to Nadia N." in form.inner_text()
    form.get_by_label("Your reply").fill("Interests shift, but geography does not.")
    form.get_by_role("button", name="Post reply").click()
    other.wait_for_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(parent=comment)
    assert reply.in_reply_to == comment

    shown = other.locator(f"#comment-{comment.pk}")
    shown.get_by_role("button", name=re.compile(r"^Recommend")).click()
    other.wait_for_load_state()
    pressed = other.locator(f"#comment-{comment.pk} button[aria-pressed]")
    assert pressed.get_attribute("aria-pressed") == "true"
    comment.refresh_from_db()
    assert comment.recommendation_count == 1

    other.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report this comment").click()
    other.get_by_label("Misleading or false").check()
    other.get_by_label("Anything moderators should know (optional)").fill("Needs a source.")
    other.get_by_role("button", name="Send report").click()
    other.wait_for_load_state()
    assert other.locator(".messages").inner_text().strip()
    report = Report.objects.get(comment=comment)
    assert (report.reason, report.details) == ("misinformation", "Needs a source.")

    # The moderator finds the report in the reported queue, with its reason and details.
    moderator.goto("/moderation/?queue=reported")
    reported = moderator.locator(f"#mod-item-{comment.pk}")
    assert "Misleading or false" in reported.inner_text()
    assert "Needs a source." in reported.inner_text()
    for page in (newcomer, anonymous, moderator, other):
        assert page.console_errors == []
        assert page.outside_requests == []


def test_moderator_works_the_queue_from_the_keyboard(browser_context, make_article, people):
    piece = make_article("Axis of pragmatism", slug="axis")
    first, second = (
        posting.post_comment(target=piece, author=people[name], body=body).comment
        for name, body in (("newcomer", "A first thought."), ("other", "A second thought."))
    )
    assert first.state == second.state == State.PENDING

    page = browser_context().open()
    sign_in(page, "mod@example.com", next_url="/moderation/")
    page.keyboard.press("j")  # the first comment
    assert page.evaluate("() => document.activeElement.id") == f"mod-item-{first.pk}"
    page.keyboard.press("a")  # approve it; the next one becomes current
    page.locator("#mod-status").filter(has_text=re.compile(r"\S")).wait_for()
    expect(page.locator(f"#mod-item-{second.pk}")).to_be_focused()
    page.keyboard.press("r")  # reject the second: first, the reason its author is told
    reason = page.locator(f"#mod-category-reject-{second.pk}")
    expect(reason).to_be_focused()
    reason.select_option("off_topic")
    page.locator(f"#mod-item-{second.pk} [data-key=r]").click()
    page.locator(f"#mod-item-{second.pk} .mod-badge--rejected").wait_for()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.APPROVED, State.REJECTED)
    assert page.console_errors == []

"""A moderator decides near-duplicates as one group, and several comments at once by
multi-select, from /moderation/: with JavaScript in place (no reload; the tabs' counts
follow; undo gives the group back), without it by plain forms; axe finds nothing serious on
either, light or dark."""

import re

import pytest
from playwright.sync_api import expect

from comments import posting
from comments.models import Comment, CommentEvent
from core.roles import MODERATORS

from .conftest import DESKTOP, PHONE_390, SMALL_PHONE, screenshot
from .pages import no_horizontal_overflow, wide_elements
from .test_accessibility import _axe_clean_in_both_schemes, axe  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser
State = Comment.State

COPY = (
    "Sanctions never work against a regime that trades freely with all of its neighbours, "
    "as history shows us again and again."
)
COPIES = [
    COPY,
    COPY.replace("again and again.", "time and again!"),
    COPY.upper().replace("REGIME", "RÉGIME"),
]
OTHERS = [
    "The piece underrates how much Laos depends on Chinese credit for its railway.",
    "Vietnam has far more to lose: its trade with the US dwarfs anything Pyongyang offers.",
    "I would like to read more on how ASEAN as a bloc responds to all this.",
]


@pytest.fixture
def queue(make_article, make_user):
    """Three near-duplicates by three new readers on two pieces, one other comment waiting,
    and a moderator."""
    pieces = [make_article("Axis of pragmatism"), make_article("Hanoi's hedge")]
    names = ["Ana Copy", "Ben Copy", "Cy Copy", "Dee Other"]
    comments = [
        posting.post_comment(
            target=pieces[n % 2], author=make_user(display_name=name), body=body
        ).comment
        for n, (name, body) in enumerate(zip(names, [*COPIES, OTHERS[0]], strict=True))
    ]
    assert {c.state for c in comments} == {State.PENDING}
    moderator = make_user(groups=[MODERATORS], is_staff=True, display_name="Mo Derator")
    return comments[:3], comments[3], moderator


@pytest.fixture
def unrelated(make_article, make_user):
    piece = make_article("Axis of pragmatism")
    comments = [
        posting.post_comment(target=piece, author=make_user(display_name=name), body=body).comment
        for name, body in zip(["Ana", "Ben", "Cy"], OTHERS, strict=True)
    ]
    moderator = make_user(groups=[MODERATORS], is_staff=True, display_name="Mo Derator")
    return comments, moderator


def _count(page, queue: str):
    return page.locator(f'.mod-tabs [data-mod-count="{queue}"]')


def _states(comments) -> list[str]:
    return [Comment.objects.get(pk=c.pk).state for c in comments]


def test_a_moderator_rejects_a_group_in_one_action_and_undo_gives_it_all_back(
    browser_context, queue
):
    copies, other, moderator = queue
    page = browser_context(user=moderator).open()
    page.goto("/moderation/")
    group = page.get_by_role("region", name="3 near-duplicate comments")
    expect(group).to_be_visible()
    for comment in copies:
        expect(group.locator(f"#mod-item-{comment.pk}")).to_be_visible()
    expect(group.locator(f"#mod-item-{other.pk}")).to_have_count(0)
    expect(_count(page, "pending")).to_have_text("4")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    group.get_by_text("Reject all 3…").click()
    reason = group.get_by_label("Why all 3 are rejected (their authors are told)")
    reason.select_option(label="Spam")
    group.get_by_role("button", name="Reject all 3", exact=True).click()

    status = page.locator("#mod-status")
    expect(status).to_contain_text("3 comments rejected.")
    # The tabs count what the server now holds, without a reload.
    expect(_count(page, "pending")).to_have_text("1")
    expect(_count(page, "rejected")).to_have_text("3")
    expect(page.locator(".site-nav [data-mod-count=pending]")).to_have_text("1")
    for comment in copies:
        expect(page.locator(f"#mod-item-{comment.pk}")).to_have_class(
            re.compile(r"\bmod-item--rejected\b")
        )
    expect(group.get_by_role("button", name="Reject all 3", exact=True)).to_be_hidden()
    expect(group.get_by_text("Decided.")).to_be_visible()
    assert _states(copies) == [State.REJECTED] * 3
    batches = CommentEvent.objects.filter(actor=moderator, to_state=State.REJECTED)
    assert len({event.batch for event in batches}) == 1
    assert _states([other]) == [State.PENDING]

    page.get_by_role("button", name=re.compile("^Undo my last action")).click()
    expect(status).to_contain_text("Undone: rejection of 3 comments")
    expect(_count(page, "pending")).to_have_text("4")
    expect(_count(page, "rejected")).to_have_text("0")
    for comment in copies:
        expect(page.locator(f"#mod-item-{comment.pk}")).to_have_class(
            re.compile(r"\bmod-item--pending\b")
        )
    expect(group.get_by_role("button", name="Approve all 3")).to_be_visible()  # decide again
    assert _states(copies) == [State.PENDING] * 3
    assert page.evaluate("window.__sameDocument") is True
    assert page.console_errors == []
    assert page.outside_requests == []


def test_a_moderator_approves_several_by_multi_select_with_a_live_count(browser_context, unrelated):
    comments, moderator = unrelated
    page = browser_context(user=moderator).open()
    page.goto("/moderation/")
    bulk = page.get_by_role("form", name="Decide several at once")
    count = bulk.locator("[data-mod-selected]")
    expect(count).to_have_text("0 selected")
    every = bulk.get_by_label("Select all on this page (3)")

    every.check()
    expect(count).to_have_text("3 selected")
    page.get_by_label("Select the comment by Cy").uncheck()
    expect(count).to_have_text("2 selected")
    expect(every).not_to_be_checked()
    # The click made Cy's comment the current one; from its box, the keys still work.
    page.keyboard.press("k")
    expect(page.locator(f"#mod-item-{comments[1].pk}")).to_have_class(re.compile(r"\bis-current\b"))
    page.evaluate("window.__sameDocument = true")

    bulk.get_by_label("Action").select_option(label="Reject")
    bulk.get_by_role("button", name="Apply to the selected").click()
    status = page.locator("#mod-status")
    expect(status).to_contain_text("Choose why the comments are rejected")  # and nothing else
    expect(count).to_have_text("2 selected")  # the selection is kept
    assert _states(comments) == [State.PENDING] * 3

    bulk.get_by_label("Action").select_option(label="Approve")
    bulk.get_by_role("button", name="Apply to the selected").click()
    expect(status).to_contain_text("2 comments approved.")
    expect(_count(page, "pending")).to_have_text("1")
    expect(_count(page, "published")).to_have_text("2")
    expect(count).to_have_text("0 selected")
    for comment in comments[:2]:
        expect(page.locator(f"#mod-item-{comment.pk}")).to_have_class(
            re.compile(r"\bmod-item--approved\b")
        )
    assert _states(comments) == [State.APPROVED, State.APPROVED, State.PENDING]
    assert page.evaluate("window.__sameDocument") is True
    # The refusal was a 400 (as the single actions answer bad input), which the browser logs.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]


def test_without_javascript_groups_and_the_multi_select_are_plain_forms(browser_context, queue):
    copies, other, moderator = queue
    page = browser_context(user=moderator, java_script_enabled=False).open()
    page.goto("/moderation/")
    bulk = page.get_by_role("form", name="Decide several at once")
    bulk.get_by_label("Action").select_option(label="Approve")
    bulk.get_by_role("button", name="Apply to the selected").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one comment")

    page.get_by_label("Select the comment by Dee Other").check()
    page.get_by_role("form", name="Decide several at once").get_by_label("Action").select_option(
        label="Spam"
    )
    page.get_by_role("button", name="Apply to the selected").click()
    expect(page.locator(".messages")).to_contain_text("1 comment marked as spam.")
    assert _states([other]) == [State.SPAM]

    group = page.get_by_role("region", name="3 near-duplicate comments")
    group.get_by_role("button", name="Approve all 3").click()
    expect(page.locator(".messages")).to_contain_text("3 comments approved.")
    expect(_count(page, "pending")).to_have_text("0")
    assert _states(copies) == [State.APPROVED] * 3


def test_a_group_and_the_multi_select_fit_a_small_phone(browser_context, queue):
    page = browser_context(viewport=SMALL_PHONE, user=queue[2]).open()
    page.goto("/moderation/")
    page.get_by_role("region", name="3 near-duplicate comments").get_by_text(
        "Reject all 3…"
    ).click()
    scroll_width, width = no_horizontal_overflow(page)
    assert scroll_width == width, wide_elements(page)
    screenshot(page, "moderation-group-320")


# Accessibility ---------------------------------------------------------------------------


def test_axe_on_the_queue_with_a_group_and_the_multi_select(browser_context, queue, axe):  # noqa: F811
    moderator = queue[2]
    page = browser_context(viewport=DESKTOP, user=moderator).open()
    page.goto("/moderation/")
    group = page.get_by_role("region", name="3 near-duplicate comments")
    group.get_by_text("Reject all 3…").click()
    page.get_by_label("Select the comment by Dee Other").check()
    expect(page.locator("[data-mod-selected]")).to_have_text("1 selected")
    _axe_clean_in_both_schemes(page, axe, "moderation (group, multi-select)")
    screenshot(page, "moderation-group")

    # After a decision: the group decided, its members' new HTML in place.
    group.get_by_role("button", name="Approve all 3").click()
    expect(group.get_by_text("Decided.")).to_be_visible()
    _axe_clean_in_both_schemes(page, axe, "moderation (group decided)")

    # The page an error comes back on without JavaScript, the selection kept. (Axe needs
    # the page's JavaScript: the form is sent as the script would not send it, by itself.)
    page.goto("/moderation/")
    page.get_by_label("Select the comment by Dee Other").check()
    page.evaluate("document.getElementById('mod-bulk').removeAttribute('data-mod-form')")
    bulk = page.get_by_role("form", name="Decide several at once")
    bulk.get_by_label("Action").select_option(label="Remove")
    bulk.get_by_role("button", name="Apply to the selected").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose why the comment is removed")
    expect(page.get_by_label("Select the comment by Dee Other")).to_be_checked()
    _axe_clean_in_both_schemes(page, axe, "moderation (multi-select error)")
    screenshot(page, "moderation-bulk-error")


def _queue_page(browser_context, moderator, **options):
    """The moderator's /moderation/, its multi-select and that form's count."""
    page = browser_context(user=moderator, **options).open()
    page.goto("/moderation/")
    bulk = page.get_by_role("form", name="Decide several at once")
    return page, bulk, bulk.locator("[data-mod-selected]")


def test_comments_decided_in_place_leave_the_selection_until_undo(browser_context, unrelated):
    comments, moderator = unrelated
    page, bulk, count = _queue_page(browser_context, moderator)
    status = page.locator("#mod-status")
    for name in ("Ana", "Ben"):
        page.get_by_label(f"Select the comment by {name}").check()
    bulk.get_by_label("Action").select_option(label="Approve")
    bulk.get_by_role("button", name="Apply to the selected").click()
    expect(status).to_contain_text("2 comments approved.")
    # The two approved left the queue: no box of theirs, and "all" is the one left.
    for comment in comments[:2]:
        expect(page.locator(f"#mod-select-{comment.pk}")).to_have_count(0)
    every = bulk.get_by_label("Select all on this page (1)")
    every.check()
    expect(count).to_have_text("1 selected")
    bulk.get_by_label("Action").select_option(label="Spam")
    bulk.get_by_role("button", name="Apply to the selected").click()
    expect(status).to_contain_text("1 comment marked as spam.")
    assert _states(comments) == [State.APPROVED, State.APPROVED, State.SPAM]
    expect(bulk.get_by_label("Select all on this page (0)")).to_be_disabled()
    expect(count).to_have_text("0 selected")

    # Undo gives the last one back: selectable again.
    page.get_by_role("button", name=re.compile("^Undo my last action")).click()
    expect(page.get_by_label("Select the comment by Cy")).to_be_enabled()
    expect(bulk.get_by_label("Select all on this page (1)")).to_be_enabled()


def test_a_comment_decided_by_key_or_in_a_group_leaves_the_selection(browser_context, queue):
    _, other, moderator = queue
    page, bulk, count = _queue_page(browser_context, moderator)
    expect(bulk.get_by_label("Select all on this page (4)")).to_be_visible()
    page.get_by_label("Select the comment by Dee Other").check()
    page.locator(f"#mod-item-{other.pk}").click()
    page.keyboard.press("s")
    expect(page.locator(f"#mod-item-{other.pk}")).to_have_class(re.compile(r"\bmod-item--spam\b"))
    expect(page.locator(f"#mod-select-{other.pk}")).to_have_count(0)
    expect(count).to_have_text("0 selected")
    expect(bulk.get_by_label("Select all on this page (3)")).to_be_visible()
    group = page.get_by_role("region", name="3 near-duplicate comments")
    group.get_by_role("button", name="Approve all 3").click()
    expect(group.get_by_text("Decided.")).to_be_visible()
    expect(bulk.get_by_label("Select all on this page (0)")).to_be_disabled()


def test_the_bar_shows_the_reason_only_for_an_action_that_needs_one(browser_context, unrelated):
    _, bulk, _ = _queue_page(browser_context, unrelated[1])
    reason = bulk.get_by_label("Reason, to reject or remove (authors are told)")
    expect(reason).to_be_hidden()
    bulk.get_by_label("Action").select_option(label="Reject")
    expect(reason).to_be_visible()
    expect(bulk.get_by_label("Your words (optional)")).to_be_visible()
    bulk.get_by_label("Action").select_option(label="Spam")
    expect(reason).to_be_hidden()
    expect(bulk.get_by_label("Your words (optional)")).to_be_hidden()


def test_a_groups_spam_comes_first_and_its_reasons_push_no_button_away(browser_context, queue):
    page, _, _ = _queue_page(browser_context, queue[2], viewport=SMALL_PHONE)
    group = page.get_by_role("region", name="3 near-duplicate comments")
    spam = group.get_by_role("button", name="Spam all 3")
    approve = group.get_by_role("button", name="Approve all 3")
    expect(spam).not_to_have_class(re.compile(r"\bsecondary\b"))  # the prominent one
    expect(approve).to_have_class(re.compile(r"\bsecondary\b"))
    group.get_by_text("Reject all 3…").click()
    reason = group.get_by_label("Why all 3 are rejected (their authors are told)")
    expect(reason).to_be_visible()
    # The buttons that need no reason stay before the form, not pushed below it.
    for button in (spam, approve):
        assert button.bounding_box()["y"] < reason.bounding_box()["y"]
    expect(group.get_by_text("Remove all 3…")).to_be_visible()


def test_escape_after_r_gives_the_focus_back_to_the_comment(browser_context, unrelated):
    comments, moderator = unrelated
    page, _, _ = _queue_page(browser_context, moderator)
    item = page.locator(f"#mod-item-{comments[0].pk}")
    page.keyboard.press("j")
    page.keyboard.press("r")  # asks the reason first
    expect(item.locator(f"#mod-category-reject-{comments[0].pk}")).to_be_focused()
    page.keyboard.press("Escape")
    expect(item).to_be_focused()
    page.keyboard.press("j")  # the keys work again
    expect(page.locator(f"#mod-item-{comments[1].pk}")).to_have_class(re.compile(r"\bis-current\b"))


@pytest.fixture
def long_queue(make_article, make_user):
    piece = make_article("Axis of pragmatism")
    comments = [
        posting.post_comment(
            target=piece,
            author=make_user(display_name=f"Reader {n}"),
            body=f"Point {n}: {OTHERS[n % 3]} " * 3,
        ).comment
        for n in range(8)
    ]
    return comments, make_user(groups=[MODERATORS], is_staff=True, display_name="Mo Derator")


@pytest.mark.parametrize("viewport", [PHONE_390, DESKTOP], ids=["390", "1280"])
def test_the_bar_stays_in_view_down_the_list(browser_context, long_queue, viewport):
    comments, moderator = long_queue
    page, bulk, count = _queue_page(browser_context, moderator, viewport=viewport)
    last = page.get_by_label(f"Select the comment by Reader {len(comments) - 1}")
    last.scroll_into_view_if_needed()
    last.check()
    expect(count).to_have_text("1 selected")
    expect(count).to_be_in_viewport()
    expect(bulk.get_by_role("button", name="Apply to the selected")).to_be_in_viewport()
    # The bar covers no comment the keys move to: the current one shows below it.
    page.keyboard.press("k")
    current = page.locator("[data-mod-item].is-current")
    top = current.evaluate("e => e.getBoundingClientRect().top")
    bar = bulk.evaluate("e => e.getBoundingClientRect().bottom")
    assert top >= bar, (top, bar)
    screenshot(page, f"moderation-bulk-sticky-{viewport['width']}", full_page=False)
    # Nor what Tab reaches going back up the list.
    last.focus()
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        top = page.evaluate("() => document.activeElement.getBoundingClientRect().top")
        bar = bulk.evaluate("e => e.getBoundingClientRect().bottom")
        inside = page.evaluate("() => !!document.activeElement.closest('[data-mod-bulk]')")
        assert inside or top >= bar, (top, bar)


def test_on_a_phone_the_first_comment_is_on_the_first_screen(browser_context, unrelated, axe):  # noqa: F811
    comments, moderator = unrelated
    page, _, _ = _queue_page(browser_context, moderator, viewport=PHONE_390)
    expect(page.locator(f"#mod-item-{comments[0].pk}")).to_be_in_viewport()
    screenshot(page, "moderation-390-first-screen", full_page=False)
    legend = page.get_by_text("Keyboard shortcuts")
    expect(legend).to_be_visible()  # folded, one click away
    expect(page.get_by_text("next / previous comment")).to_be_hidden()
    legend.click()
    expect(page.get_by_text("next / previous comment")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Undo my last action"))).to_be_visible()
    _axe_clean_in_both_schemes(page, axe, "moderation (390 px, legend open)")
    desktop, _, _ = _queue_page(browser_context, moderator)
    expect(desktop.get_by_text("next / previous comment")).to_be_visible()  # open there


# The scorer's and the figures' tables on a phone -------------------------------------------


def _models():
    from moderation.models import ScorerModel

    figures = {"features": 1, "decisions": 420, "turned_down": 130, "held_out": 84}
    first = ScorerModel.objects.create(
        outcome=ScorerModel.Outcome.REPLACED, precision=0.71, recall=0.64, **figures
    )
    ScorerModel.objects.create(
        outcome=ScorerModel.Outcome.IN_USE,
        precision=0.754,
        recall=0.689,
        confusion={
            "held_turned_down": 20,
            "held_approved": 7,
            "passed_turned_down": 9,
            "passed_approved": 48,
        },
        previous=first,
        compared_on=37,
        compared_precision=0.8,
        compared_recall=0.7,
        previous_precision=0.75,
        previous_recall=0.6,
        **figures,
    )


def test_wide_tables_scroll_in_their_own_box_on_a_phone(browser_context, queue, axe):  # noqa: F811
    from moderation import actions

    copies, _, moderator = queue
    actions.moderate(comment=copies[0], action="approve", moderator=moderator)
    _models()
    page = browser_context(viewport=PHONE_390, user=moderator).open()
    for path, table in (("/moderation/scorer/", "Trainings"), ("/moderation/stats/", None)):
        page.goto(path)
        scroll_width, width = no_horizontal_overflow(page)
        assert scroll_width == width, (path, wide_elements(page))
        if table:
            box = page.get_by_role("region", name=f"Table: {table}", exact=True)
            expect(box).to_have_attribute("tabindex", "0")
            box.focus()
            page.keyboard.press("ArrowRight")  # a keyboard scrolls it
            expect(box).to_be_focused()
        _axe_clean_in_both_schemes(page, axe, f"moderation {path.split('/')[2]} (390 px)")

"""Accessibility in a real browser: axe-core on the main pages in light and dark schemes
(no serious or critical violation), and the keyboard: a skip link, focus always visible,
every action reachable, landmarks, headings in order, form errors announced and tied to
their fields. The axe counts go to test-artifacts/axe-results-<worker>.json (one file per
pytest worker, so that workers never write the same file) and the test summary."""

import itertools
import json
import os
import re
from collections import Counter

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from articles import editing, review
from articles.models import Article
from comments import follows
from comments.models import Comment, Follow
from core.roles import EDITORS, REVIEWERS
from moderation import actions, corpus, readers, sanctions, training
from tests.admin_forms import admin_form_data

from .conftest import ARTIFACTS, DESKTOP, PASSWORD, PHONE, screenshot
from .pages import ARTICLE, MAIN_PAGES, person

pytestmark = pytest.mark.browser

AXE_RESULTS = ARTIFACTS / f"axe-results-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.json"
AXE_RESULTS.unlink(missing_ok=True)  # this run's results only
BLOCKING = {"serious", "critical"}
# Every WCAG 2.0 to 2.2 A and AA rule, and axe's best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _record(name: str, scheme: str, violations: list[dict]) -> None:
    results = json.loads(AXE_RESULTS.read_text()) if AXE_RESULTS.exists() else {}
    results.setdefault(name, {})[scheme] = {
        "violations": len(violations),
        "by_impact": dict(Counter(v["impact"] for v in violations)),
        "rules": sorted({f"{v['id']} ({v['impact']})" for v in violations}),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    AXE_RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True))


# The main pages, and the piece as a signed-in reader has it (their pending comment, a
# preview, the counts, following).
AXE_PAGES = [*MAIN_PAGES, ("article-reader", ARTICLE, "reader")]


def _axe_clean(page, axe, name: str, scheme: str, *, context=None) -> None:
    violations = axe.run(page, context=context, options=AXE_OPTIONS).response["violations"]
    _record(name, scheme, violations)
    blocking = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert blocking == [], (name, scheme, blocking)


def _axe_clean_in_both_schemes(page, axe, name: str) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        _axe_clean(page, axe, name, scheme)


@pytest.mark.parametrize(("name", "path", "who"), AXE_PAGES, ids=[p[0] for p in AXE_PAGES])
def test_axe_finds_no_serious_or_critical_violation_in_light_or_dark(
    browser_context, showcase, axe, name, path, who
):
    page = browser_context(viewport=DESKTOP, user=person(showcase, who)).open()
    page.goto(path)
    if name == "article-reader":
        page.get_by_label("Your comment").fill("A *second* thought, with https://example.org.")
        page.get_by_role("button", name="Preview").click()
        page.wait_for_url(re.compile("#comment-form$"))
    _axe_clean_in_both_schemes(page, axe, name)


def test_axe_on_the_admin_with_the_way_in_to_the_queue(browser_context, showcase, axe):
    moderator = person(showcase, "moderator")
    # A page per scheme: the admin's colours change with a transition, which axe would
    # measure half way if the scheme changed under a loaded page.
    for scheme in ("light", "dark"):
        page = browser_context(viewport=DESKTOP, color_scheme=scheme, user=moderator).open()
        page.goto(reverse("admin:index"))
        link = page.get_by_role("link", name=re.compile("Moderation queue: 1 waiting"))
        assert link.is_visible()
        _axe_clean(page, axe, "admin (moderator)", scheme)


def test_axe_on_what_a_reviewer_sees_of_a_piece_in_review(browser_context, make_user, axe):
    editor = make_user("editor@example.com", groups=[EDITORS], is_staff=True)
    reviewer = make_user("reviewer@example.com", groups=[REVIEWERS], is_staff=True)
    piece = Article.objects.create(
        title="Hanoi's Quiet Hedge", slug="hedge", standfirst="S.", body="Text.", status="draft"
    )
    review.make(article=piece, move=review.Move.SEND_FOR_REVIEW, by=editor, note="Check it.")
    pages = [
        (reverse("admin:articles_article_changelist") + "?status__exact=in_review", "list"),
        (reverse("admin:articles_article_change", args=[piece.pk]), "form"),
    ]
    for scheme in ("light", "dark"):  # a page per scheme, as above
        for url, name in pages:
            page = browser_context(viewport=DESKTOP, color_scheme=scheme, user=reviewer).open()
            page.goto(url)
            expect(page.get_by_role("link", name="Waiting for review: 1")).to_be_visible()
            if name == "form":
                expect(page.get_by_role("button", name="Approve for publishing")).to_be_visible()
                expect(page.locator(".editorial-record")).to_contain_text("Check it.")
                screenshot(page, f"admin-review-{scheme}", full_page=False)
            _axe_clean(page, axe, f"admin piece in review ({name})", scheme)
            page.close()


def test_axe_on_a_piece_form_offering_a_draft_and_showing_an_edit_conflict(
    browser_context, make_user, make_article, axe
):
    editor = make_user("editor@example.com", groups=[EDITORS], is_staff=True)
    colleague = make_user(
        "colleague@example.com", groups=[EDITORS], is_staff=True, display_name="Alex Colleague"
    )
    piece = make_article("Mekong trade", body="One.\n\nTwo.", status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[piece.pk])
    their_client = Client()
    their_client.force_login(colleague)
    for scheme in ("light", "dark"):  # a page per scheme, as above
        editing.save_draft(editor=editor, article=piece, fields={"title": "Typed before"})
        page = browser_context(viewport=DESKTOP, color_scheme=scheme, user=editor).open()
        page.goto(url)
        offer = page.get_by_role("region", name=re.compile("You have unsaved changes from"))
        expect(offer).to_be_visible()
        _axe_clean(page, axe, "admin piece (draft offered)", scheme)
        screenshot(page, f"admin-draft-offered-{scheme}", full_page=False)

        # Someone else saves while the editor types: the editor's save is stopped.
        their_client.post(
            url, admin_form_data(their_client.get(url), title=f"Their {scheme} headline")
        )
        page.get_by_label("Body:").fill("One.\n\nMy <em>own</em> two.")
        page.get_by_role("button", name="Save and continue editing").click()
        differs = page.get_by_role("region", name="What differs between their version and yours")
        expect(differs).to_be_visible()
        expect(differs.get_by_role("table", name="Body")).to_be_visible()
        _axe_clean(page, axe, "admin piece (edit conflict)", scheme)
        screenshot(page, f"admin-edit-conflict-{scheme}")


def test_axe_on_the_page_a_mail_link_opens(browser_context, showcase, axe):
    reader = person(showcase, "reader")
    piece = Article.objects.get(slug=ARTICLE.strip("/").split("/")[-1])
    follows.follow(user=reader, target=piece, mode=Follow.Mode.EACH)
    token = follows.unsubscribe_token(user=reader, target=piece)
    page = browser_context(viewport=DESKTOP).open()  # from a mail app: not signed in
    page.goto(reverse("comments:unsubscribe", args=[token]))
    _axe_clean_in_both_schemes(page, axe, "unsubscribe")
    page.get_by_role("button", name="Stop these emails").click()
    page.wait_for_load_state()
    assert "No more emails about this discussion" in page.locator("h1").inner_text()
    _axe_clean_in_both_schemes(page, axe, "unsubscribed")


def test_axe_on_the_queue_figures_and_a_readers_page(browser_context, showcase, axe):
    moderator, (ana, _, newcomer) = showcase["moderator"], showcase["readers"]
    actions.moderate(comment=showcase["held"], action="approve", moderator=moderator)
    readers.add_note(reader=ana, author=moderator, text="Knows the region; cites sources.")
    sanctions.suspend_commenter(user=newcomer, moderator=moderator, days=2, reason="Cool off.")
    page = browser_context(viewport=DESKTOP, user=moderator).open()
    page.goto(reverse("moderation:stats"))
    expect(page.get_by_role("heading", name="Decisions per moderator")).to_be_visible()
    _axe_clean_in_both_schemes(page, axe, "moderation stats")
    screenshot(page, "moderation-stats-dark")
    page.goto(reverse("moderation:reader", args=[ana.pk]))
    page.get_by_text("Correct this note").click()
    _axe_clean_in_both_schemes(page, axe, "moderation reader")
    screenshot(page, "moderation-reader-dark")
    page.goto(reverse("moderation:reader", args=[newcomer.pk]))
    page.get_by_role("button", name="Add the note").click()  # empty: refused, said why
    expect(page.get_by_role("alert")).to_contain_text("Write the note.")
    _axe_clean_in_both_schemes(page, axe, "moderation reader (error)")


def test_axe_on_the_scorer_page_off_and_in_use(browser_context, showcase, axe, settings):
    settings.MODERATION_SCORER_MIN_DECISIONS = 200
    piece = Article.objects.get(slug=ARTICLE.strip("/").split("/")[-1])
    corpus.seed_decisions(target=piece, count=100, seed=1)
    training.train()  # too few: off
    page = browser_context(viewport=DESKTOP, user=showcase["moderator"]).open()
    page.goto(reverse("moderation:scorer"))
    expect(page.get_by_text("The scorer is off.")).to_be_visible()
    _axe_clean_in_both_schemes(page, axe, "moderation scorer (off)")
    corpus.seed_decisions(target=piece, count=300, seed=2)
    training.train()
    page.goto(reverse("moderation:scorer"))
    expect(page.get_by_role("table", name="The held-out decisions")).to_be_visible()
    _axe_clean_in_both_schemes(page, axe, "moderation scorer (in use)")
    screenshot(page, "moderation-scorer-dark")
    page.goto(reverse("moderation:queue") + "?queue=published&sort=priority")
    expect(page.get_by_text("likeliest to be turned down first")).to_be_visible()
    _axe_clean_in_both_schemes(page, axe, "moderation queue (by score)")


def test_axe_on_a_phone_with_the_contents_open(browser_context, showcase, axe):
    page = browser_context(viewport=PHONE, color_scheme="dark").open()
    page.goto(ARTICLE)
    page.locator("details.toc-fold > summary").click()
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    _record("article (phone, contents open)", "dark", violations)
    assert [v["id"] for v in violations if v["impact"] in BLOCKING] == []


# The keyboard --------------------------------------------------------------------------------

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    shadow: style.boxShadow !== 'none',
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
      && box.right > 0 && box.left < innerWidth,
  };
}"""


def test_a_skip_link_comes_first_and_lands_on_the_content(browser_context, launch_piece):
    page = browser_context().open()
    page.goto(ARTICLE)
    page.keyboard.press("Tab")
    state = page.evaluate(FOCUS_STATE)
    assert state["text"] == "Skip to content"
    assert state["visible"]
    assert state["outline"] >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # on into the piece, past the header
    inside = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert inside


@pytest.mark.parametrize(
    ("path", "viewport"),
    [("/", DESKTOP), (ARTICLE, DESKTOP), (ARTICLE, PHONE), ("/accounts/signup/", PHONE)],
    ids=["home", "article", "article-phone", "sign-up-phone"],
)
def test_focus_is_always_visible_on_everything_tab_reaches(
    browser_context, showcase, path, viewport
):
    page = browser_context(viewport=viewport).open()
    page.goto(path)
    seen = []
    for _ in range(120):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (seen and state == seen[0]):
            break  # back at the start: everything was visited
        seen.append(state)
        assert state["visible"], state
        assert state["outline"] >= 2 or state["shadow"], state
    assert len(seen) > 5


LANDMARKS = Counter(["banner", "main", "contentinfo", 'navigation "Main"'])


def test_every_page_has_its_landmarks_and_headings_in_order(browser_context, showcase):
    # One tab per person, going from page to page.
    people = {who for _, _, who in MAIN_PAGES}
    tabs = {who: browser_context(user=person(showcase, who)).open() for who in people}
    for name, path, who in MAIN_PAGES:
        page = tabs[who]
        page.goto(path)
        # The accessibility tree as a screen reader gets it, read once (a query per role
        # costs as much again as the page).
        tree = page.locator("body").aria_snapshot()
        landmarks = re.findall(
            r'^\s*- (banner|main|contentinfo|navigation "Main")(?=:|$)', tree, re.M
        )
        assert Counter(landmarks) == LANDMARKS, (name, landmarks)
        assert page.title(), name
        levels = page.evaluate(
            "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]"
            ".filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]))"
        )
        assert levels.count(1) == 1, (name, levels)
        assert levels[0] == 1, (name, levels)
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (name, levels)  # no level skipped on the way down


def _described_by(page, field) -> str:
    ids = (field.get_attribute("aria-describedby") or "").split()
    return " ".join(page.locator(f"[id='{i}']").inner_text() for i in ids)


def test_form_errors_are_announced_and_tied_to_their_fields(browser_context, make_user):
    make_user("taken@example.com", password=PASSWORD)
    page = browser_context(viewport=PHONE, java_script_enabled=False).open()
    page.goto("/accounts/signup/")
    page.get_by_label("Display name").fill("A")
    page.get_by_label("Email address").fill("taken@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("different")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()

    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    # Each entry of the summary links to its field; each field says what is wrong with it.
    for link in summary.get_by_role("link").all():
        target = link.get_attribute("href")
        field = page.locator(target)
        assert field.get_attribute("aria-invalid") == "true", target
        assert "Error:" in _described_by(page, field), target
    name = page.get_by_label("Display name")
    assert name.input_value() == "A"  # what they typed is kept
    assert len(mail.outbox) == 0


def test_an_empty_comment_is_announced_and_tied_to_the_box(
    browser_context, make_user, launch_piece
):
    reader = make_user("reader@example.com", password=PASSWORD, display_name="Reader")
    page = browser_context(user=reader).open()
    page.goto(ARTICLE)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    box = page.get_by_label("Your comment")
    assert box.get_attribute("aria-invalid") == "true"
    error = page.locator("#comment-body-error")
    assert error.get_attribute("role") == "alert"
    assert error.inner_text() in _described_by(page, box)
    assert Comment.objects.count() == 0


def test_a_reader_comments_and_recommends_with_the_keyboard_alone(browser_context, showcase):
    ana = showcase["readers"][0]
    page = browser_context(user=ana).open()
    page.goto(ARTICLE)

    def tab_to(predicate: str, limit: int = 200) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate}; }}"):
                return
        raise AssertionError(f"Tab never reached {predicate}")

    tab_to("el.id === 'comment-body'")
    page.keyboard.type("Typed without a mouse.")
    tab_to("el.tagName === 'BUTTON' && el.textContent.trim() === 'Post comment'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    assert Comment.objects.filter(body="Typed without a mouse.").exists()

    tomas_comment = Comment.objects.filter(author=showcase["readers"][1]).order_by("pk").first()
    page.goto(ARTICLE)
    tab_to(
        f"el.closest('#comment-{tomas_comment.pk}') !== null"
        " && el.classList.contains('comment__recommend')"
    )
    with page.expect_navigation():
        page.keyboard.press("Space")
    tomas_comment.refresh_from_db()
    assert tomas_comment.recommendation_count == 1


def test_axe_is_awake(browser, axe):
    """The check above would pass vacuously if axe never ran: here it must find faults."""
    page = browser.new_page()
    try:
        page.set_content(
            '<html><body><img src="data:,"><p><a href="#"></a></p>'
            '<button style="color:#eee;background:#fff">Low</button></body></html>'
        )
        found = {v["id"] for v in axe.run(page, options=AXE_OPTIONS).response["violations"]}
        assert {"image-alt", "link-name", "color-contrast", "html-has-lang"} <= found
    finally:
        page.close()

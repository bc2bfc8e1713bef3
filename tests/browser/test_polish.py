"""What a reader sees, measured in Chromium at a phone's and a desktop's width: the FAQ's "Q"
beside a linked question, separators that never dangle at a line's end or start, a staff
header in two rows on a phone; and the reader who confirms from their mail app."""

import itertools
import re

import pytest
from django.core import mail

from comments.models import Comment

from .conftest import DESKTOP, PASSWORD, PHONE_390, WIDTHS, screenshot, sign_up
from .pages import ARTICLE, person

pytestmark = pytest.mark.browser


# For each list whose items are separated by "·" (.meta-list): each item's separators, a
# separator counted as seen when the point at its middle hits the item (a clipped one hits
# what is behind).
SEPARATORS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(list => list.offsetParent !== null)
  .map(list => {
    list.scrollIntoView({block: 'center'});  // points outside the viewport hit nothing
    const items = [...list.children].filter(el => el.getClientRects().length);
    const boxes = items.map(el => el.getBoundingClientRect());
    // One line: middles closer than half a line (a padded link sits a little higher).
    const middle = boxes.map(b => b.top + b.height / 2);
    const apart = (i, j) =>
      Math.abs(middle[i] - middle[j]) > Math.min(boxes[i].height, boxes[j].height) / 2;
    return items.map((el, i) => {
      const seen = {};
      for (const which of ['::before', '::after']) {
        const style = getComputedStyle(el, which);
        if (!style.content.includes('·')) continue;
        const width = parseFloat(style.width) || 6;
        const x = which === '::before' ? boxes[i].left + width / 2 : boxes[i].right - width / 2;
        const hit = document.elementFromPoint(x, boxes[i].top + boxes[i].height / 2);
        seen[which] = hit === el || el.contains(hit);
      }
      // Where its text starts on each of its lines: never left of the column it sits in.
      const range = document.createRange();
      range.selectNodeContents(el);
      const column = list.parentElement.getBoundingClientRect().left +
        parseFloat(getComputedStyle(list.parentElement).paddingLeft);
      const lefts = [...range.getClientRects()].map(r => r.left);
      return {
        cut: Math.min(...lefts) < column - 0.5,
        text: el.textContent.trim().slice(0, 20),
        first: i === 0 || apart(i - 1, i),
        last: i === items.length - 1 || apart(i, i + 1),
        seen,
      };
    });
  })"""


def dangling(page, selector: str) -> list:
    """Separators seen at a line's start or end, where they separate nothing."""
    return [
        item
        for items in page.evaluate(SEPARATORS, selector)
        for item in items
        if (item["first"] and item["seen"].get("::before"))
        or (item["last"] and item["seen"].get("::after"))
    ]


def cut_off(page, selector: str) -> list:
    """Items whose text starts left of their column (hidden by the list's clipping)."""
    return [
        item["text"]
        for items in page.evaluate(SEPARATORS, selector)
        for item in items
        if item["cut"]
    ]


def separated(page, selector: str) -> list:
    """Neighbours on one line with no separator seen between them."""
    missing = []
    for items in page.evaluate(SEPARATORS, selector):
        for left, right in itertools.pairwise(items):
            if not right["first"] and not (
                left["seen"].get("::after") or right["seen"].get("::before")
            ):
                missing.append((left["text"], right["text"]))
    return missing


@pytest.fixture
def busy_piece(showcase, make_author):
    """The launch piece with a byline long enough to wrap on a phone."""
    piece = showcase["piece"]
    piece.authors.add(
        make_author("Professor Bartholomew Featherstonehaugh-Smythe"),
        make_author("Dr Anastasia Konstantinopoulou-Vasilakis"),
    )
    return piece


@pytest.mark.parametrize("width", ["390", "1280"])
def test_the_q_sits_beside_a_linked_question_not_over_it(browser_context, launch_piece, width):
    page = browser_context(viewport=WIDTHS[width]).open()
    item = launch_piece.faq_items.order_by("order", "pk").first()
    page.goto(f"{ARTICLE}#{item.anchor}")
    overlap = page.evaluate(
        """(id) => {
          const question = document.getElementById(id);
          const item = question.closest('.faq-item');
          const badge = getComputedStyle(item, '::before');
          const box = item.getBoundingClientRect();
          const left = box.left + parseFloat(badge.left);
          const right = left + parseFloat(badge.width);
          const range = document.createRange();
          range.setStart(question.firstChild, 0);
          range.setEnd(question.firstChild, 1);
          const letter = range.getBoundingClientRect();
          return {badgeRight: right, letterLeft: letter.left, highlighted:
            getComputedStyle(item).boxShadow !== 'none'};
        }""",
        item.anchor,
    )
    assert overlap["highlighted"]
    assert overlap["badgeRight"] <= overlap["letterLeft"], overlap
    screenshot(page, f"faq-linked-question-{width}", full_page=False)


@pytest.mark.parametrize("width", ["320", "390", "1280"])
def test_no_separator_dangles_on_cards_or_the_piece(browser_context, busy_piece, width):
    page = browser_context(viewport=WIDTHS[width]).open()
    for path in ("/", ARTICLE, busy_piece.topics.first().get_absolute_url()):
        page.goto(path)
        assert dangling(page, ".meta-list") == [], (path, width)
        assert separated(page, ".meta-list") == [], (path, width)
        assert cut_off(page, ".meta-list") == [], (path, width)
    page.goto(ARTICLE)
    screenshot(page, f"article-meta-{width}", full_page=False)
    page.goto("/")
    screenshot(page, f"home-{width}")


def test_no_separator_dangles_in_print(browser_context, busy_piece):
    page = browser_context(viewport=DESKTOP).open()
    page.goto(ARTICLE)
    page.emulate_media(media="print")
    assert dangling(page, ".meta-list") == []
    assert separated(page, ".meta-list") == []
    # Links in the text print their full address.
    after = page.evaluate(
        "() => getComputedStyle(document.querySelector('.prose a[href]'), '::after').content"
    )
    assert re.search(r"https?://[^/]+/articles/", after), after


@pytest.mark.parametrize("who", ["moderator", "reader"])
@pytest.mark.parametrize("width", ["320", "390"])
def test_the_signed_in_header_takes_two_rows_on_a_phone(browser_context, showcase, width, who):
    page = browser_context(viewport=WIDTHS[width], user=person(showcase, who)).open()
    page.goto(ARTICLE)
    layout = page.evaluate(
        """() => {
          const top = el => Math.round(el.getBoundingClientRect().top);
          const title = document.querySelector('.site-title').getBoundingClientRect();
          const links = [...document.querySelectorAll('.site-nav li')]
            .filter(el => el.getClientRects().length);
          const rows = {};
          for (const li of links) {
            const names = [...li.querySelectorAll('a, button')].map(el => el.textContent.trim());
            (rows[top(li)] ||= []).push(...names);
          }
          const below = title.bottom <= Math.min(...links.map(li => top(li)));
          return {rows: Object.values(rows), titleAbove: below};
        }"""
    )
    rows = len(layout["rows"]) + layout["titleAbove"]
    if width == "390" or who == "reader":
        assert rows <= 2, layout
    else:  # 320 px cannot hold a staff member's six links beside the name: three rows
        assert rows <= 3, layout
    assert all(len(row) > 1 for row in layout["rows"]), layout
    assert page.locator(".site-header").get_by_role("button", name="Sign out").is_visible()
    assert page.locator(".site-header").get_by_role("link", name="Account").is_visible()
    screenshot(page, f"header-{who}-{width}", full_page=False)


def test_a_reader_confirms_from_their_mail_app_and_finds_their_comment_waiting(
    new_page, launch_piece
):
    words = "Pragmatism rarely lasts: interests shift."
    laptop = new_page()
    laptop.goto(ARTICLE)
    laptop.get_by_label("Your comment").fill(words)
    laptop.get_by_role("button", name="Create an account").click()
    laptop.wait_for_url(re.compile(r"/accounts/signup/"))
    sign_up(laptop, "Mail App Reader", "mail.app@example.com")
    laptop.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    # The mail app opens the link in a browser of its own: no session there.
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    mail_app = new_page(viewport=PHONE_390)
    mail_app.goto(link)
    mail_app.get_by_role("button", name="Confirm").click()
    mail_app.wait_for_url(re.compile(r"/accounts/login/"))
    assert "confirmed" in mail_app.locator(".messages").inner_text()
    screenshot(mail_app, "confirmed-sign-in-390", full_page=False)
    mail_app.get_by_label("Email address").fill("mail.app@example.com")
    mail_app.get_by_label("Password", exact=True).fill(PASSWORD)
    mail_app.get_by_role("button", name="Sign in", exact=True).click()

    mail_app.wait_for_url(re.compile(re.escape(ARTICLE) + "#comment-form$"))
    body = mail_app.get_by_label("Your comment")
    assert body.input_value() == words
    mail_app.get_by_role("button", name="Post comment").click()
    mail_app.wait_for_url(re.compile(r"#comment-\d+$"))
    assert Comment.objects.get().body == words
    assert mail_app.console_errors == []

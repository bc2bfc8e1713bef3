"""A sample of the XSS corpus proved in Chromium: nothing runs, even with the CSP off.

Each payload sets a sentinel (`window.__xss`) and opens a dialog if it ever runs. They go
into a comment, a commenter's display name, an FAQ question and answer, a piece's title,
standfirst and body, and a search query; the pages that show them are opened as a reader
and as a moderator, once with the site's Content Security Policy (no violation may even be
reported: nothing inline reached the page) and once with the CSP bypassed, so that escaping
and sanitising alone are what is proved. The whole corpus is checked by parsing in
tests/security/test_xss.py.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from comments import posting, states
from comments.models import Comment
from core.roles import MODERATORS
from faq.models import FaqItem

from .conftest import session_cookie

pytestmark = pytest.mark.browser

RUN = "window.__xss=1;alert(1)"
PAYLOADS = [
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f'<svg onload="{RUN}">',
    f'"><img src=x onerror="{RUN}">',
    f"</title><script>{RUN}</script>",
    f'"}}</script><script>{RUN}</script>',
    f'<details open ontoggle="{RUN}">x</details>',
    f'<input autofocus onfocus="{RUN}">',
    f"[click me](javascript:{RUN})",
    f'<a href="JaVaScRiPt:{RUN}">link</a>',
    f'<iframe srcdoc="<script>parent.{RUN}</script>"></iframe>',
    "Invoice \u202efdp.exe",
]

DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.toLowerCase().startsWith('on')) bad.push(el.tagName + ' ' + attr);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr.toLowerCase())) {
        const v = (el.getAttribute(attr) || '').replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase();
        if (v.startsWith('javascript:') || v.startsWith('data:')) {
          bad.push(el.tagName + ' ' + attr + '=' + v);
        }
      }
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(el.tagName)) bad.push(el.tagName);
  }
  for (const s of document.scripts) {
    const sameOrigin = s.src && new URL(s.src).origin === location.origin;
    const own = s.type === 'application/ld+json' || (sameOrigin && !s.text.trim());
    if (!own) bad.push('script ' + s.outerHTML.slice(0, 80));
  }
  return {bad, sentinel: typeof window.__xss};
}"""


@pytest.fixture
def hostile_piece(make_user, make_article):
    moderator = make_user(
        "mod.xss@example.com", groups=[MODERATORS], is_staff=True, display_name="Moderator"
    )
    piece = make_article(
        PAYLOADS[0],
        slug="hostile",
        standfirst=PAYLOADS[1],
        body="\n\n".join(PAYLOADS),
        discussion_prompt=PAYLOADS[3],
    )
    for n, text in enumerate(PAYLOADS):
        commenter = make_user(f"xss{n}@example.com", display_name=text[:50])
        comment = posting.post_comment(target=piece, author=commenter, body=text).comment
        states.change_state(comment=comment, to_state=Comment.State.APPROVED, actor=moderator)
        FaqItem.objects.create(question=text, answer=text, article=piece)
    held = posting.post_comment(
        target=piece,
        # Hostile too, and not commenter 2's name: display names are one reader's each.
        author=make_user("held@example.com", display_name=f"{PAYLOADS[2][:42]} (held)"),
        body=RUN,
    ).comment
    assert held.state == Comment.State.PENDING
    superuser = make_user("root.xss@example.com", is_staff=True, is_superuser=True)
    return piece, moderator, superuser


def _pages(piece) -> list[str]:
    return [
        piece.get_absolute_url(),
        reverse("articles:home"),
        reverse("faq:index"),
        *(f"{reverse('articles:search')}?{urlencode({'q': text})}" for text in PAYLOADS[:6]),
    ]


def _visit(context, urls: list[str]) -> list[str]:
    problems = []
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs, console = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)  # let autofocus, ontoggle and onload fire if they could
        found = page.evaluate(DOM_CHECK)
        if found["sentinel"] != "undefined" or found["bad"]:
            problems.append(f"{url}: {found}")
    if dialogs:
        problems.append(f"dialogs opened: {dialogs}")
    csp = [text for text in console if "Content Security Policy" in text]
    if csp:
        problems.append(f"CSP violations (something inline reached the page): {csp[:3]}")
    return problems


def test_the_probe_notices_a_payload_that_runs(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.set_content(f"<p>{PAYLOADS[1]}</p>")
        page.wait_for_timeout(200)
        found = page.evaluate(DOM_CHECK)
    finally:
        context.close()
    assert found["sentinel"] == "number"
    assert found["bad"]
    assert dialogs == ["1"]


def test_nothing_runs_with_the_sites_csp(browser, live_server, hostile_piece):
    piece, moderator, _ = hostile_piece
    context = browser.new_context(base_url=live_server.url)
    try:
        problems = _visit(context, _pages(piece))
        context.add_cookies([session_cookie(moderator, live_server.url)])
        problems += _visit(
            context,
            [reverse("moderation:queue"), f"{reverse('moderation:queue')}?queue=published"],
        )
    finally:
        context.close()
    assert problems == []


def test_nothing_runs_even_with_the_csp_bypassed(browser, live_server, hostile_piece):
    piece, moderator, superuser = hostile_piece
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        problems = _visit(context, _pages(piece))
        context.add_cookies([session_cookie(moderator, live_server.url)])
        problems += _visit(context, [reverse("moderation:queue")])
        context.add_cookies([session_cookie(superuser, live_server.url)])
        problems += _visit(
            context,
            [
                reverse("admin:comments_comment_changelist"),
                reverse("admin:faq_faqitem_changelist"),
                reverse("admin:articles_article_changelist"),
            ],
        )
    finally:
        context.close()
    assert problems == []

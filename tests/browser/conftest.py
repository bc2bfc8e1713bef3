"""Browser fixtures: Debian's Chromium (never a downloaded one) driven by Playwright's sync
API against pytest-django's live_server, which runs in this process (so the locmem mail
outbox is shared) and flushes the database after each test: create data inside the test.

One browser serves the whole session; each reader gets a fresh context (own cookies), made
by `browser_context` with a viewport, a colour scheme and JavaScript on or off. Every page
records console errors (CSP violations among them) in `page.console_errors` and any request
that leaves the site in `page.outside_requests`: the site makes no third-party requests.
"""

import json
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from comments import posting, recommendations, states

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made here by
# the test (creating data, reading results) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a-long-and-unusual-passphrase-42"
PHONE = {"width": 375, "height": 812}
SMALL_PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
PHONE_390 = {"width": 390, "height": 844}
WIDTHS = {"320": SMALL_PHONE, "390": PHONE_390, "1280": DESKTOP}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
_LOADED_AT = time.time()
AXE_RESULTS_GLOB = "axe-results-*.json"  # one per worker (test_accessibility.py)


def pytest_terminal_summary(terminalreporter):
    """The axe counts of this run (test_accessibility.py), one line per page and scheme."""
    results = {}
    for path in sorted(ARTIFACTS.glob(AXE_RESULTS_GLOB)):
        if path.stat().st_mtime >= _LOADED_AT:  # this run's, not an earlier one's
            for page, schemes in json.loads(path.read_text()).items():
                results.setdefault(page, {}).update(schemes)
    if not results:
        return
    terminalreporter.section("axe-core: violations per page (serious and critical fail)")
    for page, schemes in sorted(results.items()):
        for scheme, result in sorted(schemes.items()):
            impacts = ", ".join(f"{n} {impact}" for impact, n in result["by_impact"].items())
            terminalreporter.write_line(
                f"{page:>32} {scheme:>5}: {result['violations']} violations"
                + (f" ({impacts}: {', '.join(result['rules'])})" if impacts else "")
            )


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Browser tests need Debian's Chromium at /usr/bin/chromium (make chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _site_url(live_server, settings):
    """Links in mail go to SITE_URL: here, the live server the browser talks to."""
    settings.SITE_URL = live_server.url


def _watch(page, base_url: str):
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.outside_requests = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on(
        "request",
        lambda request: (
            not request.url.startswith((base_url, "data:", "blob:", "about:"))
            and page.outside_requests.append(request.url)
        ),
    )
    return page


def session_cookie(user, base_url: str) -> dict:
    """A signed-in session for `user`, as a cookie for a browser context (no form to fill)."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


@pytest.fixture
def browser_context(browser, live_server, transactional_db):
    """Make browser contexts: `make(viewport=PHONE, color_scheme="dark",
    java_script_enabled=False, user=someone)`; `context.open()` gives a watched page."""
    contexts = []

    def make(*, viewport=None, color_scheme="light", java_script_enabled=True, user=None):
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            timezone_id="UTC",
            viewport=viewport or DESKTOP,
            color_scheme=color_scheme,
            java_script_enabled=java_script_enabled,
            reduced_motion="reduce",
        )
        contexts.append(context)
        if user is not None:
            context.add_cookies([session_cookie(user, live_server.url)])
        context.open = lambda: _watch(context.new_page(), live_server.url)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(browser_context):
    """A page in a fresh context (separate cookies: a separate reader); same options."""

    def make(**options):
        return browser_context(**options).open()

    return make


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, email: str, password: str = PASSWORD, *, next_url: str = "") -> None:
    """Sign in by the form, as a person does."""
    page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert not page.url.rstrip("/").endswith("/accounts/login"), "sign-in failed"


def sign_up(page, display_name: str, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-up form the page shows, as a person does."""
    page.fill("[name=display_name]", display_name)
    page.fill("[name=email]", email)
    page.fill("[name=password1]", password)
    page.fill("[name=password2]", password)
    page.locator("form", has=page.locator("[name=password2]")).locator(
        "button[type=submit]"
    ).click()
    page.wait_for_load_state()


# Screenshots cost as much as the checks they sit beside: written only when asked for
# (`make screenshots`), never in `make test`.
TAKE_SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    """Write a screenshot for people to look at (never compared pixel by pixel)."""
    if not TAKE_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled"
    )


@pytest.fixture
def launch_piece(transactional_db):
    """The launch content (piece, guide, FAQ, topics), as `make run` loads it."""
    from articles import launch

    return launch.load()[1]


@pytest.fixture
def showcase(launch_piece, make_user):
    """The launch piece with a lived-in discussion: approved comments, a reply, an editors'
    pick, a recommendation, and one comment waiting for a moderator."""
    from comments.models import Comment
    from core.roles import MODERATORS

    approved = Comment.State.APPROVED
    moderator = make_user(
        "moderator@example.com",
        password=PASSWORD,
        groups=[MODERATORS],
        is_staff=True,
        display_name="Mina Moderator",
    )

    def post(author, body, parent=None, state=approved):
        comment = posting.post_comment(
            target=launch_piece, author=author, body=body, parent=parent
        ).comment
        if state != comment.state:
            states.change_state(comment=comment, to_state=state, actor=moderator)
            comment.refresh_from_db()
        return comment

    ana = make_user("ana@example.com", password=PASSWORD, display_name="Ana Lindqvist")
    tomas = make_user("tomas@example.com", password=PASSWORD, display_name="Tomás Reyes")
    newcomer = make_user("new@example.com", password=PASSWORD, display_name="New Reader")
    first = post(
        ana,
        "The Laos angle is underrated. Remittances from workers abroad are small in absolute "
        "terms, but for a regime starved of hard currency they are *exactly* what matters.",
    )
    post(
        tomas,
        "Agreed, though Vietnam has far more to lose. Hanoi's trade with the US and the EU "
        "dwarfs anything Pyongyang can offer.",
        parent=first,
    )
    second = post(
        tomas,
        "I would like to see more on how ASEAN as a bloc responds. Individual members "
        "hedging is one thing; a collective position is another.",
    )
    states.set_featured(comment=second, featured=True, actor=moderator)
    recommendations.recommend_comment(comment=first, user=tomas)
    # A piece on the record: an update under its byline, a correction after its text (and
    # both on /corrections/), its words untouched.
    launch_piece.corrections.create(
        kind="update",
        text="Since publication, the ministers' meeting this piece mentions has been postponed.",
    )
    launch_piece.corrections.create(
        kind="correction",
        text="An earlier version of this piece gave a wrong date for a meeting; the date is "
        "now right.",
    )
    held = post(
        newcomer,
        "First time commenting: is there any evidence the workers in Laos are paid at all?",
        state=Comment.State.PENDING,
    )
    return {
        "piece": launch_piece,
        "moderator": moderator,
        "readers": (ana, tomas, newcomer),
        "held": held,
    }

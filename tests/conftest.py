"""The fixtures every test package shares (pytest reaches a conftest only from its own
folder down, so shared ones live here): small factories that build real rows in the real
test database, the discussion made through the services, caches that start empty, and
the clock."""

import itertools
import os
import threading
import time
import uuid
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from articles import launch
from articles.models import Article, Author, Topic
from comments import posting, states
from comments.models import Comment
from core.roles import EDITORS, MODERATORS, REVIEWERS
from faq.models import FaqItem

from .admin_forms import admin_form_data
from .roles import restore_staff_roles
from .servers import own_redis, site_caches

_sequence = itertools.count(1)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` keeps an xdist_group on one worker by suffixing its tests' ids
    (xdist's side channel); pytest 9.2 silently dropped the suffix (pytest-xdist#1386), so
    each worker started its own stack and worker site. Refuse to run split groups."""
    if not config.getoption("loadgroup", False):
        return
    split = [i.nodeid for i in items if i.get_closest_marker("xdist_group") and "@" not in i.nodeid]
    if split:
        raise pytest.UsageError(
            f"--dist loadgroup would split {len(split)} grouped tests across workers "
            f"(first: {split[0]}): use a pytest that pytest-xdist groups (requirements-dev.txt)."
        )


@pytest.fixture(autouse=True)
def _staff_roles(request):
    """The Editors and Moderators groups, as the data migrations made them, for every test
    that touches the database: a transactional test (the live server's among them) ends by
    flushing every table, and whichever test the worker runs next would find no role."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_database:
        return
    # The test database first (never the configured one); then, before the test's own
    # transaction where there is one, so that what is put back stays.
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        restore_staff_roles()


@pytest.fixture
def make_topic(db):
    def make(name: str | None = None, **fields) -> Topic:
        n = next(_sequence)
        name = name or f"Topic {n}"
        return Topic.objects.create(name=name, slug=fields.pop("slug", f"topic-{n}"), **fields)

    return make


@pytest.fixture
def make_author(db):
    def make(name: str | None = None, **fields) -> Author:
        n = next(_sequence)
        return Author.objects.create(
            name=name or f"Author {n}", slug=fields.pop("slug", f"author-{n}"), **fields
        )

    return make


@pytest.fixture
def make_article(db):
    """A published analysis by default; pass status/publish_at for drafts and schedules."""

    def make(title: str | None = None, *, topics=(), authors=(), **fields) -> Article:
        n = next(_sequence)
        fields.setdefault("status", Article.Status.PUBLISHED)
        if fields["status"] in Article.LIVE:
            fields.setdefault("publish_at", timezone.now() - timedelta(minutes=n))
        article = Article.objects.create(
            title=title or f"Piece number {n}",
            slug=fields.pop("slug", f"piece-{n}"),
            standfirst=fields.pop("standfirst", f"Standfirst of piece {n}."),
            body=fields.pop("body", f"## Section {n}\n\nBody text of piece {n}."),
            **fields,
        )
        article.topics.set(topics)
        article.authors.set(authors)
        return article

    return make


@pytest.fixture
def draft_and_scheduled(make_article):
    """The two kinds of piece readers must never see."""
    draft = make_article("Secret draft zebra", slug="secret-draft", status=Article.Status.DRAFT)
    scheduled = make_article(
        "Future scheduled zebra",
        slug="future-piece",
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() + timedelta(days=2),
    )
    return draft, scheduled


@pytest.fixture
def make_user(db):
    def make(
        email: str | None = None,
        *,
        password: str = "correct-horse-battery",
        groups=(),
        verified: bool = True,
        **fields,
    ):
        n = next(_sequence)
        email = email or f"user{n}@example.com"
        user = get_user_model().objects.create_user(
            username=fields.pop("username", f"user{n}"), email=email, password=password, **fields
        )
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        return user

    return make


@pytest.fixture
def editor(make_user):
    return make_user("editor@example.com", groups=[EDITORS], is_staff=True)


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer@example.com", groups=[REVIEWERS], is_staff=True)


@pytest.fixture
def moderator(make_user):
    return make_user("moderator@example.com", groups=[MODERATORS], is_staff=True)


@pytest.fixture
def reader(make_user):
    return make_user("reader@example.com", display_name="Curious Reader")


@pytest.fixture
def make_faq_item(db):
    """A published item; site-wide unless given a piece."""

    def make(question: str | None = None, *, article=None, **fields) -> FaqItem:
        n = next(_sequence)
        return FaqItem.objects.create(
            question=question or f"Question number {n}?",
            answer=fields.pop("answer", f"Answer number {n}."),
            article=article,
            **fields,
        )

    return make


@pytest.fixture
def launched(db):
    """The launch content, loaded as `make run` loads it; returns the launch piece."""
    _report, piece = launch.load()
    return piece


@pytest.fixture
def admin_post():
    """GET an admin change page, then POST it back with some fields changed."""

    def post(client, url: str, **changes):
        return client.post(url, admin_form_data(client.get(url), **changes))

    return post


# The discussion, made through the services as the site makes it ---------------------------


def _recently() -> datetime:
    # Explicit: make_article spaces publication times a minute apart per article made in
    # the session, so late in a long run its pieces would be past the discussion's close.
    return timezone.now() - timedelta(hours=1)


@pytest.fixture
def piece(make_article):
    return make_article(
        "Axis of pragmatism",
        slug="axis",
        discussion_prompt="Is this axis here to stay?",
        publish_at=_recently(),
    )


@pytest.fixture
def other_piece(make_article):
    return make_article("Another piece", slug="another", publish_at=_recently())


@pytest.fixture
def post(piece):
    """Post a comment through the service (default: on `piece`)."""

    def make(author, body: str = "A thoughtful comment.", *, target=None, parent=None):
        return posting.post_comment(
            target=target or piece, author=author, body=body, parent=parent
        ).comment

    return make


@pytest.fixture
def approve():
    def make(comment: Comment, actor=None) -> Comment:
        states.change_state(comment=comment, to_state=Comment.State.APPROVED, actor=actor)
        comment.refresh_from_db()
        return comment

    return make


@pytest.fixture
def make_trusted(make_user, post, approve, other_piece):
    """A reader whose first comment a moderator approved: their next ones are published."""

    def make(email: str | None = None, **fields):
        user = make_user(email, **fields)
        approve(post(user, "My first comment, now approved.", target=other_piece))
        return user

    return make


@pytest.fixture
def trusted(make_trusted):
    return make_trusted("trusted@example.com", display_name="Trusted Reader")


@pytest.fixture
def second_trusted(make_trusted):
    return make_trusted("second@example.com", display_name="Second Reader")


@pytest.fixture
def piece_url(piece):
    return piece.get_absolute_url()


@pytest.fixture
def post_url(piece):
    return reverse("comments:post", kwargs={"target_id": piece.pk})


# Caches --------------------------------------------------------------------------------


# pytest-django's fixtures that give a test the database.
_DATABASE = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _fresh_caches(request):
    """Each test starts and ends with empty caches. Pages kept in this process's memory
    outlive each test's database; the database cache (allauth's rate limits, version stamps)
    is rolled back with a test's transaction, but what a transactional test (the live
    server, threads) commits there survives the flush after it. Tests without the database
    cannot have written to it, and never reach it from here."""
    database = request.node.get_closest_marker("django_db") or _DATABASE & set(request.fixturenames)
    if database:
        request.getfixturevalue("db")  # the test's own access (transactional or not)

    def clear() -> None:
        caches["pages"].clear()
        if database:
            caches["default"].clear()

    clear()
    yield
    clear()


# Where rendered pages live: this process's memory (the default without REDIS_URL) or
# Redis. Versions that key them are in the database either way. Tests of cached pages run
# on both: `pytestmark = pytest.mark.usefixtures("page_cache")`.


@pytest.fixture(scope="session")
def redis_url():
    """A Redis of this test process's own: clearing a Redis cache empties its whole database
    (FLUSHDB), which on the shared 6379 would empty the pages of tests running beside."""
    with own_redis("--appendonly", "no") as client:
        yield f"redis://127.0.0.1:{client.connection_pool.connection_kwargs['port']}/0"


@pytest.fixture(params=["memory", "redis"])
def page_cache(request, settings):
    if request.param == "redis":
        # A prefix of its own: Redis is not rolled back with the test's transaction.
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": request.getfixturevalue("redis_url"),
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            },
        }
    yield request.param
    caches["pages"].clear()


@pytest.fixture
def evicting_redis(settings):
    """A Redis of this test's own that evicts under memory pressure (2 MB, allkeys-lru, as
    a memory-capped production Redis would), with the site's caches configured as
    settings.py does for REDIS_URL pointing at it. Yields `flood()`, which fills that Redis
    with page-sized entries (64 KiB each) far past its memory limit."""
    memory = ("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru", "--appendonly", "no")
    with own_redis(*memory) as client:
        port = client.connection_pool.connection_kwargs["port"]
        # override_settings (behind pytest-django's `settings`) sends setting_changed, on
        # which Django closes the caches and builds them again from the new CACHES.
        settings.CACHES = site_caches(
            REDIS_URL=f"redis://127.0.0.1:{port}/0", CACHE_KEY_PREFIX="evicting"
        )

        def flood(megabytes: int = 12) -> None:
            chunk = os.urandom(64 * 1024)
            for n in range(megabytes * 16):
                client.set(f"flood:{uuid.uuid4().hex}:{n}", chunk)
            assert client.info("stats")["evicted_keys"] > 0  # else the test proves nothing

        yield flood


@pytest.fixture
def purges(settings):
    """A stand-in for the HTTP cache in front (HTTP_CACHE_PURGE_URLS points at it): records
    the keys of each PURGE it receives."""
    received: list[set[str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):
            received.append(set(self.headers["Surrogate-Key"].split()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{server.server_port}/"]
    yield received
    server.shutdown()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block leaves for after its commit, as a real commit would.

    pytest-django wraps each test in a transaction that never commits; the cache learns of
    a change only once its transaction has committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def clock(monkeypatch):
    """Move the clock forward: `clock(301)`. Patches time.time, which allauth's rate limits
    and the comment throttle read, so a test can show a window passing without waiting."""
    offset = 0.0
    real = time.time

    def advance(seconds: float) -> None:
        nonlocal offset
        offset += seconds

    monkeypatch.setattr(time, "time", lambda: real() + offset)
    return advance

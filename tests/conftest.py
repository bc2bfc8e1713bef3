"""Shared fixtures: small factories that build real rows in the real test database."""

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.utils import timezone

from articles.models import Article, Author, Topic
from core.roles import EDITORS, MODERATORS

_sequence = itertools.count(1)


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
        if fields["status"] != Article.Status.DRAFT:
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
def moderator(make_user):
    return make_user("moderator@example.com", groups=[MODERATORS], is_staff=True)


@pytest.fixture
def reader(make_user):
    return make_user("reader@example.com", display_name="Curious Reader")


# Where rendered pages live: this process's memory (the default without REDIS_URL) or
# Redis. Versions that key them are in the database either way. Tests of cached pages run
# on both: `pytestmark = pytest.mark.usefixtures("page_cache")`.


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Pages kept in this process's memory outlive each test's database: start without."""
    caches["pages"].clear()


@pytest.fixture(scope="session")
def own_redis():
    """A Redis of this test process's own, on another port: a cache's clear() is FLUSHDB,
    which on the shared Redis would empty other processes' caches in the middle of their
    tests (other workers, other checkouts' suites)."""
    with redis_server() as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
def page_cache(request, settings):
    if request.param == "redis":
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": request.getfixturevalue("own_redis"),
            },
        }
    yield request.param
    caches["pages"].clear()


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_caches(**env: str) -> dict:
    """CACHES exactly as site_config/settings.py builds them from these environment
    variables (read in a fresh interpreter, as a deployment would)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))}
    code = "import json; from django.conf import settings; print(json.dumps(settings.CACHES))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env=clean | {"DJANGO_SETTINGS_MODULE": "site_config.settings", "DJANGO_DEBUG": "1"} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


@contextmanager
def redis_server(*options: str):
    """A Redis server of our own on a free port, with `options`; yields its URL."""
    import redis

    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server must be installed (Debian's redis-server package)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def evicting_redis(settings):
    """A Redis of this test's own that evicts under memory pressure (2 MB, allkeys-lru, as
    a memory-capped production Redis would), with the site's caches configured as
    settings.py does for REDIS_URL pointing at it. Yields `flood()`, which fills that Redis
    with page-sized entries (64 KiB each) far past its memory limit."""
    import redis

    options = ("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru", "--appendonly", "no")
    with redis_server(*options) as url:
        # override_settings (behind pytest-django's `settings`) sends setting_changed, on
        # which Django closes the caches and builds them again from the new CACHES.
        settings.CACHES = site_caches(REDIS_URL=url, CACHE_KEY_PREFIX="evicting")
        client = redis.Redis.from_url(url)

        def flood(megabytes: int = 12) -> None:
            chunk = os.urandom(64 * 1024)
            for n in range(megabytes * 16):
                client.set(f"flood:{uuid.uuid4().hex}:{n}", chunk)
            assert client.info("stats")["evicted_keys"] > 0  # else the test proves nothing

        yield flood
        client.close()

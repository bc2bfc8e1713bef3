"""Cached pages are exact across gunicorn workers, kept in Redis or in each worker's memory.

Two real gunicorn workers serve the piece (production settings, on loopback) until both
hold it in every cache they keep, to anonymous and signed-in readers; then a third process,
as a moderator's action would, approves a comment. Every later answer from either worker
shows it: nothing in one worker's memory outlives a change made elsewhere.
"""

import shutil
import socket
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from tools import loopback

PIECE = "/articles/north-korea-southeast-asia-strategy/"
REDIS = "redis://127.0.0.1:6379/3"

SETUP = (
    loopback.SIGNED_IN
    + """
from articles.models import Article
from comments import posting
piece = Article.objects.get(slug="north-korea-southeast-asia-strategy")
writer, _ = signed_in("writer@example.org", "Writer")
held = posting.post_comment(target=piece, author=writer, body="Held until approved.").comment
reader, session_key = signed_in("reader@example.org", "Reader")
print(held.pk, session_key)
"""
)

APPROVE = """
from comments.models import Comment
from comments import states
states.change_state(comment=Comment.objects.get(pk=PK), to_state=Comment.State.APPROVED)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pages(port: int, cookie: str, count: int = 24) -> list[str]:
    """`count` answers, eight at a time, so that both workers answer."""

    def get(_) -> str:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{PIECE}")
        if cookie:
            request.add_header("Cookie", cookie)
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.read().decode()

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(get, range(count)))


# One worker prepares the site once for both tests (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("workers")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """A database as a release leaves it (schema, launch content), made once; copied per test."""
    database = tmp_path_factory.mktemp("workers") / "prepared.sqlite3"
    loopback.prepare_site(loopback.production_env("workers", database_url=f"sqlite:///{database}"))
    return database


@pytest.mark.parametrize("page_cache", ["redis", "memory"])
def test_a_change_shows_at_once_in_every_worker(tmp_path, prepared, page_cache):
    prefix = f"workers-test-{uuid.uuid4().hex}"  # nothing from an earlier run
    database = tmp_path / "site.sqlite3"
    shutil.copyfile(prepared, database)
    env = loopback.production_env(
        "workers",
        database_url=f"sqlite:///{database}",
        REDIS_URL=REDIS if page_cache == "redis" else "",
        CACHE_KEY_PREFIX=prefix,
    )
    held_pk, session_key = loopback.manage(env, "shell", "-c", SETUP).split()[-2:]
    port = _free_port()
    server = loopback.start_gunicorn(env, port=port, workers=2)
    try:
        assert len(loopback.worker_pids(server)) == 2
        readers = {"anonymous": "", "signed in": f"sessionid={session_key}"}
        for cookie in readers.values():
            for page in _pages(port, cookie):  # every worker now holds this version
                assert "Held until approved." not in page
        loopback.manage(env, "shell", "-c", APPROVE.replace("PK", held_pk))
        for reader, cookie in readers.items():
            pages = _pages(port, cookie)
            assert all("Held until approved." in page for page in pages), reader
    finally:
        loopback.stop(server)
        if page_cache == "redis":
            client = redis.Redis.from_url(REDIS)
            client.delete(*client.keys(f"{prefix}:*"), "-")

"""The production stack, for real: Varnish with the repository's VCL in front of two gunicorn
nodes and the task worker (tools/stack.py), on loopback.

The stack gets a PostgreSQL database of its own, made for this module and dropped after,
whatever DATABASE_URL the rest of the suite runs on: two nodes are two machines sharing
one database server, which an SQLite file only imitates (and SQLite's single writer would
decide the node-killing test, not the stack). It is on the server of DATABASE_URL when that
is PostgreSQL, else on the machine's PostgreSQL.
"""

import http.client
import json
import os
import re
import signal
import socket
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tools import loopback, stack

PIECE = "/articles/north-korea-southeast-asia-strategy/"
REDIS = "redis://127.0.0.1:6379/8"
CSRF_SECRET = "s" * 32  # Django accepts the cookie's secret itself as the token
TRIALS = 20

SETUP = (
    loopback.SIGNED_IN
    + """
import json
from django.contrib.auth.models import Group
from articles.models import Article
from comments.models import Comment
from core.roles import MODERATORS
from comments import posting, states

piece = Article.objects.get(slug="north-korea-southeast-asia-strategy")
moderator, moderator_key = signed_in("moderator@stack.invalid", "Stack Moderator", is_staff=True)
moderator.groups.add(Group.objects.get(name=MODERATORS))
writer, _ = signed_in("writer@stack.invalid", "Stack Writer")
held = []
for n in range(TRIALS):
    comment = posting.post_comment(
        target=piece, author=writer, body=f"Held until approved, number {n}."
    ).comment
    if comment.state != Comment.State.PENDING:
        states.change_state(comment=comment, to_state=Comment.State.PENDING)
    held.append(comment.pk)
reader, reader_key = signed_in("reader@stack.invalid", "Stack Reader")
mine = posting.post_comment(target=piece, author=reader, body="Only Stack Reader sees this.")
states.change_state(comment=mine.comment, to_state=Comment.State.PENDING)
posters = [signed_in(f"poster{n}@stack.invalid", f"Poster {n}")[1] for n in range(4)]
print(json.dumps({
    "piece": piece.pk, "held": held, "moderator": moderator_key, "reader": reader_key,
    "posters": posters,
}))
""".replace("TRIALS", str(TRIALS))
)


# How many tasks due by now still wait for the worker, or run.
QUEUED = """
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
due = Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())
waiting = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
print(DBTaskResult.objects.filter(due, status__in=waiting).count())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(base: str, path: str, *, method="GET", session="", form=None, timeout=10):
    """One request, redirects not followed: (status, headers, body)."""
    host, port = base.removeprefix("http://").split(":")
    headers = {}
    if session:
        headers["Cookie"] = f"sessionid={session}; csrftoken={CSRF_SECRET}"
        headers["X-CSRFToken"] = CSRF_SECRET
    body = None
    if form is not None:
        body = "&".join(f"{key}={value}" for key, value in form.items())
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read().decode()
    finally:
        connection.close()


def wait_until(check, *, timeout: float = 60) -> None:  # generous: a loaded CI machine
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not true within {timeout} s: {check.__doc__}")
        time.sleep(0.1)


# One worker starts the stack once (`--dist loadgroup`), not each worker its own.
pytestmark = pytest.mark.xdist_group("stack")


@pytest.fixture(scope="module")
def site():
    if not Path(stack.VARNISHD).exists():
        pytest.fail(
            f"{stack.VARNISHD} is missing: `make test` installs it as root, or run "
            "`sudo apt-get install -y varnish varnish-modules`"
        )
    configured = os.environ.get("DATABASE_URL", "")
    server = configured if configured.startswith("postgres") else stack.POSTGRES_SERVER
    name = f"meridian_stack_test_{uuid.uuid4().hex[:12]}"
    database_url = stack.postgres_database(name, server=server, fresh=True)
    overrides = {
        "CACHE_KEY_PREFIX": f"stack-test-{uuid.uuid4().hex}",  # nothing from an earlier run
        "COMMENTS_RATE_LIMIT": "100000/m",  # the tests post quickly, on purpose
        "COMMENTS_HOLD_FIRST_N": "0",
        "COMMENTS_DEFAULT_POLICY": "post_moderate",
    }
    try:
        with stack.Stack(
            port=_free_port(),
            node_ports=(_free_port(), _free_port()),
            database_url=database_url,
            redis_url=REDIS,
            env_overrides=overrides,
        ) as running:
            running.data = json.loads(running.manage(SETUP).strip().splitlines()[-1])
            # The setup's changes queued purges; the tests start once the worker has sent
            # them, or one could empty Varnish between a test's two requests.
            wait_until(lambda: running.manage(QUEUED).strip().endswith("0"))
            yield running
    finally:
        stack.drop_postgres_database(name, server=server)


def cached(site, path: str = PIECE) -> str:
    """The anonymous page once Varnish holds it."""
    for _ in range(5):
        status, headers, body = request(site.url, path)
        assert status == 200
        if headers["X-Cache"] == "HIT":
            return body
    pytest.fail(f"Varnish never served {path} from its cache: {dict(headers)}")


def test_an_anonymous_page_is_a_miss_then_a_hit(site):
    path = "/"
    first = request(site.url, path)
    second = request(site.url, path)
    assert first[0] == second[0] == 200
    assert (first[1]["X-Cache"], second[1]["X-Cache"]) == ("MISS", "HIT")
    assert int(second[1]["Age"]) >= 0
    assert second[2] == first[2]
    # Tracking parameters and cookies make no new entry; keys never reach readers.
    tracked = request(site.url, f"{path}?utm_source=newsletter&fbclid=x")
    assert tracked[1]["X-Cache"] == "HIT"
    assert "Surrogate-Key" not in second[1]
    assert "xkey" not in second[1]
    assert "Set-Cookie" not in second[1]


def test_sessions_and_posts_are_never_served_from_the_cache(site):
    anonymous = cached(site)
    assert "Only Stack Reader sees this." not in anonymous
    reader = site.data["reader"]
    for _ in range(3):
        status, headers, body = request(site.url, PIECE, session=reader)
        assert (status, headers["X-Cache"]) == (200, "MISS")
        assert "Only Stack Reader sees this." in body  # their own comment, pending review
        assert "Sign out" in body
        assert "public" not in headers.get("Cache-Control", "")
    # A POST goes to a node every time: each is its own comment.
    locations = set()
    for n in range(3):
        status, headers, _ = request(
            site.url,
            f"/comments/on/{site.data['piece']}/",
            method="POST",
            session=reader,
            form={"body": f"Posted+through+Varnish+{n}"},
        )
        assert (status, headers["X-Cache"]) == (302, "MISS")
        locations.add(headers["Location"])
    assert len(locations) == 3
    assert "Only Stack Reader sees this." not in cached(site)


def test_an_approval_is_on_the_page_varnish_serves_within_a_second(site):
    delays = []
    for trial, pk in enumerate(site.data["held"]):
        text = f"Held until approved, number {trial}."
        assert text not in cached(site)
        node = site.node_urls[trial % 2]  # the moderator's request lands on either node
        started = time.monotonic()
        status, _, _ = request(
            node,
            f"/moderation/{pk}/act/",
            method="POST",
            session=site.data["moderator"],
            form={"action": "approve", "state": "pending"},
        )
        assert status == 302
        while text not in request(site.url, PIECE)[2]:
            if time.monotonic() - started > 5:
                break
            time.sleep(0.01)
        delays.append(time.monotonic() - started)
    assert max(delays) < 1.0, f"approval to edge, seconds: {sorted(delays)}"


def _purge(site, keys: str) -> int:
    host, port = site.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("PURGE", "/", headers={"Surrogate-Key": keys})
    answer = connection.getresponse()
    text = answer.read().decode()
    connection.close()
    assert answer.status == 200, text
    return int(text.split()[-1])


def test_a_page_revalidated_with_304_can_still_be_purged(site):
    cached(site)
    assert _purge(site, "site") >= 1
    status, _, _ = request(site.url, PIECE)  # fetched again: unchanged, so a 304
    assert status == 200
    assert _purge(site, "site") >= 1  # still known by its keys


def test_with_every_node_down_varnish_serves_the_last_good_page(site):
    last_good = cached(site)
    # A purge (as after any change) keeps the purged page for when no node answers.
    _purge(site, "site")
    for index in range(len(site.nodes)):
        site.stop_node(index)

    def all_sick():
        """Varnish's probes find every node sick."""
        return not any(site.backends_healthy())

    wait_until(all_sick)
    assert request(site.url, "/healthz")[0] == 503  # passed, never from the cache
    for _ in range(3):
        status, headers, body = request(site.url, PIECE)
        assert (status, headers["X-Cache"], body) == (200, "HIT", last_good)
    status, headers, body = request(site.url, "/never-cached/")
    assert (status, headers["Retry-After"]) == (503, "10")  # nothing to serve: said kindly
    assert "Back in a moment" in body
    for index in range(len(site.nodes)):
        site.start_node(index)

    def all_healthy():
        """Varnish routes to every node again."""
        return all(site.backends_healthy())

    wait_until(all_healthy)


def test_killing_a_node_loses_no_acknowledged_comment(site):
    assert all(site.backends_healthy())  # both take posts until one is killed
    acknowledged: list[tuple[str, int, float]] = []  # body, comment pk, when
    stop = threading.Event()
    killed_at: list[float] = []

    def post(poster: str) -> None:
        while not stop.is_set():
            text = f"Kill test {uuid.uuid4().hex}"
            try:
                status, headers, _ = request(
                    site.url,
                    f"/comments/on/{site.data['piece']}/",
                    method="POST",
                    session=poster,
                    form={"body": text.replace(" ", "+")},
                )
            except OSError:
                continue  # never acknowledged
            found = re.search(r"#comment-(\d+)$", headers.get("Location", ""))
            if status == 302 and found:
                acknowledged.append((text, int(found[1]), time.monotonic()))

    with ThreadPoolExecutor(max_workers=len(site.data["posters"])) as pool:
        futures = [pool.submit(post, poster) for poster in site.data["posters"]]
        time.sleep(1.5)
        killed_at.append(time.monotonic())
        site.stop_node(0, signal.SIGKILL)  # as if its machine lost power
        time.sleep(3)
        stop.set()
        for future in futures:
            future.result()
    # Back as the other tests expect the stack, in whatever order they run (pytest-randomly).
    site.start_node(0)
    wait_until(lambda: all(site.backends_healthy()))

    stored = json.loads(
        site.manage(
            "import json\nfrom comments.models import Comment\n"
            "print(json.dumps(list(Comment.objects.filter(body__startswith='Kill test ')"
            ".values_list('body', 'pk'))))"
        )
        .strip()
        .splitlines()[-1]
    )
    counts = Counter(body for body, _ in stored)
    pks = dict(stored)
    assert acknowledged, "no comment was acknowledged at all"
    assert any(when > killed_at[0] + 1 for *_, when in acknowledged), (
        "the surviving node took no comments after the kill"
    )
    for text, pk, _ in acknowledged:
        assert counts[text] == 1, f"{text!r} stored {counts[text]} times"
        assert pks[text] == pk

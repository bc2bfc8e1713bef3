"""`make soak`: the production stack under readers, commenters and a moderator while the
faults a production site meets happen one after another, then audited.

1. The stack of tools/stack.py (Varnish in front of two gunicorn nodes and the task worker)
   on a fresh PostgreSQL database of its own (created here, dropped after), with a Redis
   of its own on a free port (`redis-server --save '' --appendonly no`) for the page
   cache, and an SMTP sink of its own (tools/smtp_sink.py) as the nodes' and the worker's
   mail server. Every comment is held for review and each one mails the moderator; an
   approved reply mails the author it answers (all ten commenters asked for that).
2. For SOAK_SECONDS (default 60), from threads in this process and all through Varnish:
   readers GET pages; ten commenters post comments and replies (each with a unique
   marker), edit, withdraw and double-submit some (the same text twice at one instant);
   a moderator approves from /moderation/ (the POSTs its buttons make). A post whose answer
   says nothing (a 503, a cut connection) is sent again, as a person would.
3. Faults, each for a few seconds, one after another, with steady traffic between: Redis
   stopped and started again (empty); the SMTP sink down; app node 1 killed (SIGKILL on
   its process group, as if its machine died) and started again.
4. Once traffic stops, the queue is left to drain; then the audit: no 500 (nor any 5xx
   but 503) at any moment; a 503 only while a fault lasts (up to GRACE seconds after);
   every comment acknowledged with a redirect to its anchor stored exactly once, with the
   id it was told; edits, withdrawals and approvals acknowledged are there, and every
   comment's event trail is a chain; every mail the queue took (its Message-ID is fixed
   at enqueue time) sent by exactly one successful task and received exactly once by the
   sink, those that met the outage after it came back; every reply notification the
   worker reports sent received exactly once.

Prints every status per phase and writes soak/results/latest.json. Everything it starts,
it stops; all traffic stays on 127.0.0.1. Exit status 1 on any failure.
"""

import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import redis

from tools import loopback, stack
from tools.smtp_sink import Sink

ROOT = loopback.ROOT
RESULTS = ROOT / "soak" / "results"
SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
FAULT_SECONDS = max(3.0, SECONDS / 12)  # how long each dependency stays down
GRACE = 3.0  # seconds after a fault ends in which a 503 is still that fault's
DRAIN_SECONDS = 120  # the longest the queue may take to empty once traffic stops
READERS = 4
COMMENTERS = 10
RETRY_DELAY = 2  # TASKS_RETRY_DELAY_SECONDS: 2, 4, 8, 16 s, so mail waits out a fault
PIECE_SLUG = "north-korea-southeast-asia-strategy"
PIECE = f"/articles/{PIECE_SLUG}/"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
NO_PERSISTENCE = ("--save", "", "--appendonly", "no")
CSRF = secrets.token_hex(16)  # 32 characters, as Django's CSRF cookie secret
FRIENDLY_503 = "back in a moment"  # templates/503.html
VARNISH_503 = "The site cannot answer just now"  # Varnish's own page (deploy/varnish/default.vcl)
SEND_EMAIL = "core.tasks.send_email"
REPLY_TASK = "comments.notifications.send_reply_notification"

READER_PATHS = [
    "/",
    PIECE,
    f"{PIECE}?sort=newest",
    f"{PIECE}?cpage=2",
    "/faq/",
    "/search/?q=sanctions+laos",
    "/topics/north-korea/",
    "/articles/effectiveness-of-international-sanctions/",
    "/feed/",
    "/sitemap.xml",
    "/healthz",
]

SETUP = (
    loopback.SIGNED_IN
    + """
import json
from django.contrib.auth.models import Group
from articles.models import Article
from core.roles import MODERATORS

def make(email, name, **fields):
    user, session_key = signed_in(email, name, **fields)
    return {"id": user.pk, "session": session_key}

commenters = [
    make(f"commenter{n}@soak.invalid", f"Commenter {n}", notify_on_reply=True)
    for n in range(COMMENTERS)
]
moderator = make("moderator@soak.invalid", "Soak Moderator", is_staff=True)
get_user_model().objects.get(pk=moderator["id"]).groups.add(Group.objects.get(name=MODERATORS))
piece = Article.objects.get(slug=PIECE_SLUG)
print(json.dumps({"commenters": commenters, "moderator": moderator, "piece": piece.pk}))
""".replace("COMMENTERS", str(COMMENTERS)).replace("PIECE_SLUG", repr(PIECE_SLUG))
)

# Waits (in the app's environment, with the worker still running) until no task is ready
# or running, then prints what the audit reads.
DRAIN_AND_DUMP = """
import json, time
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult
from comments.models import Comment, CommentEvent
deadline = time.monotonic() + DRAIN_SECONDS
waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
while waiting.exists() and time.monotonic() < deadline:
    time.sleep(0.5)
print(json.dumps({
    "moderator": get_user_model().objects.get(email="moderator@soak.invalid").pk,
    "comments": list(Comment.objects.values("id", "body", "state", "author_id", "parent_id")),
    "events": list(CommentEvent.objects.order_by("created_at", "id").values(
        "id", "comment_id", "from_state", "to_state", "kind", "actor_id")),
    "tasks": list(DBTaskResult.objects.values(
        "task_path", "status", "args_kwargs", "return_value", "enqueued_at", "finished_at")),
}, default=str))
""".replace("DRAIN_SECONDS", str(DRAIN_SECONDS))


# Dependencies of its own ----------------------------------------------------------------


class OwnRedis:
    """A redis-server of the soak's own on a free loopback port, without persistence: a
    restart comes back empty, as a cache that lost its machine does."""

    def __init__(self) -> None:
        self.port = loopback.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


# HTTP ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: the connection failed (refused, reset, cut mid-answer)
    location: str = ""
    body: str = ""
    error: str = ""


class Journal:
    """Every request sent to Varnish and what came back, with times, from every thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.started = time.time()
        self.lock = threading.Lock()
        self.requests: list[dict] = []

    def now(self) -> float:
        return time.time() - self.started

    def request(self, method, path, *, session="", data=None, accept="") -> Answer:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "meridian-soak"}
        if session:
            headers["Cookie"] = f"sessionid={session}; csrftoken={CSRF}"
            headers["X-CSRFToken"] = CSRF
        if accept:
            headers["Accept"] = accept
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            return Answer(response.status, response.getheader("Location") or "", content)
        finally:
            connection.close()

    def send(self, who: str, method: str, path: str, **kwargs) -> Answer:
        began = self.now()
        try:
            answer = self.request(method, path, **kwargs)
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(0, error=f"{type(error).__name__}: {error}")
        with self.lock:
            self.requests.append(
                {
                    "who": who,
                    "method": method,
                    "path": path.split("?")[0],
                    "status": answer.status,
                    "began": began,
                    "ended": self.now(),
                    # Whose 503: the app's page, or Varnish's when no node answered.
                    "friendly": answer.status == 503 and FRIENDLY_503 in answer.body,
                    "varnish": answer.status == 503 and VARNISH_503 in answer.body,
                    "error": answer.error,
                }
            )
        return answer


# What the commenters and the moderator were told -----------------------------------------

COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")


@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    # marker -> every answer to posting it: ("ok", id) | ("refused", why) | ("unknown", why)
    posts: dict[str, list[tuple[str, object]]] = field(default_factory=lambda: defaultdict(list))
    double_submits: list[str] = field(default_factory=list)
    # comment id -> [(text, acknowledged)] in the order sent
    edits: dict[int, list[tuple[str, bool]]] = field(default_factory=lambda: defaultdict(list))
    withdrawn: set[int] = field(default_factory=set)
    approved: list[int] = field(default_factory=list)  # in order; replies go to these

    def note(self, marker: str, outcome: tuple[str, object]) -> None:
        with self.lock:
            self.posts[marker].append(outcome)


def post_outcome(answer: Answer) -> tuple[str, object]:
    if answer.status == 302:
        found = COMMENT_ANCHOR.search(answer.location)
        if found:
            return ("ok", int(found.group(1)))
        if answer.location.endswith("#discussion"):
            return ("ok", None)  # held as spam: received, nothing to show
        return ("refused", answer.location)  # back to the form, with the reason
    if answer.status == 429:
        return ("refused", "429")
    return ("unknown", answer.status or answer.error)


def post(journal, ledger, who, session, path, body, marker, *, tries: int = 5) -> None:
    """Post until an answer says what happened (a person presses again after an error)."""
    for attempt in range(tries):
        outcome = post_outcome(
            journal.send(who, "POST", path, session=session, data={"body": body})
        )
        ledger.note(marker, outcome)
        if outcome[0] != "unknown":
            return
        time.sleep(0.5 + attempt)


def commenter(n, user, journal, ledger, stop, piece_id) -> None:
    rng = random.Random(n)  # noqa: S311 - a traffic pattern, not a secret
    who, session = f"commenter{n}", user["session"]
    mine: list[int] = []
    markers: dict[int, str] = {}  # comment id -> the marker it was posted with
    for count in itertools.count(1):
        if stop.is_set():
            return
        marker = f"[soak c{n} #{count}]"
        body = f"{marker} Commenter {n}'s view, number {count}: sanctions bite slowly."
        roll = rng.random()
        post_path = f"/comments/on/{piece_id}/"
        if roll < 0.15 and mine:
            comment_id = rng.choice(mine)
            text = f"{markers[comment_id]} Commenter {n}'s view, corrected in round {count}."
            answer = journal.send(
                who, "POST", f"/comments/{comment_id}/edit/", session=session, data={"body": text}
            )
            with ledger.lock:
                ledger.edits[comment_id].append((text, answer.status == 302))
        elif roll < 0.20 and mine:
            comment_id = mine.pop(rng.randrange(len(mine)))
            answer = journal.send(who, "POST", f"/comments/{comment_id}/withdraw/", session=session)
            if answer.status == 302 and answer.location.endswith(f"/comments/{comment_id}/"):
                with ledger.lock:
                    ledger.withdrawn.add(comment_id)
        elif roll < 0.35:
            # A double submit: the same text twice at the same instant (two tabs, two clicks).
            with ledger.lock:
                ledger.double_submits.append(marker)
            barrier = threading.Barrier(2)

            def twin(barrier=barrier, path=post_path, body=body, marker=marker) -> None:
                barrier.wait()
                post(journal, ledger, who, session, path, body, marker)

            other = threading.Thread(target=twin)
            other.start()
            twin()
            other.join()
        else:
            with ledger.lock:
                parents = list(ledger.approved)
            if roll < 0.6 and parents:
                post_path = f"/comments/{rng.choice(parents)}/reply/"
            post(journal, ledger, who, session, post_path, body, marker)
        with ledger.lock:
            ids = [value for kind, value in ledger.posts.get(marker, []) if kind == "ok" and value]
        if ids and ids[0] not in mine:
            mine.append(ids[0])
            markers[ids[0]] = marker
        if rng.random() < 0.2:  # and reads the discussion, signed in
            journal.send(who, "GET", PIECE, session=session)
        stop.wait(rng.uniform(0.1, 0.4))


class ApproveForms(HTMLParser):
    """The queue page's Approve buttons: (comment id, the state the moderator sees)."""

    ACTION = re.compile(r"^/moderation/(\d+)/act/$")

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.form: dict | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "form":
            match = self.ACTION.match(attributes.get("action") or "")
            self.form = {"id": match.group(1)} if match else None
        elif tag == "input" and self.form is not None and attributes.get("type") == "hidden":
            self.form[attributes.get("name")] = attributes.get("value")

    def handle_endtag(self, tag) -> None:
        if tag == "form" and self.form is not None:
            if self.form.get("action") == "approve":
                self.found.append((self.form["id"], self.form.get("state", "")))
            self.form = None


def moderator(user, journal, ledger, stop) -> None:
    session = user["session"]
    while not stop.is_set():
        page = journal.send("moderator", "GET", "/moderation/?queue=pending", session=session)
        parser = ApproveForms()
        parser.feed(page.body)
        for comment_id, state in parser.found[:20]:
            answer = journal.send(
                "moderator",
                "POST",
                f"/moderation/{comment_id}/act/",
                session=session,
                data={"action": "approve", "state": state, "next": "/moderation/"},
                accept="application/json",
            )
            if answer.status == 200 and json.loads(answer.body).get("ok"):
                with ledger.lock:
                    ledger.approved.append(int(comment_id))
        stop.wait(0.3)


def reader(n, journal, stop) -> None:
    rng = random.Random(1000 + n)  # noqa: S311 - a traffic pattern, not a secret
    while not stop.is_set():
        journal.send(f"reader{n}", "GET", rng.choice(READER_PATHS))
        stop.wait(rng.uniform(0.0, 0.1))


# Faults --------------------------------------------------------------------------------


def faults(site: stack.Stack, cache: OwnRedis, sink: Sink, journal: Journal, stop, windows):
    """Each fault in turn at its moment: down for FAULT_SECONDS, then back."""

    def kill_node() -> None:
        site.stop_node(0, signal.SIGKILL)

    def start_node() -> None:
        site.start_node(0)  # returns once the node answers /healthz itself

    schedule = [
        (SECONDS / 6, "Redis stopped", cache.stop, cache.start),
        (SECONDS * 5 / 12, "SMTP server down", sink.stop, sink.start),
        (SECONDS * 2 / 3, "node 1 killed (SIGKILL)", kill_node, start_node),
    ]
    for at, name, down, up in schedule:
        if stop.wait(max(0.0, at - journal.now())):
            return
        window = {"fault": name, "began": journal.now()}
        down()
        time.sleep(FAULT_SECONDS)
        try:
            up()
        except (SystemExit, RuntimeError) as error:  # start_gunicorn exits when it fails
            window["error"] = f"did not come back: {error}"
        window["ended"] = journal.now()
        if name.startswith("node"):
            deadline = time.monotonic() + 15
            while not all(site.backends_healthy()) and time.monotonic() < deadline:
                time.sleep(0.2)
            window["routed_again_after"] = round(journal.now() - window["ended"], 2)
        windows.append(window)


def watch_health(site: stack.Stack, journal: Journal, stop, changes: list) -> None:
    """What Varnish's probes think of each node, each time it changes."""
    last = None
    while not stop.wait(0.5):
        try:
            health = site.backends_healthy()
        except subprocess.CalledProcessError:
            continue
        if health != last:
            changes.append([round(journal.now(), 1), health])
            last = health


# Phases ---------------------------------------------------------------------------------


def phases(windows: list[dict], end: float) -> list[dict]:
    """Steady stretches and faults, in order, covering the whole run."""
    spans, start = [], 0.0
    for window in windows:
        spans.append({"phase": "steady", "from": start, "to": window["began"]})
        spans.append({"phase": window["fault"], "from": window["began"], "to": window["ended"]})
        start = window["ended"]
    spans.append({"phase": "steady", "from": start, "to": end})
    return spans


def fault_of(entry: dict, windows: list[dict]) -> str | None:
    """The fault a request overlapped (until GRACE seconds after it ended), if any."""
    for w in windows:
        if entry["ended"] >= w["began"] and entry["began"] <= w["ended"] + GRACE:
            return w["fault"]
    return None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# The audit ------------------------------------------------------------------------------


def audit_http(journal: Journal, windows: list[dict], end: float, failures: list[str]) -> dict:
    spans = phases(windows, end)
    for span in spans:  # a request is in the phase in which its answer came
        entries = [r for r in journal.requests if span["from"] <= r["ended"] < span["to"]]
        if span is spans[-1]:
            entries = [r for r in journal.requests if r["ended"] >= span["from"]]
        seconds = [r["ended"] - r["began"] for r in entries]
        span["requests"] = len(entries)
        span["by_status"] = dict(sorted(Counter(str(r["status"]) for r in entries).items()))
        span["p50_ms"] = round(statistics.median(seconds) * 1000, 1) if seconds else 0
        span["p99_ms"] = round(percentile(seconds, 0.99) * 1000, 1)
    attributed: Counter = Counter()
    for r in journal.requests:
        where = f"{r['method']} {r['path']} at {r['began']:.1f} s"
        if r["status"] >= 500 and r["status"] != 503:
            failures.append(f"{r['status']} on {where}")
        elif r["status"] in (503, 0):
            fault = fault_of(r, windows)
            kind = "503" if r["status"] == 503 else "connection error"
            if fault is None:
                failures.append(f"{kind} outside any fault: {where} {r['error']}".rstrip())
            else:
                attributed[f"{kind} during {fault}"] += 1
    statuses = Counter(str(r["status"]) for r in journal.requests)
    return {
        "requests": len(journal.requests),
        "by_status": dict(sorted(statuses.items())),
        "errors_5xx_but_503": sum(1 for r in journal.requests if r["status"] > 499)
        - statuses["503"],
        "503_app_page": sum(1 for r in journal.requests if r["friendly"]),
        "503_varnish_page": sum(1 for r in journal.requests if r["varnish"]),
        "503_by_request": dict(
            Counter(
                f"{r['method']} {re.sub(r'\d+', 'N', r['path'])}"
                f" ({'anonymous' if r['who'].startswith('reader') else 'signed in'})"
                for r in journal.requests
                if r["status"] == 503
            )
        ),
        "attributed_to_faults": dict(attributed),
        "phases": spans,
    }


def audit_comments(ledger: Ledger, dump: dict, failures: list[str]) -> dict:
    comments = {c["id"]: c for c in dump["comments"]}
    by_marker: dict[str, list[dict]] = defaultdict(list)
    for comment in comments.values():
        found = re.match(r"(\[soak c\d+ #\d+\])", comment["body"])
        if not found:
            failures.append(f"comment {comment['id']} was never sent by the soak")
            continue
        by_marker[found.group(1)].append(comment)

    acknowledged = stored_once = 0
    for marker, outcomes in ledger.posts.items():
        stored = by_marker.get(marker, [])
        ok_ids = {value for kind, value in outcomes if kind == "ok"}
        if len(stored) > 1:
            failures.append(f"{marker} stored {len(stored)} times")
        if ok_ids:
            acknowledged += 1
            stored_once += len(stored) == 1
            if len(stored) != 1:
                failures.append(f"{marker} was acknowledged but stored {len(stored)} times")
            elif None not in ok_ids and ok_ids != {stored[0]["id"]}:
                failures.append(f"{marker}: answers named {ok_ids}, stored as {stored[0]['id']}")
        elif all(kind == "refused" for kind, _ in outcomes) and stored:
            failures.append(f"{marker} was refused but stored")
    # Why a post was never acknowledged: the last answer it got (paths without numbers).
    unacknowledged = Counter(
        re.sub(r"\d+", "N", str(outcomes[-1][1]))
        for outcomes in ledger.posts.values()
        if not any(kind == "ok" for kind, _ in outcomes)
    )
    doubles_once = 0
    for marker in ledger.double_submits:
        ids = {value for kind, value in ledger.posts[marker] if kind == "ok"}
        if len(ids) > 1:
            failures.append(f"double submit {marker} answered with two comments: {ids}")
        doubles_once += len(by_marker.get(marker, [])) == 1

    for comment_id, attempts in ledger.edits.items():
        comment = comments.get(comment_id)
        if comment is None:
            failures.append(f"edited comment {comment_id} is missing")
            continue
        acked = [i for i, (_, ok) in enumerate(attempts) if ok]
        if acked:  # the last acknowledged edit, or one sent after it whose answer was lost
            allowed = {text for text, _ in attempts[acked[-1] :]}
            if comment["body"] not in allowed:
                failures.append(f"comment {comment_id} lost an acknowledged edit")
    for comment_id in ledger.withdrawn:
        if comments.get(comment_id, {}).get("state") != "withdrawn":
            failures.append(f"withdrawal of {comment_id} acknowledged, state is not withdrawn")

    events: dict[int, list[dict]] = defaultdict(list)
    for event in dump["events"]:
        events[event["comment_id"]].append(event)
    for comment_id in ledger.approved:
        if not any(
            e["to_state"] == "approved" and e["actor_id"] == dump["moderator"]
            for e in events[comment_id]
        ):
            failures.append(f"approval of {comment_id} acknowledged but not recorded")
    for comment_id, comment in comments.items():
        chain = [e for e in events[comment_id] if e["kind"] == "state"]
        if not chain or chain[0]["from_state"] != "":
            failures.append(f"comment {comment_id}: its trail does not start when it was posted")
            continue
        for before, after in itertools.pairwise(chain):
            if after["from_state"] != before["to_state"]:
                failures.append(f"comment {comment_id}: trail breaks at event {after['id']}")
        if chain[-1]["to_state"] != comment["state"]:
            failures.append(
                f"comment {comment_id}: trail ends in {chain[-1]['to_state']}, "
                f"state is {comment['state']}"
            )
    return {
        "posts_sent": len(ledger.posts),
        "acknowledged": acknowledged,
        "acknowledged_and_stored_once": stored_once,
        "unacknowledged_last_answer": dict(unacknowledged),
        "stored": len(comments),
        "double_submits": len(ledger.double_submits),
        "double_submits_stored_once": doubles_once,
        "edits_acknowledged": sum(ok for a in ledger.edits.values() for _, ok in a),
        "withdrawals_acknowledged": len(ledger.withdrawn),
        "approvals_acknowledged": len(ledger.approved),
        "states": dict(Counter(c["state"] for c in comments.values())),
        "events": len(dump["events"]),
    }


REPLY_LINK = re.compile(r"/comments/(\d+)/\s")
REVIEW_LINK = re.compile(r"/moderation/(\d+)/\s")


def audit_mail(dump: dict, sink: Sink, smtp: dict | None, started: float, failures) -> dict:
    def moment(value: str | None) -> float | None:
        return datetime.fromisoformat(value).timestamp() - started if value else None

    tasks = dump["tasks"]
    leftover = Counter(t["task_path"] for t in tasks if t["status"] in ("READY", "RUNNING"))
    for path, count in leftover.items():
        failures.append(f"{count} {path} tasks still waiting {DRAIN_SECONDS} s after the run")

    # Mail the queue took: one Message-ID each, however many attempts it needed.
    queued: dict[str, list[dict]] = defaultdict(list)
    for t in tasks:
        if t["task_path"] == SEND_EMAIL:
            queued[t["args_kwargs"]["args"][0]["headers"]["Message-ID"]].append(t)
    received = defaultdict(list)
    for mail in sink.messages:
        received[mail.message["Message-ID"]].append(mail)
    waited = 0
    for message_id, rows in queued.items():
        done = [t for t in rows if t["status"] == "SUCCESSFUL"]
        got = received.get(message_id, [])
        if len(done) != 1 or len(got) != 1:
            failures.append(
                f"mail {message_id}: {len(done)} successful sends of {len(rows)} attempts, "
                f"received {len(got)} times"
            )
        if any(t["status"] == "FAILED" for t in rows) and got:
            waited += 1
            if smtp and min(m.at for m in got) - started < smtp["ended"]:
                failures.append(f"mail {message_id} failed once, yet arrived before SMTP was back")

    # Reply notifications: sent by the task itself, one per reply the worker says it mailed.
    notified = Counter(
        t["args_kwargs"]["kwargs"]["reply_id"]
        for t in tasks
        if t["task_path"] == REPLY_TASK and t["status"] == "SUCCESSFUL" and t["return_value"]
    )
    reply_mails: Counter = Counter()
    for message_id, mails in received.items():
        if message_id in queued:
            continue
        for mail in mails:
            found = REPLY_LINK.search(mail.message.get_content())
            if found:
                reply_mails[int(found.group(1))] += 1
            else:
                failures.append(f"mail nobody queued: {mail.message['Subject']!r}")
    for reply_id in notified.keys() | reply_mails.keys():
        if notified[reply_id] != 1 or reply_mails[reply_id] != 1:
            failures.append(
                f"reply {reply_id}: the worker mailed it {notified[reply_id]} times, "
                f"the sink received {reply_mails[reply_id]}"
            )
    # The moderator is told about each comment once; one still waiting was surely told.
    alerted = Counter(
        int(found.group(1))
        for mail in sink.messages
        if (found := REVIEW_LINK.search(mail.message.get_content()))
    )
    for comment_id, count in alerted.items():
        if count > 1:
            failures.append(f"the moderator was told {count} times about comment {comment_id}")
    for comment in dump["comments"]:
        if comment["state"] == "pending" and not alerted[comment["id"]]:
            failures.append(f"comment {comment['id']} waits, and the moderator was never told")
    enqueued_in_outage = 0
    if smtp:
        for rows in queued.values():
            first = min(moment(t["enqueued_at"]) for t in rows)
            enqueued_in_outage += smtp["began"] <= first <= smtp["ended"]
    failed_attempts = Counter(t["task_path"] for t in tasks if t["status"] == "FAILED")
    return {
        "queued_mails": len(queued),
        "comments_announced_to_the_moderator": len(alerted),
        "queued_mails_received_once": sum(len(received.get(m, [])) == 1 for m in queued),
        "queued_during_smtp_outage": enqueued_in_outage,
        "mails_that_waited_for_smtp": waited,
        "reply_notifications_sent": sum(notified.values()),
        "reply_notifications_received": sum(reply_mails.values()),
        "received_by_sink": len(sink.messages),
        "failed_attempts": dict(failed_attempts),
        "tasks": dict(Counter(f"{t['task_path']} {t['status']}" for t in tasks)),
    }


# The run ---------------------------------------------------------------------------------


def run(database_url: str) -> dict:
    cache, sink = OwnRedis(), Sink(loopback.free_port())
    port = loopback.free_port()
    overrides = {
        "DJANGO_MAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_SMTP_HOST": "127.0.0.1",
        "DJANGO_SMTP_PORT": str(sink.port),
        "DJANGO_SMTP_TLS": "0",
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Ten commenters share one address here: the per-address limit would stop them.
        "COMMENTS_RATE_LIMIT": "100000/m",
        # Every comment waits for review and mails the moderator: mail all through the run.
        "COMMENTS_DEFAULT_POLICY": "pre_moderate",
        "COMMENTS_TRUSTED_AFTER": "0",
        "COMMENTS_MODERATOR_MAIL": "each",
        "TASKS_RETRY_DELAY_SECONDS": str(RETRY_DELAY),
    }
    logs = Path(tempfile.mkdtemp(prefix="meridian-soak-"))
    cache.start()
    sink.start()
    try:
        with stack.Stack(
            port=port,
            node_ports=(loopback.free_port(), loopback.free_port()),
            database_url=database_url,
            redis_url=cache.url,
            env_overrides=overrides,
        ) as site:
            people = json.loads(site.manage(SETUP).strip().splitlines()[-1])
            journal, ledger, stop, windows = Journal(port), Ledger(), threading.Event(), []
            health: list = []
            threads = [
                threading.Thread(target=reader, args=(n, journal, stop)) for n in range(READERS)
            ]
            threads += [
                threading.Thread(
                    target=commenter, args=(n, user, journal, ledger, stop, people["piece"])
                )
                for n, user in enumerate(people["commenters"])
            ]
            threads += [
                threading.Thread(
                    target=moderator, args=(people["moderator"], journal, ledger, stop)
                ),
                threading.Thread(target=faults, args=(site, cache, sink, journal, stop, windows)),
                threading.Thread(target=watch_health, args=(site, journal, stop, health)),
            ]
            print(
                f"{SECONDS} s of {READERS} readers, {COMMENTERS} commenters and a moderator "
                f"through Varnish on 127.0.0.1:{port}; each fault lasts {FAULT_SECONDS:g} s",
                flush=True,
            )
            for thread in threads:
                thread.start()
            stop.wait(SECONDS)
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
            end = journal.now()
            print(f"traffic stopped at {end:.1f} s; waiting for the queue to drain", flush=True)
            dump = json.loads(
                site.manage(DRAIN_AND_DUMP, timeout=DRAIN_SECONDS + 60).strip().splitlines()[-1]
            )
            time.sleep(1)  # a message the sink is still reading
            for log in site.run_dir.glob("*.log"):
                shutil.copy(log, logs)
    finally:
        sink.stop()
        cache.stop()

    failures: list[str] = []
    smtp = next((w for w in windows if w["fault"].startswith("SMTP")), None)
    for window in windows:
        if "error" in window:
            failures.append(f"{window['fault']}: {window['error']}")
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "seconds": SECONDS,
        "stack": "Varnish, 2 gunicorn nodes of 2 sync workers, the task worker; PostgreSQL; "
        "Redis and an SMTP sink of the soak's own",
        "fault_seconds": FAULT_SECONDS,
        "grace_seconds": GRACE,
        "faults": windows,
        # [seconds, [node 1 healthy, node 2 healthy]] whenever Varnish's view changed
        "varnish_health": health,
        "seconds_with_no_node_routed_to": round(
            sum(
                later[0] - earlier[0]
                for earlier, later in itertools.pairwise([*health, [end, None]])
                if not any(earlier[1])
            ),
            1,
        ),
        "http": audit_http(journal, windows, end, failures),
        "comments": audit_comments(ledger, dump, failures),
        "mail": audit_mail(dump, sink, smtp, journal.started, failures),
        "logs_mention": log_evidence(logs),
    }
    report["failure_count"] = len(failures)
    report["failures"] = failures[:50]
    if failures:
        report["logs"] = str(logs)
    else:
        shutil.rmtree(logs, ignore_errors=True)
    return report


def log_evidence(logs: Path) -> dict:
    """What each process logged about the faults: proof that they reached it."""
    phrases = {
        "page cache unavailable": "The page cache is unavailable",
        "task attempts failed": "failed (attempt",
        "tracebacks": "Traceback",
    }
    found = {}
    for log in sorted(logs.glob("*.log")):
        text = log.read_text(errors="replace")
        counts = {name: text.count(phrase) for name, phrase in phrases.items()}
        found[log.stem] = {name: count for name, count in counts.items() if count}
    return found


def print_report(report: dict) -> None:
    http_, c, m = report["http"], report["comments"], report["mail"]
    print(
        f"\n{'phase':<26} {'from':>6} {'to':>6} {'requests':>8} {'p50 ms':>7} {'p99 ms':>7}"
        "  statuses"
    )
    for span in http_["phases"]:
        statuses = " ".join(f"{k}:{v}" for k, v in span["by_status"].items())
        print(
            f"{span['phase']:<26} {span['from']:>6.1f} {span['to']:>6.1f} {span['requests']:>8} "
            f"{span['p50_ms']:>7.1f} {span['p99_ms']:>7.1f}  {statuses}"
        )
    print(f"{'all':<26} {'':>6} {'':>6} {http_['requests']:>8}  {http_['by_status']}")
    print(
        f"5xx other than 503: {http_['errors_5xx_but_503']}; 503 and cut connections by "
        f"fault: {http_['attributed_to_faults'] or 'none'}"
    )
    for window in report["faults"]:
        extra = (
            f", routed to again {window['routed_again_after']} s later"
            if "routed_again_after" in window
            else ""
        )
        print(f"fault: {window['fault']} {window['began']:.1f}-{window['ended']:.1f} s{extra}")
    print(
        f"comments: {c['posts_sent']} posted, {c['acknowledged']} acknowledged, "
        f"{c['acknowledged_and_stored_once']} of them stored once, {c['stored']} stored "
        f"(not acknowledged: {c['unacknowledged_last_answer'] or 'none'}); "
        f"{c['double_submits']} double submits ({c['double_submits_stored_once']} stored once); "
        f"{c['edits_acknowledged']} edits, {c['withdrawals_acknowledged']} withdrawals, "
        f"{c['approvals_acknowledged']} approvals; states {c['states']}"
    )
    print(
        f"mail: {m['queued_mails']} queued ({m['comments_announced_to_the_moderator']} "
        f"comments announced), {m['queued_mails_received_once']} received once, "
        f"{m['queued_during_smtp_outage']} queued during the SMTP outage, "
        f"{m['mails_that_waited_for_smtp']} waited for it; reply notifications "
        f"{m['reply_notifications_sent']} sent, {m['reply_notifications_received']} received; "
        f"sink total {m['received_by_sink']}; failed attempts {m['failed_attempts'] or 'none'}"
    )
    print(
        f"Varnish's view of the nodes over time: {report['varnish_health']}; "
        f"{report['seconds_with_no_node_routed_to']} s with no node routed to"
    )
    print(f"logs mention: {report['logs_mention']}")
    print(
        f"503s: {http_['503_by_request'] or 'none'} ({http_['503_app_page']} the app's page, "
        f"{http_['503_varnish_page']} Varnish's)"
    )
    verdict = "PASS" if report["failure_count"] == 0 else f"FAIL ({report['failure_count']})"
    print(verdict + (f"; logs kept in {report['logs']}" if "logs" in report else ""))
    for failure in report["failures"][:20]:
        print(f"  ! {failure}")


def main() -> None:
    if not Path(stack.VARNISHD).exists():
        sys.exit(f"{stack.VARNISHD} is missing: apt-get install -y varnish varnish-modules")
    configured = os.environ.get("DATABASE_URL", "")
    server = configured if configured.startswith("postgres") else stack.POSTGRES_SERVER
    name = f"meridian_soak_{uuid.uuid4().hex[:12]}"
    print(f"A fresh database {name}; starting the stack", flush=True)
    database_url = stack.postgres_database(name, server=server, fresh=True)
    try:
        report = run(database_url)
    finally:
        stack.drop_postgres_database(name, server=server)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    print(f"written to {(RESULTS / 'latest.json').relative_to(ROOT)}")
    if report["failure_count"]:
        sys.exit(1)


if __name__ == "__main__":
    main()

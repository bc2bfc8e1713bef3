"""`make soak`: the site under readers, commenters and a moderator, with faults, then audited.

For each database (SOAK_DATABASE: sqlite, postgres or both; `make soak` runs both):

1. A fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   `meridian_soak`, dropped and created), migrated, with the launch content, ten commenters
   with verified addresses and a moderator, signed in by sessions made directly.
2. gunicorn with production settings (2 sync workers) on 127.0.0.1 only.
3. For SOAK_SECONDS (default 60), from threads in this process: readers GET pages; each of
   the ten commenters posts comments and replies (each with a unique marker), edits them,
   withdraws a few and double-submits some (two identical posts at the same instant); the
   moderator approves from /moderation/ (the same POSTs as its buttons). Every answer is
   recorded; a post that fails (503, connection cut) is sent again, as a person would.
4. Faults, mid-run: one gunicorn worker is killed with SIGKILL (the master starts another),
   and on PostgreSQL the server is restarted (pg_ctlcluster ... restart; with
   SOAK_POSTGRES_FAULT=cut only the soak's database is cut off, for a shared server). A
   prober polls /healthz and a page throughout, to see the outage answered with 503 and
   the recovery.
5. The audit, against the database: no 500 at all and no 503 outside an outage; every
   comment that got a success answer stored exactly once; both answers to a double submit
   name the same comment; acknowledged edits, withdrawals and approvals are there; every
   comment's CommentEvent trail is a chain from its first state to its current one.

Prints a summary and writes soak/results/latest.json (and soak/results/<database>.json).
Everything it starts, it stops; all traffic goes to 127.0.0.1. Exit status 1 on a failure.
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
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from tools import loopback

ROOT = loopback.ROOT
RESULTS = ROOT / "soak" / "results"
SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
PORT = int(os.environ.get("SOAK_PORT", "8093"))
READERS = int(os.environ.get("SOAK_READERS", "4"))
COMMENTERS = 10
WORKERS = 2
PIECE_SLUG = "north-korea-southeast-asia-strategy"
PIECE = f"/articles/{PIECE_SLUG}/"
POSTGRES_ADMIN_URL = os.environ.get(
    "SOAK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_DB = "meridian_soak"
RESTART_POSTGRES = os.environ.get("SOAK_RESTART_POSTGRES", "1") != "0"
# restart: the whole server (pg_ctlcluster); cut: only the soak's database, for a shared server.
POSTGRES_FAULT = os.environ.get("SOAK_POSTGRES_FAULT", "restart")
KILL_WORKER = os.environ.get("SOAK_KILL_WORKER", "1") != "0"
PG_CTLCLUSTER = shutil.which("pg_ctlcluster") or "/usr/bin/pg_ctlcluster"
PG_ISREADY = shutil.which("pg_isready") or "/usr/bin/pg_isready"
CSRF = secrets.token_hex(16)  # 32 characters, as Django's CSRF cookie secret
FRIENDLY_503 = "back in a moment"
OUTAGE_GRACE = 10.0  # seconds after a fault ends in which failures still count as the fault's

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

commenters = [make(f"commenter{n}@soak.invalid", f"Commenter {n}") for n in range(%(n)d)]
moderator = make("moderator@soak.invalid", "Soak Moderator", is_staff=True)
get_user_model().objects.get(pk=moderator["id"]).groups.add(Group.objects.get(name=MODERATORS))
piece = Article.objects.get(slug="%(slug)s")
print(json.dumps({"commenters": commenters, "moderator": moderator, "piece": piece.pk}))
"""
)

DUMP = """
import json
from django.contrib.auth import get_user_model
from comments.models import Comment, CommentEvent
moderator = get_user_model().objects.get(email="moderator@soak.invalid").pk
print(json.dumps({
    "moderator": moderator,
    "comments": list(Comment.objects.values("id", "body", "state", "author_id", "parent_id")),
    "events": list(CommentEvent.objects.order_by("created_at", "id").values(
        "id", "comment_id", "from_state", "to_state", "kind", "actor_id")),
}))
"""


# The server ----------------------------------------------------------------------------


def environment(database: str, folder: Path) -> dict[str, str]:
    url = (
        f"sqlite:///{folder / 'soak.sqlite3'}"
        if database == "sqlite"
        else POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{POSTGRES_DB}"
    )
    return loopback.production_env(
        "soak",
        database_url=url,
        # The database cache (no Redis): the harder case, every cache write is a row.
        REDIS_URL=os.environ.get("SOAK_REDIS_URL", ""),
        # Mail goes nowhere, through the same code paths.
        DJANGO_MAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        # Ten commenters share one address here: the per-address limit would stop them.
        COMMENTS_RATE_LIMIT="100000/m",
    )


def manage(env: dict, *args: str) -> str:
    return loopback.manage(env, *args)


def prepare(database: str, env: dict) -> dict:
    if database == "postgres":
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {POSTGRES_DB}")
    loopback.prepare_site(env)
    out = manage(env, "shell", "-c", SETUP % {"n": COMMENTERS, "slug": PIECE_SLUG})
    return json.loads(out.strip().splitlines()[-1])


# HTTP ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: the connection failed (refused, reset, cut mid-answer)
    location: str = ""
    body: str = ""
    error: str = ""


def request(method: str, path: str, *, session: str = "", data=None, accept: str = "") -> Answer:
    headers = {"Host": f"127.0.0.1:{PORT}", "User-Agent": "meridian-soak"}
    if session:
        headers["Cookie"] = f"sessionid={session}; csrftoken={CSRF}"
        headers["X-CSRFToken"] = CSRF
    if accept:
        headers["Accept"] = accept
    body = None
    if data is not None:
        body = urlencode(data)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        return Answer(response.status, response.getheader("Location") or "", content)
    finally:
        connection.close()


class Journal:
    """Every request and what came back, with times, from every thread."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.lock = threading.Lock()
        self.requests: list[dict] = []

    def send(self, who: str, method: str, path: str, **kwargs) -> Answer:
        began = time.time()
        try:
            answer = request(method, path, **kwargs)
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(0, error=f"{type(error).__name__}: {error}")
        ended = time.time()
        with self.lock:
            self.requests.append(
                {
                    "who": who,
                    "method": method,
                    "path": path.split("?")[0],
                    "status": answer.status,
                    "began": began - self.started,
                    "ended": ended - self.started,
                    "friendly": answer.status == 503 and FRIENDLY_503 in answer.body,
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
    approved: set[int] = field(default_factory=set)
    published: list[int] = field(default_factory=list)  # approved ids, for replies

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


def post(journal, ledger, who, session, path, body, marker, *, tries: int = 4) -> None:
    """Post until an answer says what happened (a person presses again after an error)."""
    for attempt in range(tries):
        answer = journal.send(who, "POST", path, session=session, data={"body": body})
        outcome = post_outcome(answer)
        ledger.note(marker, outcome)
        if outcome[0] != "unknown":
            return
        time.sleep(0.5 + attempt)


def commenter(n, user, journal, ledger, stop, piece_id) -> None:
    rng = random.Random(n)  # noqa: S311 - a traffic pattern, not a secret
    who, session = f"commenter{n}", user["session"]
    mine: list[int] = []
    markers: dict[int, str] = {}  # comment id -> the marker it was posted with
    count = 0
    while not stop.is_set():
        count += 1
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
            barrier.wait()
            post(journal, ledger, who, session, post_path, body, marker)
            other.join()
        else:
            with ledger.lock:
                parents = list(ledger.published)
            if roll < 0.5 and parents:
                post_path = f"/comments/{rng.choice(parents)}/reply/"
            post(journal, ledger, who, session, post_path, body, marker)
        with ledger.lock:
            outcomes = list(ledger.posts.get(marker, []))
        ids = [value for kind, value in outcomes if kind == "ok" and value]
        if ids and ids[0] not in mine:
            mine.append(ids[0])
            markers[ids[0]] = marker
        if rng.random() < 0.2:  # and reads the discussion, signed in
            journal.send(who, "GET", PIECE, session=session)
        stop.wait(rng.uniform(0.05, 0.3))


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


def approvable(html: str) -> list[tuple[str, str]]:
    parser = ApproveForms()
    parser.feed(html)
    return parser.found


def moderator(user, journal, ledger, stop) -> None:
    session = user["session"]
    while not stop.is_set():
        page = journal.send("moderator", "GET", "/moderation/?queue=pending", session=session)
        for comment_id, state in approvable(page.body)[:8]:
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
                    ledger.approved.add(int(comment_id))
                    ledger.published.append(int(comment_id))
        stop.wait(0.4)


def reader(n, journal, stop) -> None:
    rng = random.Random(1000 + n)  # noqa: S311 - a traffic pattern, not a secret
    while not stop.is_set():
        journal.send(f"reader{n}", "GET", rng.choice(READER_PATHS))
        stop.wait(rng.uniform(0.0, 0.1))


def prober(journal, stop) -> None:
    while not stop.is_set():
        journal.send("prober", "GET", "/healthz")
        journal.send("prober", "GET", "/faq/")
        stop.wait(0.25)


# Faults --------------------------------------------------------------------------------


def faults(database, server, journal, stop, windows: list[dict]) -> None:
    started = journal.started
    if KILL_WORKER and not stop.wait(SECONDS * 0.35):
        workers = loopback.worker_pids(server)
        if workers:
            victim = workers[0]
            at = time.time() - started
            os.kill(victim, signal.SIGKILL)
            windows.append({"fault": f"SIGKILL gunicorn worker {victim}", "began": at, "ended": at})
    if database == "postgres" and RESTART_POSTGRES and not stop.wait(SECONDS * 0.25):
        began = time.time() - started
        what = restart_postgres() if POSTGRES_FAULT == "restart" else cut_postgres()
        windows.append({"fault": what, "began": began, "ended": time.time() - started})


def wait_for_postgres() -> None:
    for _ in range(240):
        if subprocess.run([PG_ISREADY, "-h", "127.0.0.1", "-q"], check=False).returncode == 0:
            return
        time.sleep(0.25)


def restart_postgres() -> str:
    """The server itself goes down and comes back (every database on it)."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    result = subprocess.run(
        [PG_CTLCLUSTER, "--skip-systemctl-redirect", version, "main", "restart"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wait_for_postgres()
    return f"PostgreSQL {version} restarted (pg_ctlcluster exit {result.returncode})"


def cut_postgres(seconds: float = 4.0) -> str:
    """Only the soak's database goes away: its connections are cut and new ones refused for
    a few seconds (SOAK_POSTGRES_FAULT=cut, for machines where the server is shared)."""
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {POSTGRES_DB} ALLOW_CONNECTIONS false")
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [POSTGRES_DB],
        )
        time.sleep(seconds)
        admin.execute(f"ALTER DATABASE {POSTGRES_DB} ALLOW_CONNECTIONS true")
    return f"PostgreSQL database {POSTGRES_DB} cut off for {seconds:.0f} s"


# The audit ------------------------------------------------------------------------------


def in_window(entry: dict, windows: list[dict]) -> bool:
    return any(
        entry["ended"] >= w["began"] - 0.5 and entry["began"] <= w["ended"] + OUTAGE_GRACE
        for w in windows
    )


def audit(journal: Journal, ledger: Ledger, dump: dict, windows: list[dict]) -> dict:
    failures: list[str] = []
    statuses = Counter(str(r["status"] or "connection error") for r in journal.requests)
    server_errors = [r for r in journal.requests if r["status"] >= 500]
    for r in server_errors:
        if r["status"] != 503:
            failures.append(f"{r['status']} on {r['method']} {r['path']} at {r['began']:.1f}s")
        elif not in_window(r, windows):
            failures.append(
                f"503 outside any outage: {r['method']} {r['path']} at {r['began']:.1f}s"
            )
        elif not r["friendly"] and r["path"] != "/healthz":
            failures.append(f"503 without the friendly page: {r['path']}")
    for r in journal.requests:
        if r["status"] == 0 and not in_window(r, windows):
            failures.append(f"connection error outside a fault: {r['path']} ({r['error']})")

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
    doubles_ok = 0
    for marker in ledger.double_submits:
        ids = {value for kind, value in ledger.posts[marker] if kind == "ok"}
        if len(ids) > 1:
            failures.append(f"double submit {marker} answered with two comments: {ids}")
        if len(by_marker.get(marker, [])) == 1:
            doubles_ok += 1

    for comment_id, attempts in ledger.edits.items():
        comment = comments.get(comment_id)
        if comment is None:
            failures.append(f"edited comment {comment_id} is missing")
            continue
        acked = [i for i, (_, ok) in enumerate(attempts) if ok]
        if acked:
            allowed = {attempts[acked[-1]][0]} | {text for text, _ in attempts[acked[-1] + 1 :]}
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

    outage = [r for r in journal.requests if r["who"] == "prober" and in_window(r, windows)]
    return {
        "requests": len(journal.requests),
        "by_status": dict(sorted(statuses.items())),
        "server_errors": {
            "500": sum(1 for r in server_errors if r["status"] != 503),
            "503_during_outages": sum(1 for r in server_errors if r["status"] == 503),
            "503_friendly_pages": sum(1 for r in server_errors if r["friendly"]),
        },
        "connection_errors": statuses.get("connection error", 0),
        "comments": {
            "posts_sent": len(ledger.posts),
            "accepted": acknowledged,
            "stored": len(comments),
            "accepted_and_stored_once": stored_once,
            "double_submits": len(ledger.double_submits),
            "double_submits_stored_once": doubles_ok,
            "edits_acknowledged": sum(ok for a in ledger.edits.values() for _, ok in a),
            "withdrawals_acknowledged": len(ledger.withdrawn),
            "approvals_acknowledged": len(ledger.approved),
            "states": dict(Counter(c["state"] for c in comments.values())),
            "events": len(dump["events"]),
        },
        "faults": [
            {
                **w,
                "recovered_after_seconds": next(
                    (
                        round(r["began"] - w["ended"], 2)
                        for r in journal.requests
                        if r["path"] == "/healthz"
                        and r["status"] == 200
                        and r["began"] > w["ended"]
                    ),
                    None,
                ),
            }
            for w in windows
        ],
        "healthz_during_outages": dict(
            Counter(str(r["status"]) for r in outage if r["path"] == "/healthz")
        ),
        "recovered": bool(windows)
        and all(
            any(
                r["status"] == 200 and r["path"] == "/healthz" and r["began"] > w["ended"]
                for r in journal.requests
            )
            for w in windows
        ),
        "failures": failures[:50],
        "failure_count": len(failures),
    }


# One database ---------------------------------------------------------------------------


def soak(database: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"meridian-soak-{database}-"))
    env = environment(database, folder)
    print(f"\n== {database}: preparing a fresh database", flush=True)
    people = prepare(database, env)
    server = loopback.start_gunicorn(
        env,
        port=PORT,
        workers=WORKERS,
        options=("--timeout=60", "--graceful-timeout=10"),
        log=folder / "gunicorn.log",
    )
    stop = threading.Event()
    journal = Journal(time.time())
    ledger = Ledger()
    windows: list[dict] = []
    threads = [threading.Thread(target=reader, args=(n, journal, stop)) for n in range(READERS)] + [
        threading.Thread(target=commenter, args=(n, user, journal, ledger, stop, people["piece"]))
        for n, user in enumerate(people["commenters"])
    ]
    threads += [
        threading.Thread(target=moderator, args=(people["moderator"], journal, ledger, stop)),
        threading.Thread(target=prober, args=(journal, stop)),
        threading.Thread(target=faults, args=(database, server, journal, stop, windows)),
    ]
    print(
        f"== {database}: {SECONDS} s of {READERS} readers, {COMMENTERS} commenters, "
        f"a moderator, with faults, against gunicorn ({WORKERS} workers) on 127.0.0.1:{PORT}",
        flush=True,
    )
    try:
        for thread in threads:
            thread.start()
        stop.wait(SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        # Whatever a worker still had in hand is finished before the database is read.
        time.sleep(1)
    finally:
        loopback.stop(server)
    if database == "postgres":
        wait_for_postgres()
    dump = json.loads(manage(env, "shell", "-c", DUMP).strip().splitlines()[-1])
    report = {"database": database, "seconds": SECONDS, **audit(journal, ledger, dump, windows)}
    if report["failure_count"] == 0:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        report["kept"] = str(folder)
    return report


def print_report(report: dict) -> None:
    c = report["comments"]
    print(f"-- {report['database']}: {report['requests']} requests in {report['seconds']} s")
    print(f"   by status: {report['by_status']}")
    print(
        f"   500: {report['server_errors']['500']}; 503 during outages: "
        f"{report['server_errors']['503_during_outages']} "
        f"({report['server_errors']['503_friendly_pages']} with the friendly page); "
        f"connection errors: {report['connection_errors']}"
    )
    print(
        f"   comments: {c['posts_sent']} sent, {c['accepted']} accepted, {c['stored']} stored; "
        f"{c['double_submits']} double submits, {c['double_submits_stored_once']} stored once; "
        f"{c['edits_acknowledged']} edits, {c['withdrawals_acknowledged']} withdrawals, "
        f"{c['approvals_acknowledged']} approvals; {c['events']} events; states {c['states']}"
    )
    for window in report["faults"]:
        print(
            f"   fault: {window['fault']} at {window['began']:.1f}-{window['ended']:.1f} s; "
            f"/healthz 200 again {window['recovered_after_seconds']} s after"
        )
    print(
        f"   /healthz around faults: {report['healthz_during_outages']}; "
        f"recovered by itself: {report['recovered']}"
    )
    verdict = "PASS" if report["failure_count"] == 0 else f"FAIL ({report['failure_count']})"
    print(f"   {verdict}")
    for failure in report["failures"][:20]:
        print(f"   ! {failure}")


def main() -> None:
    choice = os.environ.get("SOAK_DATABASE", "both")
    databases = ["sqlite", "postgres"] if choice == "both" else [choice]
    RESULTS.mkdir(parents=True, exist_ok=True)
    reports = []
    for database in databases:
        report = soak(database)
        (RESULTS / f"{database}.json").write_text(json.dumps(report, indent=2) + "\n")
        reports.append(report)
    summary = {"when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "runs": reports}
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2) + "\n")
    print()
    for report in reports:
        print_report(report)
    print(f"written to {(RESULTS / 'latest.json').relative_to(ROOT)}")
    if any(report["failure_count"] for report in reports):
        sys.exit(1)


if __name__ == "__main__":
    main()

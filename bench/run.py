"""`make bench`: the production stack under load, side by side with a static file.

Starts the stack (tools/stack.py: Varnish in front of two gunicorn nodes of 2 sync workers,
production settings, and the task worker) on loopback against a fresh benchmark database
(PostgreSQL, or DATABASE_URL) with the launch piece and 1,000 generated comments, then runs
wrk (2 threads, 16 connections, BENCH_SECONDS each, default 10) against: WhiteNoise's
static file through one node alone and through Varnish, the article page for an anonymous
reader through Varnish and from one node alone (Varnish bypassed), for a signed-in reader,
and comment posting, with the comment scorer off and then on (a model trained by
`train_scorer` on 2,000 generated decisions, while the task worker trains once more); posts
one at a time to a node, the scorer off and on in turns, to see what scoring adds to a
post; the scorer's own time for a comment, in a process of its own; then times a
moderator's approval until the page Varnish serves shows it. Prints requests per second,
p50, p99, errors and each row's ratio to the static file through gunicorn, and the memory
of each node's workers (the scorer's model loaded) and of the task worker (after its
training); writes bench/results/latest.json.
Everything it starts, it stops; it sends traffic to 127.0.0.1 only.
"""

import http.client
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from tools import loopback, stack

ROOT = loopback.ROOT
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8089"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS, THREADS, WORKERS = 16, 2, 2
PIECE = "/articles/north-korea-southeast-asia-strategy/"
SLUG = PIECE.split("/")[2]
# Newest first, so that a comment approved now is on the first page, past 1,000 others.
NEWEST = f"{PIECE}?sort=newest"
APPROVALS = 10
POSTS_ONE_AT_A_TIME = 400
BLOCK = 20  # posts in a row with the scorer off, then on, and so on
IN_USE = """
from moderation.models import ScorerModel
print(ScorerModel.objects.get(outcome="in_use").pk)
"""
TRAININGS = """
from moderation.models import ScorerModel
print(ScorerModel.objects.count())
"""
TOGGLE = """
from moderation.models import ScorerModel
ScorerModel.objects.filter(pk=MODEL).update(outcome=OUTCOME)
"""
DECISIONS = 2000  # generated, for the scorer to train on

# The scorer's own time for a comment: the model in use, the texts of the piece's comments.
SCORING_TIME = """
import json, statistics, time
from comments.models import Comment
from comments.moderator import Submission
from moderation import rules, scorer
model = scorer.model_in_use()
assert model is not None, "no model in use"
times = []
for comment in Comment.objects.select_related("author", "target").order_by("-id")[:1000]:
    submission = Submission(author=comment.author, target=comment.target, body=comment.body)
    rules.rejection_tally(submission), rules.find_repeat(submission)  # the rules' own work
    started = time.perf_counter()
    rules.machine_score(submission)
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(json.dumps({"comments": len(times), "median_ms": statistics.median(times),
                  "p99_ms": times[int(len(times) * 0.99) - 1]}))
"""

# Two readers, each signed in with a session: one reads (and has recommended three comments
# on the first page, so their page carries marks of their own), the other posts. A moderator
# approves comments held for the timing of approvals.
SETUP_SESSIONS = (
    loopback.SIGNED_IN
    + """
import json
from django.contrib.auth.models import Group
from articles.models import Article
from comments import posting, recommendations, states
from comments.models import Comment
from core.roles import MODERATORS
piece = Article.objects.get(slug=SLUG)
reader, reader_session = signed_in("bench-reader@seed.invalid", "Bench reader")
first_page = Comment.objects.filter(target=piece, parent=None, state="approved")
for comment in first_page.order_by("created_at", "id")[:3]:
    recommendations.recommend_comment(comment=comment, user=reader)
poster, poster_session = signed_in("bench-poster@seed.invalid", "Bench poster")
moderator, moderator_session = signed_in("bench-moderator@seed.invalid", "Mod", is_staff=True)
moderator.groups.add(Group.objects.get(name=MODERATORS))
writer, _ = signed_in("bench-writer@seed.invalid", "Bench writer")
held = []
for n in range(APPROVALS):
    comment = posting.post_comment(target=piece, author=writer, body=f"Approved {n}.").comment
    if comment.state != Comment.State.PENDING:
        states.change_state(comment=comment, to_state=Comment.State.PENDING)
    held.append(comment.pk)
print(json.dumps({"piece": piece.pk, "reader": reader_session, "poster": poster_session,
                  "moderator": moderator_session, "held": held}))
"""
)


def prepare(site: stack.Stack) -> dict:
    print(loopback.manage(site.env, "seed_discussion", SLUG, "--comments", "1000", "--force"))
    setup = SETUP_SESSIONS.replace("SLUG", repr(SLUG)).replace("APPROVALS", str(APPROVALS))
    data = json.loads(site.manage(setup).strip().splitlines()[-1])
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    data["static"] = "/static/" + manifest["paths"]["css/site.css"]
    return data


def worker_memory(site: stack.Stack) -> list[dict]:
    workers = []
    for index in range(len(site.nodes)):
        for pid in site.node_worker_pids(index):
            status = Path(f"/proc/{pid}/status").read_text()
            fields = dict(re.findall(r"^(Vm\w+):\s+(\d+) kB", status, re.M))
            workers.append(
                {
                    "node": index + 1,
                    "pid": pid,
                    "rss_mb": int(fields["VmRSS"]) / 1024,
                    "peak_mb": int(fields["VmHWM"]) / 1024,
                }
            )
    if site.worker is not None:
        status = Path(f"/proc/{site.worker.pid}/status").read_text()
        fields = dict(re.findall(r"^(Vm\w+):\s+(\d+) kB", status, re.M))
        workers.append(
            {
                "node": "task worker",
                "pid": site.worker.pid,
                "rss_mb": int(fields["VmRSS"]) / 1024,
                "peak_mb": int(fields["VmHWM"]) / 1024,
            }
        )
    return workers


def posts_one_at_a_time(site: stack.Stack, data: dict, csrf_secret: str) -> dict:
    """Milliseconds a post takes when posts are sent to node 1 one after another (wrk's
    queueing left out), the scorer off and on in turns of BLOCK posts, so that neither
    side posts into a bigger database than the other."""
    model = site.manage(IN_USE).strip().splitlines()[-1]
    node = http.client.HTTPConnection("127.0.0.1", site.node_ports[0], timeout=10)
    headers = {
        "Cookie": f"sessionid={data['poster']}; csrftoken={csrf_secret}",
        "X-CSRFToken": csrf_secret,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    times: dict[str, list[float]] = {"scorer off": [], "scorer on": []}
    for turn in range(POSTS_ONE_AT_A_TIME // BLOCK):
        label = "scorer on" if turn % 2 else "scorer off"
        outcome = "in_use" if turn % 2 else "replaced"
        site.manage(TOGGLE.replace("MODEL", model).replace("OUTCOME", repr(outcome)))
        for n in range(BLOCK):
            body = f"body=One+at+a+time+{turn}+{n}+{secrets.token_hex(4)}"
            started = time.perf_counter()
            node.request("POST", f"/comments/on/{data['piece']}/", body=body, headers=headers)
            response = node.getresponse()
            response.read()
            times[label].append((time.perf_counter() - started) * 1000)
            if response.status != 302:
                sys.exit(f"a post one at a time answered {response.status}")
    node.close()
    site.manage(TOGGLE.replace("MODEL", model).replace("OUTCOME", repr("in_use")))
    figures = {}
    for label, values in times.items():
        values.sort()
        figures[label] = {
            "posts": len(values),
            "median_ms": round(statistics.median(values), 2),
            "p90_ms": round(values[int(len(values) * 0.9) - 1], 2),
        }
    return figures


def run_wrk(url: str, *, headers: dict | None = None, script: Path | None = None) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def latency(percentile: str) -> float:
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not found:
            sys.exit(f"Unexpected wrk output:\n{output}")
        value, unit = found.groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": socket_errors[1] if socket_errors else "",
    }


def approval_delays(site: stack.Stack, data: dict, csrf_secret: str) -> list[float]:
    """Seconds from a moderator's approval (sent to a node) to the page Varnish serves."""
    delays = []
    cookie = f"sessionid={data['moderator']}; csrftoken={csrf_secret}"
    for n, pk in enumerate(data["held"]):
        text = f"Approved {n}."
        for _ in range(3):  # held by Varnish before the change
            urllib.request.urlopen(site.url + NEWEST, timeout=10).read()
        node = http.client.HTTPConnection("127.0.0.1", site.node_ports[n % 2], timeout=10)
        started = time.monotonic()
        node.request(
            "POST",
            f"/moderation/{pk}/act/",
            body="action=approve&state=pending",
            headers={
                "Cookie": cookie,
                "X-CSRFToken": csrf_secret,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        if node.getresponse().status != 302:
            sys.exit(f"the moderator's approval of comment {pk} failed")
        node.close()
        while text not in urllib.request.urlopen(site.url + NEWEST, timeout=10).read().decode():
            if time.monotonic() - started > 10:
                break  # counted as 10 s: not visible
            time.sleep(0.01)
        delays.append(time.monotonic() - started)
    return delays


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    # A fresh database for each run, so that every run measures the same site.
    database_url = os.environ.get("DATABASE_URL") or stack.postgres_database(
        "meridian_bench", fresh=True
    )
    overrides = {
        "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex}",
        # The benchmark measures the cost of posting, not the per-reader limit.
        "COMMENTS_RATE_LIMIT": "1000000/m",
        "COMMENTS_DUPLICATE_WINDOW_SECONDS": "1",
    }
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    csrf_secret = secrets.token_hex(16)  # 32 characters, as Django's CSRF cookie
    with stack.Stack(
        port=PORT,
        database_url=database_url,
        redis_url=redis_url,
        env_overrides=overrides,
        workers_per_node=WORKERS,
    ) as site:
        data = prepare(site)
        signed_in = {"Cookie": f"sessionid={data['reader']}; csrftoken={csrf_secret}"}
        # Each request posts a different text, so none is taken for a double submit.
        post_script = DATA / "post.lua"
        post_script.write_text(
            f"""
counter = 0
headers = {{
  ["Cookie"] = "sessionid={data["poster"]}; csrftoken={csrf_secret}",
  ["X-CSRFToken"] = "{csrf_secret}",
  ["Content-Type"] = "application/x-www-form-urlencoded",
}}
request = function()
  counter = counter + 1
  local body = "body=Benchmark+comment+" .. counter .. "+" .. math.random(1, 1000000000)
  return wrk.format("POST", "/comments/on/{data["piece"]}/", headers, body)
end
"""
        )
        varnish, node = site.url, site.node_urls[0]
        scenarios = [
            ("static file, gunicorn (WhiteNoise)", node, data["static"], {}, None),
            ("static file, Varnish", varnish, data["static"], {}, None),
            ("article, anonymous, Varnish", varnish, PIECE, {}, None),
            ("article, anonymous, gunicorn alone", node, PIECE, {}, None),
            ("article, signed in", varnish, PIECE, signed_in, None),
            ("post a comment, scorer off", varnish, "/comments/", {}, post_script),
        ]
        for _, base, path, headers, script in scenarios:  # warm caches and workers
            for _ in range(0 if script else 4):
                request = urllib.request.Request(base + path, headers=headers)
                urllib.request.urlopen(request, timeout=10).read()
        results = []

        def measure(name: str, base: str, path: str, headers: dict, script) -> None:
            time.sleep(2)  # let the workers finish what the previous scenario queued
            figures = run_wrk(base + path, headers=headers, script=script)
            via = "varnish" if base == varnish else "node 1"
            results.append({"scenario": name, "via": via, "path": path, **figures})
            print(f"  {name:<36} {figures['requests_per_second']:>9.1f} req/s")

        for scenario in scenarios:
            measure(*scenario)
        # The scorer on: trained on generated decisions, and once more by the task worker.
        print(
            loopback.manage(site.env, "seed_decisions", SLUG, "--count", str(DECISIONS), "--force")
        )
        print(loopback.manage(site.env, "train_scorer"))
        measure("post a comment, scorer on", varnish, "/comments/", {}, post_script)
        one_at_a_time = posts_one_at_a_time(site, data, csrf_secret)
        scoring = json.loads(site.manage(SCORING_TIME).strip().splitlines()[-1])
        # The scheduled training, by the task worker, before its memory is read.
        print(loopback.manage(site.env, "train_scorer", "--schedule", "--no-train"))
        started = time.monotonic()
        while site.manage(TRAININGS).strip().splitlines()[-1] != "2":
            if time.monotonic() - started > 300:
                sys.exit("the task worker did not train within 5 minutes")
            time.sleep(2)
        time.sleep(2)
        delays = approval_delays(site, data, csrf_secret)
        memory = worker_memory(site)

    static_rps = results[0]["requests_per_second"]
    for row in results:
        row["ratio_to_static"] = round(row["requests_per_second"] / static_rps, 3)
    approval = {
        "trials": len(delays),
        "median_s": round(statistics.median(delays), 3),
        "max_s": round(max(delays), 3),
    }
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}",
        "database": database_url.split(":")[0],
        "cache": "redis" if redis_url else "database",
        "stack": f"Varnish in front of 2 gunicorn nodes of {WORKERS} sync workers each",
        "wrk": f"{THREADS} threads, {CONNECTIONS} connections, {SECONDS} s per scenario",
        "results": results,
        "approval_to_edge": approval,
        "posts_one_at_a_time": one_at_a_time,
        "scoring_one_comment": scoring,
        "workers": memory,
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"{report['machine']}; {report['database']} database, {report['cache']} cache;")
    print(f"{report['stack']}; wrk {report['wrk']}")
    print(
        f"{'scenario':<36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x static':>9}"
    )
    for row in results:
        print(
            f"{row['scenario']:<36} {row['requests_per_second']:>9.1f} {row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['errors']:>7} {row['ratio_to_static']:>9.2f}"
        )
    print(
        f"approval to the page Varnish serves, {approval['trials']} trials: "
        f"median {approval['median_s'] * 1000:.0f} ms, max {approval['max_s'] * 1000:.0f} ms"
    )
    for label, figures in one_at_a_time.items():
        print(
            f"{figures['posts']} posts one at a time to node 1, {label}: median "
            f"{figures['median_ms']:.2f} ms, p90 {figures['p90_ms']:.2f} ms"
        )
    print(
        f"the scorer, {scoring['comments']} comments: median {scoring['median_ms']:.3f} ms, "
        f"p99 {scoring['p99_ms']:.3f} ms a comment"
    )
    for worker in memory:
        rss, peak = worker["rss_mb"], worker["peak_mb"]
        where = (
            worker["node"] if worker["node"] == "task worker" else f"node {worker['node']} worker"
        )
        print(f"{where} {worker['pid']}: {rss:.0f} MB resident now, peak {peak:.0f} MB")
    print(f"written to {RESULTS.relative_to(ROOT) / 'latest.json'}")


if __name__ == "__main__":
    main()

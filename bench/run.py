"""`make bench`: the site under load, side by side with a static file through the same server.

Starts gunicorn (2 sync workers, production settings) on loopback against a benchmark
database with the launch piece and 1,000 generated comments, then runs wrk (2 threads,
16 connections, BENCH_SECONDS each, default 10) against: a static file, the article page
for an anonymous reader (cached) and for a signed-in one (rendered), home, FAQ, search,
and comment posting. Prints requests per second, p50, p99, errors and each page's ratio
to the static file, and the workers' peak memory; writes bench/results/latest.json.
Everything it starts, it stops; it sends traffic to 127.0.0.1 only.
"""

import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tools import loopback

ROOT = loopback.ROOT
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8089"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS, THREADS, WORKERS = 16, 2, 2
PIECE = "/articles/north-korea-southeast-asia-strategy/"

ENV = loopback.production_env(
    "bench",
    database_url=os.environ.get("DATABASE_URL", f"sqlite:///{DATA / 'bench.sqlite3'}"),
    # Production runs with Redis (README); BENCH_REDIS_URL= (empty) measures the database cache.
    REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
    # The benchmark measures the cost of posting, not the per-reader limit.
    COMMENTS_RATE_LIMIT="1000000/m",
    COMMENTS_DUPLICATE_WINDOW_SECONDS="1",
)

# Two readers, each signed in with a session: one reads (and has recommended three comments
# on the first page, so their page carries marks of their own), the other posts.
SETUP_SESSIONS = (
    loopback.SIGNED_IN
    + """
from articles.models import Article
from comments import services
from comments.models import Comment
piece = Article.objects.get(slug=SLUG)
reader, reader_session = signed_in("bench-reader@seed.invalid", "Bench reader")
first_page = Comment.objects.filter(target=piece, parent=None, state="approved")
for comment in first_page.order_by("created_at", "id")[:3]:
    services.recommend_comment(comment=comment, user=reader)
poster, poster_session = signed_in("bench-poster@seed.invalid", "Bench poster")
print(reader_session, poster_session)
"""
)


def manage(*args: str) -> str:
    return loopback.manage(ENV, *args)


def prepare() -> tuple[str, str, str]:
    """A fresh benchmark database (SQLite), so that every run measures the same site."""
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if ENV["DATABASE_URL"].startswith("sqlite:///"):
        for leftover in DATA.glob("bench.sqlite3*"):
            leftover.unlink()
    loopback.prepare_site(ENV)
    slug = PIECE.split("/")[2]
    print(manage("seed_discussion", slug, "--comments", "1000", "--force").strip())
    setup = SETUP_SESSIONS.replace("SLUG", repr(slug))
    reader_session, poster_session = manage("shell", "-c", setup).strip().splitlines()[-1].split()
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return reader_session, poster_session, "/static/" + manifest["paths"]["css/site.css"]


def worker_memory(server: subprocess.Popen) -> list[dict]:
    workers = []
    for pid in loopback.worker_pids(server):
        status = Path(f"/proc/{pid}/status").read_text()
        fields = dict(re.findall(r"^(Vm\w+):\s+(\d+) kB", status, re.M))
        workers.append(
            {
                "pid": int(pid),
                "rss_mb": int(fields["VmRSS"]) / 1024,
                "peak_mb": int(fields["VmHWM"]) / 1024,
            }
        )
    return workers


def lua_script(name: str, body: str) -> Path:
    path = DATA / f"{name}.lua"
    path.write_text(body)
    return path


def run_wrk(path: str, *, headers: dict | None = None, script: Path | None = None) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, BASE + path], capture_output=True, text=True, check=True
    ).stdout

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


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    reader_session, poster_session, static_path = prepare()
    csrf_secret = secrets.token_hex(16)  # 32 characters, as Django's CSRF cookie
    signed_in = {"Cookie": f"sessionid={reader_session}; csrftoken={csrf_secret}"}
    slug = PIECE.split("/")[2]
    target_id = manage(
        "shell",
        "-c",
        f"from articles.models import Article as A; print(A.objects.get(slug={slug!r}).pk)",
    ).split()[-1]
    # Each request posts a different text, so none is taken for a double submit.
    post_script = lua_script(
        "post",
        f"""
counter = 0
headers = {{
  ["Cookie"] = "sessionid={poster_session}; csrftoken={csrf_secret}",
  ["X-CSRFToken"] = "{csrf_secret}",
  ["Content-Type"] = "application/x-www-form-urlencoded",
}}
request = function()
  counter = counter + 1
  local body = "body=Benchmark+comment+" .. counter .. "+" .. math.random(1, 1000000000)
  return wrk.format("POST", "/comments/on/{target_id}/", headers, body)
end
""",
    )

    server = loopback.start_gunicorn(ENV, port=PORT, workers=WORKERS)
    try:
        scenarios = [
            ("static file", static_path, {}, None),
            ("article, anonymous (cached)", PIECE, {}, None),
            ("article, signed in (rendered)", PIECE, signed_in, None),
            ("home", "/", {}, None),
            ("faq", "/faq/", {}, None),
            ("search", "/search/?q=sanctions+laos", {}, None),
            ("post a comment", "/comments/", {}, post_script),
        ]
        for _, path, headers, _script in scenarios[:-1]:  # warm caches and workers
            for _ in range(4):
                request = urllib.request.Request(BASE + path, headers=headers)
                urllib.request.urlopen(request, timeout=10).read()
        results = []
        for name, path, headers, script in scenarios:
            time.sleep(2)  # let the workers finish what the previous scenario queued
            figures = run_wrk(path, headers=headers, script=script)
            results.append({"scenario": name, "path": path, **figures})
            print(f"  {name:<32} {figures['requests_per_second']:>9.1f} req/s")
        memory = worker_memory(server)
    finally:
        loopback.stop(server)

    static_rps = results[0]["requests_per_second"]
    for row in results:
        row["ratio_to_static"] = round(row["requests_per_second"] / static_rps, 3)
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}",
        "database": ENV["DATABASE_URL"].split(":")[0],
        "cache": "redis" if ENV["REDIS_URL"] else "database",
        "gunicorn": f"{WORKERS} sync workers",
        "wrk": f"{THREADS} threads, {CONNECTIONS} connections, {SECONDS} s per scenario",
        "results": results,
        "workers": memory,
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"{report['machine']}; {report['database']} database, {report['cache']} cache;")
    print(f"gunicorn {report['gunicorn']}; wrk {report['wrk']}")
    print(
        f"{'scenario':<32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x static':>9}"
    )
    for row in results:
        print(
            f"{row['scenario']:<32} {row['requests_per_second']:>9.1f} {row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['errors']:>7} {row['ratio_to_static']:>9.2f}"
        )
    for worker in memory:
        rss, peak = worker["rss_mb"], worker["peak_mb"]
        print(f"worker {worker['pid']}: {rss:.0f} MB resident now, peak {peak:.0f} MB")
    print(f"written to {RESULTS.relative_to(ROOT) / 'latest.json'}")


if __name__ == "__main__":
    main()

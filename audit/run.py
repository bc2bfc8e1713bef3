"""`make audit`: Lighthouse's four category scores for the article page, mobile and desktop.

Builds the site as production does (DEBUG off, collectstatic with hashed, compressed
files, gunicorn) on loopback against its own SQLite database with the launch content,
then runs Lighthouse 12.2.3 (node_modules, from package-lock.json) in Debian's Chromium
(CHROME_PATH, default /usr/bin/chromium) once with the mobile settings and once with the
desktop preset. Prints performance, accessibility, best practices and SEO for each; writes
audit/results.json and the full reports to audit/reports/. Everything it starts, it stops.

AUDIT_PAGES="/ /faq/" audits other pages as well (the article is always audited).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tools import loopback

ROOT = loopback.ROOT
HERE = ROOT / "audit"
DATA = HERE / ".data"
REPORTS = HERE / "reports"
RESULTS = HERE / "results.json"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
ARTICLE = "/articles/north-korea-southeast-asia-strategy/"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("AUDIT_PORT", "0")) or free_port()
BASE = f"http://127.0.0.1:{PORT}"
ENV = loopback.production_env(
    "audit",
    database_url=f"sqlite:///{DATA / 'audit.sqlite3'}",
    CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
)


def prepare() -> None:
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci` (make audit does).")
    if not Path(ENV["CHROME_PATH"]).exists():
        sys.exit(f"No Chromium at {ENV['CHROME_PATH']}: apt-get install -y chromium")
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    REPORTS.mkdir(parents=True, exist_ok=True)
    loopback.prepare_site(ENV)


def lighthouse(path: str, form_factor: str) -> dict:
    name = (path.strip("/").split("/")[-1] or "home") + f"-{form_factor}"
    output = REPORTS / name
    command = [
        str(LIGHTHOUSE),
        BASE + path,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    result = subprocess.run(  # noqa: S603 - the pinned Lighthouse, on loopback
        command, cwd=ROOT, env=ENV, capture_output=True, text=True, check=False
    )
    report_path = output.with_name(output.name + ".report.json")
    if result.returncode or not report_path.exists():
        sys.exit(f"lighthouse failed for {path} ({form_factor}):\n{result.stderr[-3000:]}")
    report = json.loads(report_path.read_text())
    scores = {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}
    audits = report["audits"]
    below = {
        key: sorted(
            ref["id"]
            for ref in report["categories"][key]["auditRefs"]
            if ref["weight"] and audits[ref["id"]].get("score") not in (None, 1)
        )
        for key in CATEGORIES
        if scores[key] < 100
    }
    metrics = {
        audit_id: audits[audit_id]["displayValue"]
        for audit_id in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
        )
        if audit_id in audits
    }
    return {"scores": scores, "below_full_marks": below, "metrics": metrics}


def main() -> None:
    prepare()
    server = loopback.start_gunicorn(ENV, port=PORT)
    pages = [ARTICLE] + [p for p in os.environ.get("AUDIT_PAGES", "").split() if p != ARTICLE]
    results = {}
    try:
        for path in pages:
            for form_factor in ("mobile", "desktop"):
                results.setdefault(path, {})[form_factor] = lighthouse(path, form_factor)
    finally:
        loopback.stop(server)
    version = json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text())
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "lighthouse": version["version"],
                "server": "gunicorn, 2 workers, DEBUG off, SQLite, launch content",
                "pages": results,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    width = max(len(p) for p in pages) + 10
    print(f"{'page':<{width}} " + " ".join(f"{c:>14}" for c in CATEGORIES))
    for path, by_form in results.items():
        for form_factor, result in by_form.items():
            s = result["scores"]
            label = f"{path} ({form_factor})"
            print(f"{label:<{width}} " + " ".join(f"{s[c]:>14}" for c in CATEGORIES))
            for category, audits in result["below_full_marks"].items():
                print(f"    {category}: below full marks: {', '.join(audits) or '(rounding)'}")
    print(f"Reports: {REPORTS.relative_to(ROOT)}/; summary: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

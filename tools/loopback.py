"""The site with production settings on 127.0.0.1, for `make bench`, `make soak` and
`make audit`: the environment, `manage.py`, and a gunicorn that is up when it returns.

Plain HTTP on loopback: in production a TLS proxy sits in front, so the HTTPS redirect and
HSTS are off here and everything else is as deployed. Nothing here sends traffic anywhere
but 127.0.0.1.
"""

import fcntl
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(name: str, *, database_url: str, **overrides: str) -> dict[str, str]:
    """This process's environment without its Django settings, plus production ones."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COMMENTS_", "DATABASE_URL", "REDIS_URL"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "site_config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": f"{name}-{secrets.token_hex(24)}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "SITE_URL": "http://127.0.0.1",  # links in mail; required in production
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        **overrides,
    }


# Python for `manage.py shell -c`, put before a script that needs readers who are signed
# in: `signed_in(email, name, **fields)` returns a reader with a verified address (made if
# missing) and the key of a live session of theirs, to send as the `sessionid` cookie.
SIGNED_IN = """
from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

def signed_in(email, name, **fields):
    User = get_user_model()
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        username=email.split("@")[0], email=email, display_name=name, **fields
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return user, session.session_key
"""


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    """Run `manage.py args` and return what it printed; stop the run if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)[:80]} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_site(env: dict[str, str]) -> None:
    """Static files, schema (the cache table with it) and the launch content, as a release
    does. Sites prepared at once (tests in parallel) take turns at collectstatic: they all
    write the project's one STATIC_ROOT."""
    with (Path(tempfile.gettempdir()) / "meridian-collectstatic.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_launch_content")


def start_gunicorn(
    env: dict[str, str],
    *,
    port: int,
    workers: int = 2,
    options: tuple[str, ...] = (),
    log: Path | None = None,
) -> subprocess.Popen:
    """Start gunicorn in its own process group and wait until /healthz answers 200."""
    output = log.open("a") if log else None  # a node started again keeps its old log
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "site_config.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    stop(server)
    sys.exit("gunicorn did not answer on /healthz" + (f"; see {log}" if log else ""))


def worker_pids(server: subprocess.Popen) -> list[int]:
    path = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def stop(server: subprocess.Popen, timeout: int = 30) -> None:
    """Stop gunicorn and its workers: politely, then not."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)

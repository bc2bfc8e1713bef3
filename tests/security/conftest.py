"""Security fixtures: every role of the site, and production processes (the comment and
FAQ fixtures are the root conftest's)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from comments.models import Comment
from moderation import sanctions

State = Comment.State


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here reads or writes the database."""


@pytest.fixture
def superuser(make_user):
    return make_user(
        "root@example.com", is_staff=True, is_superuser=True, display_name="Site Admin"
    )


@pytest.fixture
def suspended_reader(make_user, moderator):
    user = make_user("suspended@example.com", display_name="Suspended Reader")
    sanctions.suspend_commenter(
        user=user, moderator=moderator, days=7, reason="Cooling off after a flame war."
    )
    return user


def signed_in(client_class, user):
    client = client_class()
    if user is not None:
        client.force_login(user)
    return client


# Production processes --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "production-secret-for-tests-" + "s" * 40


def run_python(code: str, *, env: dict[str, str], timeout: int = 120):
    """Run `code` in a fresh interpreter in the project, with only `env` for Django."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "COMMENTS_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def production_env(database: Path, **extra: str) -> dict[str, str]:
    """Production settings, as a deployment sets them (HTTPS on, DEBUG off)."""
    return {
        "DJANGO_SETTINGS_MODULE": "tests.security.production_settings",
        "DJANGO_SECRET_KEY": PRODUCTION_SECRET,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "SITE_URL": "https://example.org",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_LOG_LEVEL": "ERROR",
        **extra,
    }


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite file with every migration applied, made once; copy it before writing."""
    database = tmp_path_factory.mktemp("sqlite") / "migrated.sqlite3"
    code = (
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('migrate', verbosity=0)"  # the cache table with it
    )
    result = run_python(code, env=production_env(database))
    assert result.returncode == 0, result.stderr[-3000:]
    return database


@pytest.fixture
def fresh_sqlite(migrated_sqlite, tmp_path) -> Path:
    copy = tmp_path / "site.sqlite3"
    shutil.copyfile(migrated_sqlite, copy)
    return copy

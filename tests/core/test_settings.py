"""Settings read from the environment, and refuse to run production without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    clean["DJANGO_SETTINGS_MODULE"] = "site_config.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_stops_with_one_clear_line():
    result = run(["manage.py", "check"])
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "ImproperlyConfigured: DJANGO_SECRET_KEY is not set: production settings need a secret "
        "key (or set DJANGO_DEBUG=1 for local development)."
    ]


def test_debug_runs_without_a_secret_key():
    result = run(["manage.py", "check"], DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_with_production_variables_is_clean():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY="k" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_site_url_fails_its_checks_naming_it():
    result = run(
        ["manage.py", "check"],
        DJANGO_SECRET_KEY="k" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode != 0
    assert "(core.E001) SITE_URL is not set" in result.stderr


def test_settings_can_be_extended_by_star_import(tmp_path):
    module = tmp_path / "local_settings.py"
    module.write_text("from site_config.settings import *\nSITE_NAME = 'Overridden'\n")
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.SITE_NAME, settings.DEBUG)"
    )
    result = run(
        ["-c", code],
        DJANGO_SETTINGS_MODULE="local_settings",
        DJANGO_DEBUG="1",
        PYTHONPATH=f"{tmp_path}:{ROOT}",
    )
    assert result.stdout.strip() == "Overridden True", result.stderr


def test_migrate_alone_makes_the_cache_table(tmp_path):
    database = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    migrated = run(["manage.py", "migrate", "--no-input"], DJANGO_DEBUG="1", DATABASE_URL=database)
    assert migrated.returncode == 0, migrated.stderr
    code = (
        "import django; django.setup(); from django.core.cache import cache;"
        "cache.set('k', 'v'); print(cache.get('k'))"
    )
    result = run(["-c", code], DJANGO_DEBUG="1", DATABASE_URL=database)
    assert result.stdout.strip() == "v", result.stderr


def test_migrate_alone_leaves_a_working_site(tmp_path):
    """No other step (no createcachetable): the launch content loads, the piece, sign-in
    and a sign-in attempt (its rate limit is in the database cache) answer."""
    database = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    migrated = run(["manage.py", "migrate", "--no-input"], DJANGO_DEBUG="1", DATABASE_URL=database)
    assert migrated.returncode == 0, migrated.stderr
    loaded = run(["manage.py", "load_launch_content"], DJANGO_DEBUG="1", DATABASE_URL=database)
    assert loaded.returncode == 0, loaded.stderr
    code = (
        "import django; django.setup(); from django.test import Client;"
        "from articles.models import Article; c = Client(HTTP_HOST='localhost');"
        "piece = Article.objects.published().first();"
        "print(c.get(piece.get_absolute_url()).status_code, c.get('/accounts/login/').status_code,"
        " c.post('/accounts/login/', {'login': 'a@example.org', 'password': 'wrong-pass'})"
        ".status_code)"
    )
    result = run(["-c", code], DJANGO_DEBUG="1", DATABASE_URL=database)
    assert result.stdout.split() == ["200", "200", "200"], result.stderr[-2000:]


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA busy_timeout').fetchone()[0])"
    )
    result = run(
        ["-c", code], DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{ROOT}/.pytest-wal.sqlite3"
    )
    for leftover in ROOT.glob(".pytest-wal.sqlite3*"):
        leftover.unlink()
    assert result.stdout.split() == ["wal", "20000"], result.stderr


def test_the_migrations_match_the_models():
    """A model changed without its migration would leave the schema behind on deploy
    (.ci/run checks the same before the suite)."""
    done = run(["manage.py", "makemigrations", "--check", "--dry-run"], DJANGO_DEBUG="1")
    assert done.returncode == 0, done.stdout + done.stderr

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_200_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "up"


def healthz_elsewhere(database_url: str) -> tuple[int, dict]:
    """/healthz answered by a process of its own on `database_url`: a real failure, no mock."""
    code = (
        "import django, json; django.setup(); from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, json.dumps(r.json()))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env
        | {"DJANGO_SETTINGS_MODULE": "site_config.test_settings", "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, _, answer = result.stdout.strip().partition(" ")
    assert status, result.stderr[-2000:]
    return int(status), json.loads(answer)


@pytest.mark.parametrize(
    "database_url",
    ["sqlite:////nonexistent-directory/db.sqlite3", "postgres://nobody@127.0.0.1:1/nothing"],
)
def test_healthz_is_503_when_the_database_does_not_answer(database_url):
    status, answer = healthz_elsewhere(database_url)
    assert (status, answer["database"]) == (503, "down")


def test_healthz_is_503_naming_tasks_when_the_queue_table_is_missing(tmp_path):
    """A database that answers but has no task table (not migrated)."""
    status, answer = healthz_elsewhere(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert (status, answer["database"], answer["tasks"]) == (503, "up", "down")


def test_robots_txt_names_the_sitemap(client):
    response = client.get(reverse("robots"))
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()

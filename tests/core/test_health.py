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


@pytest.mark.parametrize(
    "database_url",
    ["sqlite:////nonexistent-directory/db.sqlite3", "postgres://nobody@127.0.0.1:1/nothing"],
)
def test_healthz_is_503_when_the_database_does_not_answer(database_url):
    """A real unreachable database, in a separate process: no mock of the failure."""
    code = (
        "import django; django.setup(); from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.json()['database'])"
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
    assert result.stdout.split() == ["503", "down"], result.stderr[-2000:]


def test_robots_txt_names_the_sitemap(client):
    response = client.get(reverse("robots"))
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()

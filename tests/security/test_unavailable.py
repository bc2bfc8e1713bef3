"""When the database is down: a friendly 503 (never a 500), /healthz 503, and recovery by
itself once it is back. Real outages in separate processes, no mock of the failure."""

import json
import sys

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError
from django.test import RequestFactory

from core.middleware import DatabaseUnavailableMiddleware
from core.views import server_error

from .conftest import run_python

OUTAGE = r"""
import django, json, os, sys
django.setup()
from django.db import close_old_connections
from django.test import Client

def answers(client):
    out = {}
    for url in ("/", "/healthz", "/faq/", "/articles/some-piece/", "/accounts/login/"):
        r = client.get(url)
        close_old_connections()  # as a server does after each request (the test client doesn't)
        has_csp = r.headers.get("Content-Security-Policy") is not None
        out[url] = [r.status_code, r.headers.get("Retry-After"), has_csp, r.content.decode()[:3000]]
    r = client.post("/comments/on/1/", {"body": "Hello"})
    close_old_connections()
    out["post"] = [r.status_code, r.headers.get("Retry-After"), True, r.content.decode()[:3000]]
    return out

result = {}
client = Client()
if os.environ.get("OUTAGE_MOVE"):
    here, away = os.environ["OUTAGE_MOVE"].split(":")
    result["before"] = answers(client)
    os.rename(here, away)
    result["during"] = answers(client)
    os.rename(away, here)
    result["after"] = answers(client)
else:
    result["during"] = answers(client)
print(json.dumps(result))
"""

FRIENDLY = "We’ll be back in a moment"


def _run(env: dict) -> dict:
    result = run_python(OUTAGE, env={"DJANGO_SETTINGS_MODULE": "site_config.test_settings", **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# Pages that need nothing from the database (an anonymous visitor's sign-in form) still work.
NEEDS_NO_DATABASE = {"/accounts/login/"}


def _assert_unavailable(answers: dict) -> None:
    for url, (status, retry_after, has_csp, body) in answers.items():
        if url in NEEDS_NO_DATABASE and status == 200:
            continue
        assert status == 503, (url, status, body[:500])
        if url == "/healthz":
            # The task queue is a table in that database: down with it.
            assert json.loads(body) == {
                "status": "unavailable",
                "database": "down",
                "cache": "down",  # the `default` cache is a table in that database
                "tasks": "down",
            }
            continue
        assert retry_after == "30", url
        assert has_csp, url
        assert FRIENDLY in body, url
        assert "Traceback" not in body
        assert "OperationalError" not in body


@pytest.mark.parametrize(
    "database_url",
    ["postgres://nobody@127.0.0.1:1/nothing", "sqlite:////nonexistent-directory/db.sqlite3"],
)
def test_pages_answer_a_friendly_503_while_the_database_is_unreachable(database_url):
    _assert_unavailable(_run({"DATABASE_URL": database_url})["during"])


def test_the_site_recovers_by_itself_when_the_database_comes_back(fresh_sqlite):
    folder = fresh_sqlite.parent
    away = folder.with_name(folder.name + "-away")
    out = _run(
        {
            "DATABASE_URL": f"sqlite:///{fresh_sqlite}",
            "DATABASE_CONN_MAX_AGE": "0",
            "OUTAGE_MOVE": f"{folder}:{away}",
        }
    )
    for phase in ("before", "after"):
        assert out[phase]["/"][0] == 200, phase
        assert out[phase]["/healthz"][0] == 200, phase
        assert out[phase]["/articles/some-piece/"][0] == 404, phase
    _assert_unavailable(out["during"])


# The pieces, in this process -----------------------------------------------------------


@pytest.mark.parametrize("error", [OperationalError("gone"), InterfaceError("closed")])
def test_the_middleware_turns_database_outages_into_503(error):
    request = RequestFactory().get("/")
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    response = middleware.process_exception(request, error)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert FRIENDLY in response.content.decode()


@pytest.mark.parametrize("error", [ValueError("bug"), DatabaseError("integrity or so")])
def test_other_errors_stay_errors(error):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/"), error) is None


def test_the_500_handler_answers_503_for_an_outage_raised_outside_a_view():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("the session could not be saved")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500

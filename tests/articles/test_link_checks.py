"""External links are checked on demand, by the task worker, against a real HTTP server the
test starts on loopback (200, 404, a redirect to a non-web address, HEAD refused, silence):
the editor's request only queues the check, and the change form shows the answers."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.messages import get_messages
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles import link_checks
from articles.models import LinkCheck
from tests.worker import run_worker

seen_agents: list[str] = []


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        seen_agents.append(self.headers["User-Agent"])
        if self.path == "/no-head":
            self.send_response(405)
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
        else:
            self.send_response(200 if self.path == "/fine" else 404)
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path in ("/fine", "/no-head") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web(settings):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = True  # the test's server is on loopback
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def silent(settings):
    """An address that takes the connection and never answers."""
    settings.LINK_CHECK_PRIVATE_ADDRESSES = True
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow"


@pytest.mark.django_db
def test_each_answer_is_what_a_reader_following_the_link_would_get(settings, web, silent):
    settings.LINK_CHECK_TIMEOUT_SECONDS = 0.5
    assert link_checks.answer_of(url=f"{web}/fine") == (200, "")
    assert link_checks.answer_of(url=f"{web}/gone") == (404, "")
    assert link_checks.answer_of(url=f"{web}/no-head") == (200, "")  # GET after HEAD's 405
    status, error = link_checks.answer_of(url=f"{web}/to-file")
    assert status is None
    assert "non-web address" in error
    status, error = link_checks.answer_of(url=silent)
    assert status is None
    assert "timed out" in error
    assert link_checks.answer_of(url="http://[not a host/")[0] is None
    assert set(seen_agents) == {settings.LINK_CHECK_USER_AGENT}


@pytest.mark.django_db
def test_addresses_of_private_networks_are_never_asked(settings, web):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = False  # as deployed
    agents_before = len(seen_agents)
    for url in (f"{web}/fine", "http://localhost:9/", "http://10.0.0.1/", "http://[::1]/"):
        assert link_checks.answer_of(url=url) == (None, "not a public address")
    assert len(seen_agents) == agents_before  # the server was never reached


@pytest.mark.django_db(transaction=True)  # the worker: see tests/worker.py
def test_an_editor_asks_and_the_worker_checks_while_the_request_only_queues(
    client, settings, editor, make_article, web, admin_post
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    piece = make_article(
        body=f"See [this]({web}/fine), [that]({web}/gone) and [our guide](/articles/x/)."
    )
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[piece.pk])
    assert "2 external links not checked yet." in client.get(url).content.decode()

    response = admin_post(client, url, _continue=link_checks_button(client, url))
    assert response.status_code == 302
    assert response.url == url
    assert LinkCheck.objects.count() == 0  # nothing asked in the request
    (queued,) = DBTaskResult.objects.filter(task_path="articles.link_checks.check_external_links")
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Checking the 2 external links in the background" in m for m in shown)

    run_worker()
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert {(c.url, c.status_code) for c in LinkCheck.objects.all()} == {
        (f"{web}/fine", 200),
        (f"{web}/gone", 404),
    }
    html = client.get(url).content.decode()
    assert "2 checked, 1 does not answer:" in html
    assert f"{web}/gone</a> (404, " in html

    # A link taken out of the body is no longer reported.
    admin_post(client, url, body=f"Only [this]({web}/fine) now.", change_kind="typo", _continue="1")
    assert "1 checked, all answer." in client.get(url).content.decode()


def link_checks_button(client, url: str) -> str:
    """The value of the change form's "Save and check external links" button."""
    html = client.get(url).content.decode()
    assert 'name="_continue" value="check-links">Save and check external links' in html
    return "check-links"

"""Background work on the real queue: django-tasks-db and its worker, `manage.py db_worker`.

The end-to-end tests run the site as deployed, in processes of its own on loopback: a
gunicorn that takes the reader's request and a worker that sends the mail, sharing an
SQLite file database made for the test (the test's own database may be in memory, which
no other process can open). Mail goes to a real SMTP listener in the test
(tools/smtp_sink.py). The request's process is pointed at an SMTP server that accepts
connections and never answers: had the request sent the mail itself, it would have waited
the mailer's 10 s timeout.

The other tests run in this process: with the ImmediateBackend of the test settings, or
with the database backend and the worker run here in batch mode.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import posting
from core import tasks
from tests.worker import DATABASE_BACKEND, run_worker
from tools import loopback
from tools.smtp_sink import Sink

ROOT = Path(__file__).resolve().parents[2]
REPLY_TASK = "comments.notifications.send_reply_notification"

SETUP = (
    loopback.SIGNED_IN
    + """
from django.utils import timezone
from articles.models import Article
from comments import posting
piece = Article.objects.create(
    title="Queues", slug="queues", standfirst="On queues.", body="Body.",
    status=Article.Status.PUBLISHED, publish_at=timezone.now(),
)
author, _ = signed_in("author@example.org", "Original Author", notify_on_reply=True)
original = posting.post_comment(target=piece, author=author, body="The original.").comment
assert original.state == "approved", original.state
replier, session_key = signed_in("replier@example.org", "Second Voice")
print(original.pk, session_key)
"""
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _silent_smtp():
    """An SMTP server that takes the connection and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@dataclass
class Site:
    env: dict[str, str]
    database: Path
    port: int
    original_pk: int
    session_key: str
    logs: Path

    def post(self, path: str, data: dict[str, str]) -> tuple[int, float]:
        """POST as the signed-in replier, with a CSRF token as a browser sends it; the
        status (redirects not followed) and the seconds the answer took."""
        token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode(),
            headers={"Cookie": f"sessionid={self.session_key}; csrftoken={token}"},
        )
        opener = urllib.request.build_opener(NoRedirects)
        started = time.monotonic()
        try:
            with opener.open(request, timeout=30) as answer:
                status = answer.status
        except urllib.error.HTTPError as answer:
            status = answer.code
        return status, time.monotonic() - started

    def reply(self, body: str) -> tuple[int, float]:
        return self.post(f"/comments/{self.original_pk}/reply/", {"body": body})

    def task_rows(self, task_path: str) -> list[tuple[str, dict]]:
        """(status, kwargs) of every row of the task, oldest first."""
        with sqlite3.connect(self.database) as db:
            rows = db.execute(
                "SELECT status, args_kwargs FROM django_tasks_database_dbtaskresult"
                " WHERE task_path = ? ORDER BY enqueued_at",
                (task_path,),
            ).fetchall()
        return [(status, json.loads(args)["kwargs"]) for status, args in rows]

    @contextmanager
    def worker(self, **env: str):
        """`manage.py db_worker`, as deployed, with mail going where `env` says."""
        log = self.logs / f"worker-{len(list(self.logs.iterdir()))}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval=0.1",
                    "--no-startup-delay",
                ],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            yield log
        finally:
            os.killpg(process.pid, signal.SIGTERM)  # a graceful stop: the current task ends
            process.wait(timeout=30)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _smtp_env(port: int) -> dict[str, str]:
    return {
        "DJANGO_MAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_SMTP_HOST": "127.0.0.1",
        "DJANGO_SMTP_PORT": str(port),
        "DJANGO_SMTP_TLS": "0",
    }


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout} s for {what}")


# One worker migrates the module's database once (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("tasks")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A database with every migration applied, made once for the module; copied per test."""
    database = tmp_path_factory.mktemp("tasks") / "migrated.sqlite3"
    env = loopback.production_env("tasks", database_url=f"sqlite:///{database}")
    loopback.manage(env, "migrate", "--no-input", "-v", "0")  # makes the cache table too
    return database


@pytest.fixture
def site(tmp_path, migrated):
    """The site on a database of its own, its gunicorn's mail pointed at a silent server."""
    database = tmp_path / "site.sqlite3"
    shutil.copyfile(migrated, database)
    logs = tmp_path / "logs"
    logs.mkdir()
    env = loopback.production_env(
        "tasks",
        database_url=f"sqlite:///{database}",
        COMMENTS_DEFAULT_POLICY="post_moderate",  # published at once: the reply is mailed
        COMMENTS_HOLD_FIRST_N="0",
        COMMENTS_MODERATOR_MAIL="off",
        TASKS_RETRY_DELAY_SECONDS="0.25",  # then 0.5, 1, 2 s
        TASKS_MAX_ATTEMPTS="5",
    )
    original_pk, session_key = loopback.manage(env, "shell", "-c", SETUP).split()[-2:]
    port = _free_port()
    with _silent_smtp() as silent_port:
        server = loopback.start_gunicorn(
            {**env, **_smtp_env(silent_port)}, port=port, workers=1, log=logs / "gunicorn.log"
        )
        try:
            yield Site(env, database, port, int(original_pk), session_key, logs)
        finally:
            loopback.stop(server)


def test_the_worker_sends_the_mail_a_request_only_enqueued(site):
    sink = Sink(_free_port()).start()
    try:
        with site.worker(**_smtp_env(sink.port)):
            status, seconds = site.reply("A reply, mailed by the worker.")
            assert status == 302
            assert seconds < 5  # the mailer there would have waited 10 s
            _wait_for(lambda: sink.messages, 30, "the reply notification")

            # allauth's mail takes the same way: a password reset, asked for over HTTP.
            status, _ = site.post("/accounts/password/reset/", {"email": "author@example.org"})
            assert status == 302
            _wait_for(lambda: len(sink.messages) == 2, 30, "the password reset mail")
    finally:
        sink.stop()

    notification, reset = (received.message for received in sink.messages)
    assert [received.recipients for received in sink.messages] == [
        ["author@example.org"],
        ["author@example.org"],
    ]
    assert "Second Voice replied" in notification["Subject"]
    assert "A reply, mailed by the worker." in notification.get_content()
    # Links start with SITE_URL (tools/loopback.py), never with the request's host and port.
    site_url = site.env["SITE_URL"]
    assert f"{site_url}/" in notification.get_content()
    assert f":{site.port}" not in notification.get_content()
    assert reset["Subject"].startswith("[Meridian] ")
    assert f"{site_url}/accounts/password/reset/key/" in reset.get_content()
    assert f":{site.port}" not in reset.get_content()
    assert [status for status, _ in site.task_rows(REPLY_TASK)] == ["SUCCESSFUL"]
    # The reset: found and made by the worker, sent by another task, as every mail is.
    assert [s for s, _ in site.task_rows("accounts.tasks.mail_password_reset")] == ["SUCCESSFUL"]
    assert [status for status, _ in site.task_rows("core.tasks.send_email")] == ["SUCCESSFUL"]


def test_with_smtp_down_the_request_is_fast_and_the_mail_is_sent_once_it_is_back(site):
    smtp_port = _free_port()  # nothing listens there yet: connections are refused
    with site.worker(**_smtp_env(smtp_port)) as log:
        status, seconds = site.reply("Posted while the mail server is down.")
        assert status == 302
        assert seconds < 5

        def failed_twice():
            return [s for s, _ in site.task_rows(REPLY_TASK)].count("FAILED") >= 2

        _wait_for(failed_twice, 30, "two failed attempts")
        sink = Sink(smtp_port).start()  # the mail server is back
        try:
            _wait_for(lambda: sink.messages, 30, "the mail, once SMTP is back")
            time.sleep(2.5)  # longer than any retry still to come would wait (2 s at most)
        finally:
            sink.stop()

    assert len(sink.messages) == 1  # sent once: a successful attempt is never repeated
    assert "Posted while the mail server is down." in sink.messages[0].message.get_content()
    rows = site.task_rows(REPLY_TASK)
    statuses = [status for status, _ in rows]
    assert statuses[-1] == "SUCCESSFUL"
    assert set(statuses[:-1]) == {"FAILED"}
    assert [kwargs.get("attempt", 1) for _, kwargs in rows] == list(range(1, len(rows) + 1))
    assert "attempt 1 of 5" in log.read_text()


def test_retries_are_bounded_and_the_last_failure_is_logged(site):
    with site.worker(**_smtp_env(_free_port()), TASKS_MAX_ATTEMPTS="3") as log:
        status, _ = site.reply("Nobody will ever receive this.")
        assert status == 302

        def given_up():
            rows = site.task_rows(REPLY_TASK)
            return len(rows) == 3 and all(status == "FAILED" for status, _ in rows)

        _wait_for(given_up, 30, "three failed attempts")
        time.sleep(1.5)  # a fourth attempt would be due within 1 s: there is none
    rows = site.task_rows(REPLY_TASK)
    assert [status for status, _ in rows] == ["FAILED"] * 3
    text = log.read_text()
    assert f"Task {REPLY_TASK} failed for good after 3 attempts" in text
    assert "ConnectionRefusedError" in text  # why, for whoever reads the log


# In this process ---------------------------------------------------------------------


@pytest.fixture
def database_queue(settings):
    """The database backend, as deployed, instead of the test settings' ImmediateBackend."""
    settings.TASKS = DATABASE_BACKEND


def test_a_message_goes_through_the_queue_as_it_was_made(mailoutbox):
    message = EmailMultiAlternatives(
        "Subject", "Text body", "Site <site@example.org>", ["to@example.org"],
        cc=["cc@example.org"], reply_to=["reply@example.org"], headers={"X-Kind": "test"},
    )  # fmt: skip
    message.attach_alternative("<p>HTML body</p>", "text/html")
    data = tasks.message_data(message)
    assert json.loads(json.dumps(data)) == data  # only JSON reaches the queue
    tasks.send_email.enqueue(data)
    (sent,) = mailoutbox
    assert (sent.subject, sent.body, sent.from_email) == (
        "Subject",
        "Text body",
        "Site <site@example.org>",
    )
    assert (sent.to, sent.cc, sent.reply_to) == (
        ["to@example.org"],
        ["cc@example.org"],
        ["reply@example.org"],
    )
    assert sent.alternatives == [("<p>HTML body</p>", "text/html")]
    assert sent.extra_headers["X-Kind"] == "test"
    assert sent.extra_headers["Message-ID"] == data["headers"]["Message-ID"]


@pytest.mark.django_db(transaction=True)  # the worker: see tests/worker.py
def test_a_sign_up_mail_is_sent_by_the_worker_not_the_request(client, database_queue, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "New Reader",
            "email": "new@example.org",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert mailoutbox == []  # the request only enqueued it
    (queued,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert queued.task_path == "core.tasks.send_email"
    assert queued.args_kwargs["args"][0]["to"] == ["new@example.org"]
    run_worker()
    (sent,) = mailoutbox
    assert sent.to == ["new@example.org"]
    assert sent.subject == "[Meridian] Confirm your email address"
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)  # the worker: see tests/worker.py
def test_moderators_are_mailed_by_the_worker_one_task_per_mail(
    client, settings, database_queue, make_user, make_article, mailoutbox
):
    settings.COMMENTS_MODERATOR_MAIL = "each"
    make_user("first.moderator@example.org", groups=["Moderators"], is_staff=True)
    make_user("second.moderator@example.org", groups=["Moderators"], is_staff=True)
    posting.post_comment(target=make_article(), author=make_user(), body="Hold me.")
    assert mailoutbox == []  # posting only enqueued the alert
    run_worker()
    assert sorted(sent.to[0] for sent in mailoutbox) == [
        "first.moderator@example.org",
        "second.moderator@example.org",
    ]
    # Each mail its own task, so a retry of one never mails the other moderator again.
    sends = DBTaskResult.objects.filter(task_path="core.tasks.send_email")
    assert sends.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2


@pytest.mark.django_db
def test_a_reply_rolled_back_leaves_no_task(settings, database_queue, make_user, make_article):

    settings.COMMENTS_DEFAULT_POLICY = "post_moderate"  # published at once: mailed
    settings.COMMENTS_HOLD_FIRST_N = 0
    piece = make_article()
    original = posting.post_comment(
        target=piece, author=make_user(notify_on_reply=True), body="Original."
    ).comment
    replier = make_user()

    def reply(then_fail: bool) -> None:
        with transaction.atomic():
            posting.post_comment(target=piece, author=replier, body="A reply.", parent=original)
            if then_fail:
                raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        reply(then_fail=True)
    assert not DBTaskResult.objects.filter(task_path=REPLY_TASK).exists()
    reply(then_fail=False)
    assert DBTaskResult.objects.filter(task_path=REPLY_TASK).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker: see tests/worker.py
def test_healthz_reports_the_queue(client, database_queue):
    empty = client.get(reverse("healthz")).json()
    assert empty == {
        "status": "ok",
        "database": "up",
        "cache": "up",
        "tasks": "up",
        "pages": "local",
        "tasks_waiting": 0,
        "tasks_oldest_ready_seconds": None,
    }
    message = tasks.message_data(EmailMultiAlternatives("S", "B", to=["a@example.org"]))
    oldest = tasks.send_email.enqueue(message)
    tasks.send_email.enqueue(message)
    DBTaskResult.objects.filter(pk=oldest.id).update(
        enqueued_at=timezone.now() - timedelta(hours=1)
    )
    # A retry not yet due waits too, but is not ready.
    tasks.send_email.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(message)
    answer = client.get(reverse("healthz"))
    assert answer.status_code == 200
    assert answer.json()["tasks_waiting"] == 3
    assert 3600 <= answer.json()["tasks_oldest_ready_seconds"] < 3700
    run_worker()
    assert len(mail.outbox) == 2
    after = client.get(reverse("healthz")).json()
    assert (after["tasks_waiting"], after["tasks_oldest_ready_seconds"]) == (1, None)

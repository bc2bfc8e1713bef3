"""With the mail server down, sign-up and password reset answer as usual: their mail is
queued (django-tasks-db, as deployed) and sent by the worker, never in the request.

Before the queue, a reset for a known address answered 500 and one for an unknown address
302, and a sign-up created the account and then answered 500.
"""

import socket

import pytest
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from .conftest import signup_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mail_server_down(settings):
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 2},
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued() -> list[str]:
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("enqueued_at")
    return [row.task_path for row in rows]


def test_sign_up_with_a_new_or_a_taken_address_answers_as_usual(client, reader):
    new = client.post(reverse("account_signup"), signup_data(email="new@example.com"))
    taken = client.post(
        reverse("account_signup"),
        signup_data(display_name="Another Reader", email="reader@example.com"),
    )
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"] == reverse("account_email_verification_sent")
    assert _queued() == ["core.tasks.send_email"] * 2  # the confirmation, the notice


def test_password_reset_for_a_known_or_an_unknown_address_answers_as_usual(client, reader):
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "reader@example.com"})
    unknown = client.post(url, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    assert _queued() == ["accounts.tasks.mail_password_reset"] * 2

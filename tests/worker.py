"""The real task worker (django-tasks-db's `db_worker`), for tests of work done in the
background."""

import signal

from django.core.management import call_command

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """The real worker, in this process, until no task is due. Only in a transactional test:
    the worker closes a connection found inside a transaction (PostgreSQL's would be lost).
    Its signal handlers are put back afterwards, for pytest's own."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

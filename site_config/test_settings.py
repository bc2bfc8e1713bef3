"""Test settings: production settings with the few changes a test run needs."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)

from site_config.settings import *  # noqa: F403

# Tests speak plain HTTP to the test client and to live_server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = "http://testserver"  # links in mail, as the test client requests them

# Manifest storage needs collectstatic; tests use the plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# Serve static files straight from the source folders (no collectstatic in tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run at once, in the test's process, once the change commits (core.tasks.enqueue),
# so tests read mail.outbox right after; tests/core/test_tasks.py runs the real queue and
# worker (django-tasks-db and `manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared in-memory test database: in that shared-cache mode SQLite
    # answers "database table is locked" at once instead of waiting its busy timeout, so
    # tests of simultaneous writers (the comment throttle's) could not queue as the site's
    # workers do. One file per run, so two runs at once don't share it.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"meridian-test-{os.getpid()}.sqlite3")
    }

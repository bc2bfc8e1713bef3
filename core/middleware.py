"""A friendly 503, not a 500, while the database is unreachable or the database cache's
table is missing.

When PostgreSQL restarts or the SQLite file is locked for too long, a page that needs the
database cannot be made. Readers then get `templates/503.html` (rendered without context
processors, so without touching the database) with `Retry-After`, and proxies and
monitors get a status that says "try again soon" instead of "the code is broken". Nothing
is cached, and the site recovers by itself: Django's connection health checks reconnect
on the next request.

`DatabaseUnavailableMiddleware.process_exception` handles errors raised by views and
templates; `core.views.server_error` (handler500) hands errors raised by other middleware
(a session saved on the way out, for instance) to `service_unavailable` the same way.

The `default` cache (rate limits, page versions) is a table in that database which no model
owns: dropped or never made (`migrate` makes it), every page that reads a version or a
limit fails. That is an operator's fault to fix, not a bug in a page: the same 503, and a
log line that says what to run.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_down(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_DOWN)


def is_cache_table_missing(exception: BaseException | None) -> bool:
    """A database error naming a database cache's table (SQLite: "no such table",
    PostgreSQL: "relation ... does not exist")."""
    if not isinstance(exception, DatabaseError):
        return False
    tables = {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    }
    return any(table in str(exception) for table in tables)


def is_unavailable(exception: BaseException | None) -> bool:
    """Whether an error means "a dependency is down, try again soon" rather than a bug."""
    return is_database_down(exception) or is_cache_table_missing(exception)


def service_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page: static text, no database, never cached."""
    response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if is_cache_table_missing(exception):
            logger.error(
                "The database cache's table is missing (run `manage.py migrate`), answering"
                " 503 for %s %s: %s",
                request.method,
                request.path,
                exception,
            )
            return service_unavailable(request)
        if not is_database_down(exception):
            return None
        logger.warning(
            "Database unavailable, answering 503 for %s %s: %s",
            request.method,
            request.path,
            exception,
        )
        return service_unavailable(request)

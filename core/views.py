import sys

from django.db import DatabaseError, connection
from django.db.models import Case, F, Min, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from .middleware import is_database_down, service_unavailable


def _task_queue() -> dict:
    """The queue's figures: tasks waiting (due now or retries not yet due), and how long
    the oldest one that is due has waited for a worker (None: none is due)."""
    now = timezone.now()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    # A deferred task (a retry) has been due since its run_after, any other since enqueued.
    due_since = DBTaskResult.objects.ready().aggregate(
        since=Min(Case(When(run_after__lte=now, then=F("run_after")), default=F("enqueued_at")))
    )["since"]
    age = round(max((now - due_since).total_seconds(), 0.0), 1) if due_since else None
    return {"tasks_waiting": waiting, "tasks_oldest_ready_seconds": age}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database and the task queue (a table in it) answer, 503 naming what
    does not. The queue's figures are for monitoring: a backlog is not a failure here."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "down", "tasks": "down"}, status=503
        )
    try:
        queue = _task_queue()
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "up", "tasks": "down"}, status=503
        )
    return JsonResponse({"status": "ok", "database": "up", "tasks": "up", **queue})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /moderation/",
        "Disallow: /search/",
        f"Sitemap: {sitemap_url}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Not Django's default view: it checks CSRF again, which reads the body again, and a
    # body Django could not decode (a form in UTF-16) then raised once more: a 500.
    return render(request, "400.html", status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # An unreachable database (raised in a middleware, past the 503 middleware's
    # process_exception) is not a bug: the friendly 503 page, which recovers by itself.
    if is_database_down(sys.exc_info()[1]):
        return service_unavailable(request)
    # No context processors that might touch the database: it may be why we are here.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)

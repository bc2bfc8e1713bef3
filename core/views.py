import sys
import uuid

from django.conf import settings
from django.core.cache import caches
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
from redis import RedisError

from .middleware import is_unavailable, service_unavailable


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


def _cache_answers(alias: str) -> bool:
    """A set and get of a key of this probe's own (two probes never see each other's)."""
    cache = caches[alias]
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 30)
    answered = cache.get(key) == token
    cache.delete(key)
    return answered


def _pages() -> str:
    """The `pages` cache: "local" (each process's memory, nothing to be down), or whether
    the Redis holding it answers."""
    if settings.CACHES["pages"]["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        return "local"
    try:
        return "up" if _cache_answers("pages") else "down"
    except (RedisError, OSError):
        return "down"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Each dependency: the database, the `default` cache (a table in it: rate limits and
    page versions), the task queue (a table too) and, when it is Redis, the `pages` cache.

    503 when the database, the cache or the queue is down: pages and sign-in cannot work,
    and the HTTP cache in front should take this node out. Redis down is "degraded" with
    200: it only keeps rendered pages, so every page is still served (rendered for each
    reader, slower); a 503 would take every node out of rotation at once for nothing. The
    queue's figures are for monitoring: a backlog is not a failure here."""
    report = {"status": "ok", "database": "up", "cache": "up", "tasks": "up"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        report |= {"status": "unavailable", "database": "down", "cache": "down", "tasks": "down"}
        return JsonResponse(report, status=503)
    try:
        if not _cache_answers("default"):
            report["cache"] = "down"
    except DatabaseError:
        report["cache"] = "down"
    try:
        report |= _task_queue()
    except DatabaseError:
        report["tasks"] = "down"
    report["pages"] = _pages()
    if "down" in (report["cache"], report["tasks"]):
        report["status"] = "unavailable"
        return JsonResponse(report, status=503)
    if report["pages"] == "down":
        report["status"] = "degraded"
    return JsonResponse(report)


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


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # An unreachable database or a missing cache table (raised in a middleware, past the
    # 503 middleware's process_exception) is not a bug: the friendly 503 page.
    if is_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    # No context processors that might touch the database: it may be why we are here.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)

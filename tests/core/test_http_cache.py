"""core.http_cache on its own: the headers a shared cache reads, private whenever there is a
session, versions renewed only once a change commits, the purge enqueued with its keys, and
pages and parts kept under versions, with the `pages` cache in memory, in Redis, or down.

The pages of the site end to end (the article page, every change) are in
tests/articles/test_page_cache.py; here each function is driven directly.
"""

import re
from urllib.error import URLError

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.http import HttpResponse
from django.tasks.signals import task_enqueued
from django.test import RequestFactory

from core import http_cache
from tests.servers import free_port

pytestmark = pytest.mark.django_db


def shared_page(body: str = "page", **headers) -> HttpResponse:
    return http_cache.public(HttpResponse(body, headers=headers), keys=["b", "a", "b"])


def s_maxage(response) -> int:
    return int(re.search(r"s-maxage=(\d+)", response["Cache-Control"])[1])


@pytest.fixture
def get():
    """A GET from a reader without a session (as SessionMiddleware leaves it)."""

    def make(path: str = "/piece/", **extra):
        request = RequestFactory().get(path, **extra)
        request.session = SessionStore()
        return request

    return make


@pytest.fixture
def enqueued():
    """The arguments of each purge task enqueued (Django's task_enqueued signal)."""
    seen: list[list[str]] = []

    def record(sender, task_result, **kwargs):
        if task_result.task.name == http_cache.purge.name:
            seen.append(task_result.args[0])

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


@pytest.fixture
def release(settings):
    """Set the release the pages are kept under (code_version is read once per process)."""

    def set_release(name: str) -> None:
        settings.RELEASE = name
        http_cache.code_version.cache_clear()

    yield set_release
    http_cache.code_version.cache_clear()


# Headers ------------------------------------------------------------------------------


def test_a_shared_page_tells_caches_in_front_how_long_and_browsers_to_revalidate():
    response = shared_page()
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=300", "stale-while-revalidate=30"} <= control
    assert "stale-if-error=86400" in control  # served while every app node is down
    assert response[http_cache.KEY_HEADER] == "a b"  # sorted, each key once


@pytest.mark.parametrize(("asked", "given"), [(10_000, 300), (42.9, 42), (-5, 0)])
def test_no_page_is_shared_past_the_safety_net_or_for_negative_time(asked, given):
    response = http_cache.public(HttpResponse(), keys=["a"], max_age=asked)
    assert s_maxage(response) == given


def test_the_middleware_keeps_a_shared_page_public_and_varies_on_cookie(get):
    response = http_cache.CacheHeadersMiddleware(lambda request: shared_page())(get())
    assert response["Cache-Control"].startswith("public")
    assert response["Vary"] == "Cookie"
    assert response[http_cache.KEY_HEADER] == "a b"


def test_a_shared_page_asked_for_with_a_session_is_private_and_names_no_keys(get):
    request = get()
    request.session["draft"] = "Kept for later."  # a session of their own
    response = http_cache.CacheHeadersMiddleware(lambda request: shared_page())(request)
    assert response["Cache-Control"] == "private, no-cache"
    assert http_cache.KEY_HEADER not in response


def test_a_shared_page_that_sets_a_cookie_or_answers_a_post_is_private(get):
    def sets_cookie(request):
        response = shared_page()
        response.set_cookie("csrftoken", "t" * 32)
        return response

    middleware = http_cache.CacheHeadersMiddleware
    assert middleware(sets_cookie)(get())["Cache-Control"] == "private, no-cache"
    post = RequestFactory().post("/piece/")
    post.session = SessionStore()
    answer = middleware(lambda request: shared_page())(post)
    assert answer["Cache-Control"] == "private, no-cache"
    assert http_cache.KEY_HEADER not in answer


def test_pages_that_say_nothing_are_private_and_their_own_word_is_kept(get):
    middleware = http_cache.CacheHeadersMiddleware
    assert middleware(lambda r: HttpResponse())(get())["Cache-Control"] == "private, no-cache"
    own = middleware(lambda r: HttpResponse(headers={"Cache-Control": "private, no-store"}))
    assert own(get())["Cache-Control"] == "private, no-store"


# Versions and purges ------------------------------------------------------------------


def _cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        return cursor.fetchone()[0]


def test_versions_start_at_zero_and_reading_them_writes_nothing():
    before = _cache_rows()
    assert http_cache.current_versions(["made-up-1", "made-up-2"]) == ("0", "0")
    assert _cache_rows() == before


def test_versions_are_renewed_once_the_change_commits_and_only_those_named(committed):
    before = http_cache.current_versions(["piece", "other"])
    with committed():
        http_cache.changed(keys=[], versions=["piece"])
        assert http_cache.current_versions(["piece", "other"]) == before  # not yet
    renewed, other = http_cache.current_versions(["piece", "other"])
    assert renewed != before[0]
    assert other == before[1]
    with committed():
        http_cache.changed(keys=[], versions=["piece"])
    assert http_cache.current_versions(["piece"]) != (renewed,)  # each change a new one


def test_a_change_rolled_back_renews_nothing_and_purges_nothing(committed, enqueued, settings):
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]
    before = http_cache.current_versions(["piece"])

    def change_that_fails():
        with transaction.atomic():
            http_cache.changed(keys=["article-1"], versions=["piece"])
            raise RuntimeError("the change fails")

    with committed(), pytest.raises(RuntimeError, match="the change fails"):
        change_that_fails()
    assert http_cache.current_versions(["piece"]) == before
    assert enqueued == []


def test_the_purge_is_enqueued_once_it_commits_with_each_key_once(
    committed, enqueued, purges, settings
):
    with committed():
        http_cache.changed(keys=["listing", "article-7", "listing"], versions=["site"])
        assert enqueued == []  # not before the commit
    assert enqueued == [["article-7", "listing"]]
    assert purges == [{"article-7", "listing"}]  # and the cache in front received it
    settings.HTTP_CACHE_PURGE_URLS = []
    with committed():
        http_cache.changed(keys=["listing"])
    assert len(enqueued) == 1  # no cache in front: no task


def test_the_purge_goes_to_every_cache_in_front(purges, settings):
    settings.HTTP_CACHE_PURGE_URLS = settings.HTTP_CACHE_PURGE_URLS * 2
    http_cache.purge.call(["faq", "faq-3"])
    assert purges == [{"faq", "faq-3"}, {"faq", "faq-3"}]


def test_a_purge_that_cannot_reach_its_cache_fails_so_that_it_is_tried_again(settings):
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]
    settings.TASKS_MAX_ATTEMPTS = 1
    with pytest.raises(URLError, match="refused"):
        http_cache.purge.call(["site"])


# Kept pages and parts -----------------------------------------------------------------


@pytest.fixture
def renders():
    """A view's render: counts its calls, answers a shared page."""
    calls: list[int] = []

    def render(**headers):
        def view():
            calls.append(1)
            return shared_page(f"render {len(calls)}", **headers)

        return view

    render.calls = calls
    return render


def keep(request, render, versions=("piece",)) -> HttpResponse:
    return http_cache.cached_page(request, address=("piece",), versions=versions, render=render)


@pytest.mark.usefixtures("page_cache")
def test_a_kept_page_is_served_whole_until_its_version_changes(get, renders, committed):
    first = keep(get(), renders())
    again = keep(get(), renders())
    assert renders.calls == [1]
    assert again.content == first.content == b"render 1"
    assert again["ETag"] == first["ETag"]
    assert again[http_cache.KEY_HEADER] == "a b"
    assert 0 < s_maxage(again) <= 300
    with committed():
        http_cache.changed(keys=[], versions=["piece"])
    assert keep(get(), renders()).content == b"render 2"


@pytest.mark.usefixtures("page_cache")
def test_pages_for_another_host_or_scheme_are_kept_apart(get, renders):
    keep(get(), renders())
    keep(get(HTTP_HOST="localhost"), renders())
    keep(get(**{"wsgi.url_scheme": "https"}), renders())
    assert len(renders.calls) == 3


def renders_of(view, requests) -> int:
    """How many times `view` was rendered for `requests`, one after the other."""
    calls = []

    def render():
        calls.append(1)
        return view()

    for request in requests:
        http_cache.cached_page(request, address=("piece",), versions=(), render=render)
    return len(calls)


@pytest.mark.usefixtures("page_cache")
def test_pages_that_are_not_for_everyone_are_never_kept(get):
    def with_cookie():
        response = shared_page()
        response.set_cookie("messages", "Saved.")
        return response

    def short_lived():
        return http_cache.public(HttpResponse(), keys=["a"], max_age=0.5)

    for view in (with_cookie, short_lived, HttpResponse, lambda: HttpResponse(status=404)):
        assert renders_of(view, [get(), get()]) == 2, view
    with_token = get()
    with_token.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # the page holds a CSRF token
    assert renders_of(shared_page, [with_token, get()]) == 2


def test_a_new_release_renders_pages_again(get, renders, release):
    release("r1")
    keep(get(), renders())
    keep(get(), renders())
    release("r2")
    keep(get(), renders())
    assert len(renders.calls) == 2


@pytest.mark.usefixtures("page_cache")
def test_kept_parts_are_computed_once_and_again_after_a_version_change(committed):
    computed = []

    def part():
        computed.append(1)
        return f"<ol>threads {len(computed)}</ol>"

    def kept():
        return http_cache.kept(("threads", *http_cache.current_versions(["talk"])), part)

    assert kept() == kept() == "<ol>threads 1</ol>"
    with committed():
        http_cache.changed(keys=[], versions=["talk"])
    assert kept() == "<ol>threads 2</ol>"
    assert kept() == "<ol>threads 2</ol>"


@pytest.fixture
def redis_down(settings):
    """The `pages` cache in a Redis at a port where nothing listens."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }


def test_with_redis_down_pages_and_parts_are_rendered_for_each_reader(
    get, renders, redis_down, caplog
):
    assert keep(get(), renders()).content == b"render 1"
    assert keep(get(), renders()).content == b"render 2"
    assert http_cache.kept(("part",), lambda: "fresh") == "fresh"
    assert "The page cache is unavailable" in caplog.text

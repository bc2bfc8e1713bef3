"""A dependency down: Redis (rendered pages only) costs speed, never a page; the database
cache's table missing answers a clear 503; /healthz names what is down.

Real failures, no mocks: Redis at a port where nothing listens, the cache table dropped.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.servers import free_port, site_caches


@pytest.fixture
def redis_down(settings):
    """The site's caches as settings.py builds them for a REDIS_URL where nothing listens."""
    settings.CACHES = site_caches(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def drop_cache_table(transactional_db):
    """Drops the `default` cache's table (`django_cache`) when called; made again after."""

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE django_cache")

    yield drop
    call_command("createcachetable", verbosity=0)


def test_readers_and_signed_in_readers_are_served_with_redis_down(
    client, make_article, reader, redis_down
):
    piece = make_article()
    assert client.get(piece.get_absolute_url()).status_code == 200
    assert client.get(piece.get_absolute_url()).status_code == 200  # nothing was kept
    assert client.get(reverse("account_login")).status_code == 200
    client.force_login(reader)
    page = client.get(piece.get_absolute_url())
    assert page.status_code == 200
    assert "Sign out" in page.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_healthz_says_degraded_with_200_when_only_redis_is_down(client, db, redis_down):
    """Readers are still served (pages rendered for each): Varnish must keep the node."""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["pages"] == "down"
    assert (body["database"], body["cache"], body["tasks"]) == ("up", "up", "up")


def test_healthz_reports_each_dependency_when_all_answer(client, db):
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "ok"
    assert (body["database"], body["cache"], body["tasks"]) == ("up", "up", "up")
    assert body["pages"] == "local"  # each process's memory: nothing that can be down


def test_healthz_checks_redis_when_it_holds_the_pages(client, db, settings):
    settings.CACHES = site_caches(REDIS_URL="redis://127.0.0.1:6379/2")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["pages"] == "up"


def test_healthz_is_503_naming_the_cache_when_its_table_is_missing(client, drop_cache_table):
    drop_cache_table()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["cache"] == "down"
    assert (body["database"], body["tasks"]) == ("up", "up")


def test_pages_answer_a_clear_503_when_the_cache_table_is_missing(
    client, make_article, drop_cache_table
):
    article = make_article()
    drop_cache_table()
    response = client.get(article.get_absolute_url())  # versions live in that table
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "We’ll be back in a moment" in response.content.decode()
    signed_in = client.post(
        reverse("account_login"), {"login": "someone@example.com", "password": "x" * 12}
    )
    assert signed_in.status_code == 503  # the sign-in limit lives in that table

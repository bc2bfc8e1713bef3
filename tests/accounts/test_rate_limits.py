"""Sign-in limits hold whatever fills the page cache: rendered pages may be culled or
evicted, allauth's counters (in the default cache, the database) never are.

The limit under test is ACCOUNT_RATE_LIMITS["login_failed"]'s "5/5m/key": five wrong
passwords for one account from one client address in five minutes, then even the right
one is refused from that address (the key names both: accounts.adapter.pre_authenticate;
tests/accounts/test_sign_in.py shows other addresses are not locked out). allauth
refuses with the form's "Too many failed login attempts" error (a 200), not a 429.
"""

import itertools

import pytest
from django.test import Client

from .conftest import PASSWORD, is_signed_in, sign_in

TOO_MANY = "Too many failed login attempts"
WINDOW = 5 * 60

pytestmark = pytest.mark.django_db


def _guess(client):
    return sign_in(client, "reader@example.com", "not-the-password")


def _assert_guesses_stop_at_five(client, between, clock):
    for _ in range(5):
        between()
        response = _guess(client)
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    between()
    assert TOO_MANY in _guess(client).content.decode()
    between()
    right = sign_in(client, "reader@example.com", PASSWORD)
    assert TOO_MANY in right.content.decode()
    assert not is_signed_in(client)
    clock(WINDOW + 1)
    assert sign_in(client, "reader@example.com", PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_anonymous_page_views_do_not_wipe_the_sign_in_limit(client, reader, make_article, clock):
    """Before: the database cache held pages and counters under Django's 300-entry default,
    and culling dropped the counters (31 guesses in 25 s got through)."""
    urls = [make_article().get_absolute_url() for _ in range(20)]
    visitor = Client()
    pages = itertools.count(2)

    def browse():  # 60 pages kept, and 60 page numbers past the end (sent to the last)
        for url, sort in itertools.product(urls, ("oldest", "newest", "top")):
            assert visitor.get(f"{url}?sort={sort}").status_code == 200
            assert visitor.get(f"{url}?cpage={next(pages)}").status_code == 302

    _assert_guesses_stop_at_five(client, browse, clock)


def test_an_evicting_redis_does_not_wipe_the_sign_in_limit(client, reader, evicting_redis, clock):
    """Before: with REDIS_URL the counters lived in Redis, and under maxmemory with
    allkeys-lru pages pushed them out (21 guesses at one account in 43 s)."""
    _assert_guesses_stop_at_five(client, evicting_redis, clock)

"""The posting limit's parts: rates, who the client is, and the default of 5 a minute."""

import time

import pytest
from django.test import RequestFactory

from comments.models import Comment
from comments.throttle import check_post_rate, client_ip, hash_ip, parse_rate


@pytest.mark.parametrize(
    ("rate", "limit", "period"),
    [("5/m", 5, 60), ("10/5m", 10, 300), (" 1 / h ", 1, 3600), ("100/d", 100, 86400)],
)
def test_rates_parse(rate, limit, period):
    parsed = parse_rate(rate)
    assert (parsed.limit, parsed.period) == (limit, period)


@pytest.mark.parametrize("rate", ["", "5", "five/m", "5/w", "5/m/ip"])
def test_bad_rates_are_refused(rate):
    with pytest.raises(ValueError, match="Not a rate"):
        parse_rate(rate)


def test_the_client_is_remote_addr_unless_behind_trusted_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9"
    )
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # a client can't pick its own address
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw, not what was claimed


def test_ipv6_clients_are_grouped_by_their_64():
    factory = RequestFactory()
    one = client_ip(factory.get("/", REMOTE_ADDR="2001:db8:1:2::1"))
    two = client_ip(factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    assert one == two == "2001:db8:1:2::"


def test_addresses_are_kept_only_as_a_keyed_hash():
    digest = hash_ip("203.0.113.9")
    assert len(digest) == 64
    assert "203.0.113.9" not in digest
    assert digest == hash_ip("203.0.113.9")
    assert hash_ip("") == ""


def test_the_default_is_five_comments_a_minute_per_user(settings, client, trusted, post_url):
    assert settings.COMMENTS_RATE_LIMIT == "5/m"
    client.force_login(trusted)
    codes = [
        client.post(post_url, {"body": f"Comment {n}."}, REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(6)
    ]
    assert codes == [302] * 5 + [429]
    assert Comment.objects.filter(target__slug="axis").count() == 5


def test_the_limit_holds_over_any_period_not_per_clock_window(settings, trusted):
    """Two a second-pair: never a third within two seconds of the first, wherever the clock's
    window boundaries fall, and the refusal says when a slot frees."""
    settings.COMMENTS_RATE_LIMIT = "2/2s"
    request = RequestFactory().post("/", REMOTE_ADDR="")
    request.user = trusted
    first = time.monotonic()
    assert check_post_rate(request).allowed
    assert check_post_rate(request).allowed
    refused = check_post_rate(request)
    assert not refused.allowed
    assert 1 <= refused.retry_after <= 2
    assert time.monotonic() - first < 1.5  # else the check above proved nothing
    time.sleep(2.2)
    assert check_post_rate(request).allowed  # the first two have left the window
    assert check_post_rate(request).allowed
    assert not check_post_rate(request).allowed

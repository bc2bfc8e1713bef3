"""core.csrf makes the tokens Django makes: the reader's secret, masked afresh each time."""

from collections import Counter

from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _unmask_cipher_token,
)
from django.middleware.csrf import get_token as django_get_token
from django.test import RequestFactory

from core.csrf import get_token, random_string


def test_a_returning_readers_token_unmasks_to_their_secret_and_differs_each_time():
    request = RequestFactory().get("/")
    secret = random_string()
    request.META["CSRF_COOKIE"] = secret
    tokens = {get_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a fresh mask for every response
    for token in tokens:
        assert len(token) == 2 * CSRF_SECRET_LENGTH
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE"] == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the cookie's expiry renewed


def test_a_new_reader_gets_a_new_secret_for_their_cookie():
    request = RequestFactory().get("/")
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == CSRF_SECRET_LENGTH
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    # And Django's own get_token, later in the same request, masks the same secret.
    assert _unmask_cipher_token(django_get_token(request)) == secret


def test_characters_are_drawn_evenly():
    counts = Counter("".join(random_string() for _ in range(2000)))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    expected = 2000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)  # about 1,032 each
    assert all(0.8 * expected < n < 1.2 * expected for n in counts.values())

"""allauth is configured with its current (65.x) setting names only, and the verification
mail is not sent on every attempt."""

import warnings

import pytest
from django.conf import settings
from django.core import checks

from .conftest import sign_in

DEPRECATED = [
    "ACCOUNT_AUTHENTICATION_METHOD",
    "ACCOUNT_EMAIL_REQUIRED",
    "ACCOUNT_USERNAME_REQUIRED",
    "ACCOUNT_SIGNUP_EMAIL_ENTER_TWICE",
    "ACCOUNT_SIGNUP_PASSWORD_ENTER_TWICE",
    "ACCOUNT_SIGNUP_PASSWORD_VERIFICATION",
    "ACCOUNT_LOGIN_ATTEMPTS_LIMIT",
    "ACCOUNT_LOGIN_ATTEMPTS_TIMEOUT",
    "ACCOUNT_EMAIL_CONFIRMATION_COOLDOWN",
    "ACCOUNT_SESSION_COOKIE_AGE",
    "LOGIN_REDIRECT_URLNAME",
]


def test_no_deprecated_allauth_settings():
    assert [name for name in DEPRECATED if hasattr(settings, name)] == []


def test_allauths_checks_raise_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        messages = checks.run_checks()
    assert [m for m in messages if "ACCOUNT" in m.msg or (m.id or "").startswith("account")] == []


# What readers rely on is tested by what they do, not by the settings' values: signing in by
# email only (test_sign_in.py), mandatory verification (test_signup.py), no enumeration
# (test_enumeration.py), the sign-in, sign-up and reset limits (test_sign_in.py,
# test_password_reset.py, test_rate_limits.py), and the verification mail's, below.


@pytest.mark.django_db
def test_an_unverified_reader_gets_one_verification_mail_per_three_minutes(
    client, make_user, mailoutbox, clock
):
    make_user("waiting@example.com", verified=False)
    for _ in range(3):
        assert sign_in(client, "waiting@example.com").status_code == 302
    assert len(mailoutbox) == 1  # not a mail per attempt to someone else's inbox
    clock(181)
    sign_in(client, "waiting@example.com")
    assert [mail.to for mail in mailoutbox] == [["waiting@example.com"]] * 2

"""allauth is configured with its current (65.x) setting names only."""

import warnings

from allauth.account import app_settings as account_settings
from django.conf import settings
from django.core import checks

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


def test_the_configuration_readers_rely_on():
    assert [method.value for method in account_settings.LOGIN_METHODS] == ["email"]
    assert account_settings.EMAIL_VERIFICATION == "mandatory"
    assert account_settings.PREVENT_ENUMERATION is True
    assert account_settings.SIGNUP_FIELDS["email"] == {"required": True}
    assert "username" not in account_settings.SIGNUP_FIELDS
    limits = settings.ACCOUNT_RATE_LIMITS
    for action in ("login", "login_failed", "signup", "confirm_email", "reset_password"):
        assert limits[action], action

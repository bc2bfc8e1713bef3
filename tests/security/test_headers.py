"""Response headers and cookies: strict CSP, no framing, HTTPS in production, safe cookies.

`check --deploy` is tested in tests/core/test_settings.py. Here: what browsers receive.
Production (HTTPS) behaviour is checked in a separate process with production settings,
since the test settings speak plain HTTP.
"""

import json

import pytest
from django.urls import reverse

from .conftest import production_env, run_python

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
EXPECTED_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


@pytest.fixture
def pages(make_article, make_topic):
    topic = make_topic("Sanctions", slug="sanctions")
    piece = make_article("A piece", slug="a-piece", topics=[topic])
    return [
        (reverse("articles:home"), 200),
        (piece.get_absolute_url(), 200),
        (reverse("articles:topic", args=["sanctions"]), 200),
        (reverse("articles:search") + "?q=piece", 200),
        (reverse("faq:index"), 200),
        (reverse("articles:feed"), 200),
        (reverse("account_login"), 200),
        (reverse("account_signup"), 200),
        (reverse("account_reset_password"), 200),
        (reverse("admin:index"), 302),
        (reverse("moderation:queue"), 302),
        (reverse("healthz"), 200),
        (reverse("robots"), 200),
        ("/no-such-page/", 404),
    ]


def test_every_kind_of_answer_sends_the_security_headers(client, pages):
    for url, status in pages:
        response = client.get(url)
        assert response.status_code == status, url
        for name, value in EXPECTED_HEADERS.items():
            assert response.headers.get(name) == value, (url, name, response.headers.get(name))
        assert "Content-Security-Policy-Report-Only" not in response.headers


def test_the_policy_allows_no_inline_code_and_nothing_from_elsewhere():
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert "'unsafe-inline'" not in CSP
    assert "'unsafe-eval'" not in CSP
    assert "*" not in CSP
    assert "http" not in CSP
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_admin_pages_send_the_same_headers(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, reader):
    page = client.get(reverse("account_login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"
    response = client.post(
        reverse("account_login"),
        {"login": "reader@example.com", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


PRODUCTION_REQUESTS = r"""
import django, json
django.setup()
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

user = get_user_model().objects.create_user(
    "staffer", "staffer@example.org", "correct-horse-battery"
)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
out = {}
client = Client(HTTP_HOST="example.org")
plain = client.get("/accounts/login/")
out["http"] = [plain.status_code, plain.headers.get("Location")]
forwarded = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
out["forwarded"] = [forwarded.status_code, forwarded.headers.get("Strict-Transport-Security")]
page = client.get("/accounts/login/", secure=True)
out["https"] = [page.status_code, dict(page.headers)]
cookie = page.cookies["csrftoken"]
out["csrf"] = [bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]]
signed = client.post(
    "/accounts/login/", {"login": "staffer@example.org", "password": "correct-horse-battery"},
    secure=True,
)
cookie = signed.cookies["sessionid"]
out["session"] = [
    signed.status_code, bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]
]
print(json.dumps(out))
"""


def _production(database, **env) -> dict:
    result = run_python(PRODUCTION_REQUESTS, env=production_env(database, **env))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_to_https_with_hsts_and_secure_cookies(fresh_sqlite):
    out = _production(fresh_sqlite)
    assert out["http"] == [301, "https://example.org/accounts/login/"]
    # A client cannot claim HTTPS with a header unless a proxy is declared.
    assert out["forwarded"][0] == 301
    status, headers = out["https"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    for name, value in EXPECTED_HEADERS.items():
        assert headers[name] == value, name
    assert out["csrf"] == [True, True, "Lax"]
    assert out["session"] == [302, True, True, "Lax"]


def test_behind_a_proxy_the_forwarded_scheme_is_trusted(fresh_sqlite):
    out = _production(fresh_sqlite, DJANGO_BEHIND_PROXY="1")
    assert out["forwarded"] == [200, "max-age=31536000; includeSubDomains; preload"]
    assert out["http"][0] == 301  # without the header, still sent to HTTPS


def test_the_proxy_switches_set_the_trusted_proxy_count(fresh_sqlite):
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, getattr(s, 'SECURE_PROXY_SSL_HEADER', None),"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    direct = run_python(code, env=production_env(fresh_sqlite))
    proxied = run_python(code, env=production_env(fresh_sqlite, DJANGO_BEHIND_PROXY="1"))
    two = run_python(
        code,
        env=production_env(fresh_sqlite, DJANGO_BEHIND_PROXY="1", ALLAUTH_TRUSTED_PROXY_COUNT="2"),
    )
    assert direct.stdout.split() == ["0", "None", "True", "True", "True"], direct.stderr
    assert proxied.stdout.split()[:1] == ["1"]
    assert "HTTP_X_FORWARDED_PROTO" in proxied.stdout
    assert two.stdout.split()[:1] == ["2"]

"""The admin is no side door: signing in to it is allauth's sign-in, with its rate limits.

Django's own admin login form checks passwords without allauth's limits and without its
enumeration protection. `secure_admin_login` (site_config/urls.py) replaces it: the admin
sends everyone who is not signed in to /accounts/login/, and never checks a password.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
TOO_MANY = "Too many failed login attempts"


def test_the_admin_sends_visitors_to_the_sites_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)
    first, *_ = response.redirect_chain
    assert first[0].startswith(reverse("admin:login"))
    final_url, status = response.redirect_chain[-1]
    assert status == 302
    assert final_url.startswith(reverse("account_login") + "?next=")
    assert response.status_code == 200
    assert response.templates[0].name == "account/login.html"


def test_posting_a_password_to_the_admin_login_signs_nobody_in(client, superuser):
    response = client.post(
        reverse("admin:login"), {"username": superuser.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert SESSION_KEY not in client.session


def test_the_admin_login_is_not_a_way_around_the_rate_limits(client, superuser):
    # Many posts to the admin's login: no password is ever checked there, so no answer
    # differs between a right and a wrong one, and none signs anyone in.
    answers = set()
    for n in range(25):
        password = PASSWORD if n % 5 == 0 else f"wrong-{n}"
        response = client.post(
            reverse("admin:login"), {"username": superuser.username, "password": password}
        )
        answers.add((response.status_code, response["Location"]))
    assert len(answers) == 1
    assert SESSION_KEY not in client.session


def test_failed_sign_ins_of_a_staff_account_are_limited_like_anyone_elses(client, superuser):
    for n in range(5):  # "login_failed": 5 per 5 minutes for one address
        wrong = client.post(
            reverse("account_login"), {"login": superuser.email, "password": f"wrong-{n}"}
        )
        assert TOO_MANY not in wrong.content.decode()
    # Even the right password is refused while the limit holds: no brute force through.
    right = client.post(reverse("account_login"), {"login": superuser.email, "password": PASSWORD})
    assert TOO_MANY in right.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_sign_in_posts_from_one_address_are_limited_for_staff_too(client, superuser):
    # "login": 30 per minute per address, whichever account is guessed.
    statuses = [
        client.post(
            reverse("account_login"),
            {"login": superuser.email if n % 2 else f"guess{n}@example.com", "password": "x"},
            REMOTE_ADDR="198.51.100.4",
        ).status_code
        for n in range(31)
    ]
    assert statuses[30] == 429


def test_staff_sign_in_through_allauth_and_reach_the_admin(client, superuser):
    response = client.post(
        f"{reverse('account_login')}?next={reverse('admin:index')}",
        {"login": superuser.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_signed_in_reader_is_refused_by_the_admin(client, reader):
    client.force_login(reader)
    assert client.get(reverse("admin:login")).status_code == 403
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302  # to the admin login, which refuses them
    assert client.get(index["Location"]).status_code == 403

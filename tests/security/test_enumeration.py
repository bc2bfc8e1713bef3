"""No account enumeration: the answers are the same whether an address has an account.

Sign-up, sign-in and password reset are covered in tests/accounts (test_enumeration.py,
test_sign_in.py, test_password_reset.py). Here, the one left: changing one's email address
to an address another account uses looks exactly like changing it to a free one.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _change_email_to(user, address: str, mailoutbox) -> tuple:
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    mailoutbox.clear()
    asked = client.post(reverse("account_email"), {"email": address, "action_add": ""})
    confirmed = client.post(asked["Location"], {"password": PASSWORD})
    page = client.get(reverse("account_email")).content.decode()
    return (
        asked.status_code,
        asked["Location"].split("?")[0],
        confirmed.status_code,
        confirmed["Location"],
        _TOKEN.sub(
            "",
            page.replace(address, "ADDRESS")
            .replace(user.email, "OWN")
            .replace(user.display_name, "NAME"),
        ),
        [message.to for message in mailoutbox],
    )


def test_changing_to_a_taken_address_looks_like_changing_to_a_free_one(make_user, mailoutbox):
    make_user("taken@example.com")
    first = make_user("first@example.com", display_name="First Reader")
    second = make_user("second@example.com", display_name="Other Reader")
    free = _change_email_to(first, "free@example.com", mailoutbox)
    taken = _change_email_to(second, "taken@example.com", mailoutbox)
    assert free[:5] == taken[:5]
    assert free[5] == [["free@example.com"]]
    # The message goes to the address typed in both cases: the person asking learns nothing.
    assert taken[5] == [["taken@example.com"]]

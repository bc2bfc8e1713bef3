"""`make run`'s demo accounts: one person per role, able to do that role's work at once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_in_debug_there_is_one_account_per_role_printed_once(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    users = {user.email: user for user in get_user_model().objects.all()}
    assert users["editor@example.com"].has_perm("articles.publish_article")
    assert users["reviewer@example.com"].has_perm("articles.review_article")
    assert not users["editor@example.com"].has_perm("articles.review_article")
    assert users["moderator@example.com"].has_perm("comments.change_comment")
    assert not users["reader@example.com"].is_staff
    assert out.getvalue().count("password:") == 4
    again = StringIO()
    call_command("create_demo_accounts", stdout=again)
    assert "password:" not in again.getvalue()


def test_never_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_accounts")
    assert not get_user_model().objects.exists()

"""Account operations that are more than a form save."""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_module

from .models import User

# Session engines whose sessions live in the database table and can be found per user.
_DATABASE_SESSION_ENGINES = frozenset(
    {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}
)


def delete_account(*, user: User) -> None:
    """Delete a person's account at their request, keeping what they wrote in place.

    The row stays (comments keep their author and their place in threads) but every
    personal detail goes: the email addresses, names, password and sessions. The
    account can no longer sign in, and its public name reads "Deleted reader".
    """
    with transaction.atomic():
        user.is_active = False
        user.is_deleted = True
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.display_name = ""
        user.notify_on_reply = False
        user.username = f"deleted-{secrets.token_hex(8)}"
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        EmailAddress.objects.filter(user=user).delete()
        _delete_sessions_of(user.pk)


def _delete_sessions_of(user_pk: int) -> None:
    """End every session of the user, wherever they are signed in.

    The new unusable password already invalidates them (Django checks the session's
    password hash on each request) and inactive users are never loaded; deleting the
    rows as well leaves no signed-in state behind. Sessions stored elsewhere than the
    database (signed cookies, plain cache) cannot be listed and rely on that check.
    """
    if settings.SESSION_ENGINE not in _DATABASE_SESSION_ENGINES:
        return
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    wanted = str(user_pk)
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id")) == wanted:
            store_class(session_key=session.session_key).delete()

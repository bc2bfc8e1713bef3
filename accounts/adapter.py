"""How django-allauth fits this site: generated usernames, display names, site-named mail."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import truncate_ip
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils.crypto import salted_hmac

from core import tasks

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.forms import BaseForm
    from django.http import HttpRequest


def user_display(user: AbstractBaseUser) -> str:
    """What allauth shows for a user (messages, mail): the public name, never the email."""
    return getattr(user, "public_name", "") or "reader"


def generate_reader_username() -> str:
    """An opaque username: readers sign in by email, and the username must not leak it."""
    return f"reader-{secrets.token_hex(6)}"


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        # allauth's default derives the username from the email's local part, which would
        # put part of the address into a field that admin screens and fallbacks show.
        if not user.username:
            user.username = generate_reader_username()

    def save_user(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        form: BaseForm,
        commit: bool = True,
    ) -> AbstractBaseUser:
        user = super().save_user(request, user, form, commit=False)
        display_name = form.cleaned_data.get("display_name")
        if display_name:
            user.display_name = display_name
        if commit:
            user.save()
        return user

    def get_client_ip(self, request: HttpRequest) -> str:
        """A keyed hash of the client's address (an IPv6 /64 counts as one address).

        allauth keys its rate limits on this, in the shared cache; with the database cache
        those keys are rows, and no address may be stored in clear. Still one value per
        client, so the limits are the same.
        """
        address = truncate_ip(super().get_client_ip(request))
        digest = salted_hmac("accounts.client-ip", address, algorithm="sha256").hexdigest()
        return f"iphash-{digest}"

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # The security notice ("a change was made from this address") tells the account's
        # owner the address itself, not its hash; it is mailed, never stored.
        address = DefaultAccountAdapter.get_client_ip(self, self.request)
        super().send_notification_mail(
            template_prefix, user, {"ip": address, **(context or {})}, email
        )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        ctx: dict[str, Any] = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.SITE_NAME,
            "site_url": request.build_absolute_uri("/") if request is not None else "",
        }
        ctx.update(context)
        # Rendered here, where the request is, and sent by the worker (core.tasks): sign-up,
        # reset and notice mails never make the reader wait on SMTP, and are retried.
        # Enqueued at once: allauth sends after its own writes, outside any transaction.
        msg = self.render_mail(template_prefix, email, ctx)
        tasks.send_email.enqueue(tasks.message_data(msg))

"""How django-allauth fits this site: generated usernames, display names, site-named mail."""

from __future__ import annotations

import ipaddress
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.crypto import salted_hmac

from core import tasks

if TYPE_CHECKING:
    from allauth.account.models import EmailConfirmation
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.forms import BaseForm
    from django.http import HttpRequest


def user_display(user: AbstractBaseUser) -> str:
    """What allauth shows for a user (messages, mail): the public name, never the email."""
    return getattr(user, "public_name", "") or "reader"


def site_link(path: str) -> str:
    """An absolute link for mail: SITE_URL, never the Host the request came with."""
    return settings.SITE_URL + path


def one_client(address: str) -> str:
    """The address, an IPv6 one as its network (allauth's RATE_LIMIT_IPV6_PREFIX, a /64):
    one host usually has a whole /64 to rotate through."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.IPv6Network(f"{parsed}/{prefix}", strict=False).network_address)
    return address


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
        address = one_client(super().get_client_ip(request))
        digest = salted_hmac("accounts.client-ip", address, algorithm="sha256").hexdigest()
        return f"iphash-{digest}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth's "login_failed" limit per key counts wrong passwords per account alone:
        # five from anywhere refused even the right password from everywhere, so anyone
        # could lock a moderator out. The key it is given names the account and the
        # client's address together: guessing from one address is stopped as before, and
        # guesses from elsewhere lock nobody else out. The per-address limit is unchanged.
        login = credentials.get("email") or credentials.get("username") or ""
        keyed = {**credentials, "email": f"{login} from {self.get_client_ip(request)}"}
        super().pre_authenticate(request, **keyed)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # The security notice ("a change was made from this address") tells the account's
        # owner the address itself, not its hash; it is mailed, never stored.
        address = DefaultAccountAdapter.get_client_ip(self, self.request)
        super().send_notification_mail(
            template_prefix, user, {"ip": address, **(context or {})}, email
        )

    # Links in mail: from SITE_URL, so a request with another Host (a client chooses it)
    # cannot put its address into a reset or confirmation mail.
    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_link(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(
        self, request: HttpRequest | None, emailconfirmation: EmailConfirmation
    ) -> str:
        """The link, with where the reader was going (a piece, its comment box) when they
        signed up. The browser that signed up is signed in by confirming and goes there
        (allauth resumes its sign-in); any other browser, the mail app's, is sent to sign
        in with it as the destination: a link alone signs nobody in."""
        link = site_link(reverse("account_confirm_email", args=[emailconfirmation.key]))
        destination = self._destination(request)
        if not destination:
            return link
        sign_in = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': destination})}"
        return f"{link}?{urlencode({'next': sign_in})}"

    def _destination(self, request: HttpRequest | None) -> str:
        """The `next` of the sign-up (or sign-in) being answered: a path on this site."""
        if request is None:
            return ""
        candidate = request.POST.get("next") or request.GET.get("next") or ""
        safe = candidate.startswith("/") and self.is_safe_url(candidate)
        return candidate if safe else ""

    def send_account_already_exists_mail(self, email: str) -> None:
        context = {
            "signup_url": site_link(reverse("account_signup")),
            "password_reset_url": site_link(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, context)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The request is None when the worker renders (accounts.tasks).
        request = allauth_context.request
        ctx: dict[str, Any] = {
            "request": request,
            "email": email,
            "site_name": settings.SITE_NAME,
            "site_url": site_link("/"),
        }
        if request is not None:
            ctx["current_site"] = get_current_site(request)
        ctx.update(context)
        # Rendered here and sent by the worker (core.tasks): sign-up, reset and notice
        # mails never make the reader wait on SMTP, and are retried.
        # Enqueued at once: allauth sends after its own writes, outside any transaction.
        msg = self.render_mail(template_prefix, email, ctx)
        tasks.send_email.enqueue(tasks.message_data(msg))

"""How django-allauth fits this site: generated usernames, display names, site-named mail."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

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
        msg = self.render_mail(template_prefix, email, ctx)
        msg.send()

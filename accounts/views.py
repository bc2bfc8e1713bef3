"""A signed-in reader's own pages: profile and account deletion (the rest is allauth)."""

from allauth.account.models import EmailAddress
from allauth.decorators import rate_limit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .forms import DeleteAccountForm, ProfileForm
from .services import delete_account


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=request.user)
    context = {
        "form": form,
        "primary_email": EmailAddress.objects.get_primary_email(request.user) or request.user.email,
    }
    return render(request, "accounts/profile.html", context)


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(action="reauthenticate")
def delete(request: HttpRequest) -> HttpResponse:
    """Show what deletion means, and anonymise the account on a POST with the password."""
    user = request.user
    if user.is_staff or user.is_superuser:
        # Newsroom accounts hold permissions others depend on; an administrator
        # closes them (and keeps the last superuser from locking the site out).
        return render(request, "accounts/delete.html", {"staff": True}, status=403)
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=user)
        if form.is_valid():
            delete_account(user=user)
            logout(request)
            messages.success(
                request,
                "Your account has been deleted. Your comments stay in their threads, "
                "shown as by a deleted reader.",
            )
            return redirect("articles:home")
    else:
        form = DeleteAccountForm(user=user)
    return render(request, "accounts/delete.html", {"form": form})

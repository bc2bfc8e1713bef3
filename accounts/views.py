"""A signed-in reader's own pages: profile, export and account deletion (the rest is allauth)."""

from allauth.account.models import EmailAddress
from allauth.decorators import rate_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from comments.moderator import moderator
from comments.selectors import comments_by_author

from .forms import DeleteAccountForm, ProfileForm
from .services import delete_account
from .validators import DISPLAY_NAME_TAKEN


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The reader's display name and mail preferences; a sanctioned reader is told why and
    until when, and keeps their name (it shows on their comments) until it ends."""
    sanction = moderator().sanction(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user, sanctioned=sanction is not None)
        if form.is_valid() and _saved(form):
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=request.user, sanctioned=sanction is not None)
    context = {
        "sanction": sanction,
        "form": form,
        "primary_email": EmailAddress.objects.get_primary_email(request.user) or request.user.email,
    }
    return render(request, "accounts/profile.html", context)


def _saved(form: ProfileForm) -> bool:
    """Save, unless another reader took the same name since the form checked it (the
    database's unique display_name_key decides): then the form says so."""
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:
        form.add_error("display_name", DISPLAY_NAME_TAKEN)
        return False
    return True


def _isoformat(moment) -> str | None:
    return moment.isoformat() if moment else None


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def export(request: HttpRequest) -> HttpResponse:
    """The reader's comments, every state, with earlier versions, as a JSON download."""
    user = request.user
    absolute = request.build_absolute_uri
    comments = [
        {
            "id": comment.pk,
            "url": absolute(comment.get_absolute_url()),
            "piece": {
                "title": comment.target.title,
                "url": absolute(comment.target.get_absolute_url()),
            },
            "in_reply_to": comment.in_reply_to_id,
            "state": comment.state,
            "state_label": comment.get_state_display(),
            "created_at": _isoformat(comment.created_at),
            "edited_at": _isoformat(comment.edited_at),
            "body": comment.body,
            "earlier_versions": [
                {"body": revision.body, "replaced_at": _isoformat(revision.created_at)}
                for revision in comment.revisions.all()
            ],
        }
        for comment in comments_by_author(user)
    ]
    data = {
        "site": settings.SITE_NAME,
        "exported_at": _isoformat(timezone.now()),
        "account": {
            "display_name": user.display_name,
            "email": EmailAddress.objects.get_primary_email(user) or user.email,
            "date_joined": _isoformat(user.date_joined),
        },
        "comments": comments,
    }
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"{settings.SITE_NAME.lower() or 'site'}-comments-{timezone.now():%Y-%m-%d}.json"
    safe_name = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in filename)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


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

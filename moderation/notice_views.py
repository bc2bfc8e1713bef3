"""Notices of illegal content (moderation.notices): the public form, reachable from every
comment signed in or out, and the moderators' queue of pending notices with a decision
form for each. Pages work without JavaScript."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from comments import throttle
from comments.errors import CommentError
from comments.models import Comment

from . import notices
from .forms import NoticeDecisionForm, NoticeForm
from .models import Notice
from .views import moderator_required


def _noticeable(pk: int) -> Comment:
    """A published comment on a published piece: what readers can see, and notify."""
    comment = get_object_or_404(
        Comment.objects.select_related("target", "author"), pk=pk, state=Comment.State.APPROVED
    )
    if not comment.target.is_published:
        raise Http404
    return comment


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _noticeable(pk)
    location = f"{settings.SITE_URL}{comment.get_absolute_url()}"
    initial = {"location": location}
    if request.user.is_authenticated:
        initial |= {"name": request.user.public_name, "email": request.user.email}
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        rate = throttle.parse_rate(settings.MODERATION_NOTICE_RATE_LIMIT)
        verdict = throttle.check_address_rate(request, scope="notices", rate=rate)
        if not verdict.allowed:
            form.add_error(
                None,
                f"You have sent {rate.limit} notices in the last {rate.unit}. Please send "
                f"this one in {verdict.retry_after // 60 + 1} minutes; your text is kept.",
            )
            response = render(
                request, "moderation/notice.html", {"form": form, "comment": comment}, status=429
            )
            response["Retry-After"] = str(verdict.retry_after)
            return response
        notices.submit_notice(comment=comment, **form.cleaned_data)
        return render(
            request,
            "moderation/notice_sent.html",
            {"comment": comment, "email": form.cleaned_data["email"]},
        )
    return render(request, "moderation/notice.html", {"form": form, "comment": comment})


@moderator_required
@require_http_methods(["GET", "HEAD"])
def notice_queue(request: HttpRequest) -> HttpResponse:
    pending = [(n, NoticeDecisionForm(prefix=f"notice-{n.pk}")) for n in notices.pending()]
    return render(request, "moderation/notices.html", {"pending": pending})


@moderator_required
@require_POST
def decide_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("comment"), pk=pk)
    form = NoticeDecisionForm(request.POST, prefix=f"notice-{notice.pk}")
    if form.is_valid():
        try:
            notices.decide_notice(
                notice=notice,
                moderator=request.user,
                illegal=form.cleaned_data["decision"] == "illegal",
                grounds=form.cleaned_data["grounds"],
            )
        except CommentError as error:
            form.add_error("grounds" if error.field == "grounds" else None, error.message)
        else:
            messages.success(
                request, f"Notice on the comment by {notice.comment.author.public_name} decided."
            )
            return redirect("moderation:notices")
    # Shown again with what was typed and the errors; the other notices as they are.
    pending = [
        (n, form if n.pk == notice.pk else NoticeDecisionForm(prefix=f"notice-{n.pk}"))
        for n in notices.pending()
    ]
    if notice.pk not in {n.pk for n, _ in pending}:
        messages.error(request, "This notice was already decided.")
        return redirect("moderation:notices")
    return render(request, "moderation/notices.html", {"pending": pending}, status=400)

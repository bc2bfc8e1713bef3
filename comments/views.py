"""Thin views: read the request, call a service or selector, answer.

Posting is post/redirect/get back to the piece. When a post is refused, what the reader
typed and the reason are kept in their session, keyed by the piece, and the piece's form
shows them; an anonymous reader's text waits there while they sign in or sign up
(Django keeps session data across sign-in).
"""

from dataclasses import astuple, dataclass
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.http_cache import kept
from core.markdown import render_comment_markdown
from core.redirects import safe_next

from . import follows, posting, recommendations, reports, selectors, throttle, visits
from .errors import CommentError
from .forms import CommentBodyForm, ReportForm, body_help
from .handlers import DRAFT_SESSION_MARK, DRAFT_SESSION_SECONDS
from .handlers import DRAFTS as _DRAFTS
from .models import Comment, CommentEvent, Follow
from .moderator import Sanction, moderator
from .targets import CommentTarget, DiscussionStatus, target_model

State = Comment.State
HONEYPOT_FIELD = "website"  # hidden from people (templates/comments/includes/form.html)
# Room for a text a little over the limit to come back whole, to be cut by its writer;
# a few pieces' drafts per session, the newest kept.
_DRAFT_MAX_CHARS = settings.COMMENTS_MAX_LENGTH + 1000
_DRAFTS_PER_SESSION = 3
KEPT_WHILE_SIGNING_IN = (
    "Sign in, or create an account, to post your comment. We have kept what you wrote: it "
    "will be in the form when you return to the discussion."
)


# Drafts kept in the session ----------------------------------------------------------


def _save_draft(
    request: HttpRequest,
    target: CommentTarget,
    body: str,
    parent_id: int | None,
    error: CommentError | None = None,
    *,
    faq_credit: bool = False,
    kept: bool = False,
    preview: bool = False,
) -> None:
    """Keep `body` (cut at _DRAFT_MAX_CHARS) for `target` in the session, with at most
    _DRAFTS_PER_SESSION pieces' drafts, the newest. For a signed-out visitor the session
    then ends DRAFT_SESSION_SECONDS after their last draft."""
    if not request.user.is_authenticated:
        request.session.set_expiry(DRAFT_SESSION_SECONDS)
        request.session[DRAFT_SESSION_MARK] = True
    drafts = {
        key: draft
        for key, draft in request.session.get(_DRAFTS, {}).items()
        if key != str(target.pk)
    }
    drafts[str(target.pk)] = {
        "body": (body or "")[:_DRAFT_MAX_CHARS],
        "parent": parent_id,
        "error": error.message if error else "",
        "code": error.code if error else "",
        "faq_credit": faq_credit,
        "kept": kept,
        "preview": preview,
    }
    request.session[_DRAFTS] = dict(list(drafts.items())[-_DRAFTS_PER_SESSION:])


def _draft_session_refused(request: HttpRequest, target: CommentTarget) -> HttpResponse | None:
    """A 429 when a signed-out visitor without a session would start one for a draft past
    the limit per address; None otherwise. The refusal stores nothing, no session."""
    if request.user.is_authenticated or not request.session.is_empty():
        return None
    verdict = throttle.check_new_draft_session(request)
    if verdict.allowed:
        return None
    response = render(
        request,
        "429.html",
        {"draft_refused": True, "retry_after": verdict.retry_after, "target": target},
        status=429,
    )
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


def _take_draft(request: HttpRequest, target: CommentTarget) -> dict:
    """The reader's unsent text for `target`; its error message and its preview are shown
    once."""
    drafts = request.session.get(_DRAFTS)
    if not drafts or str(target.pk) not in drafts:
        return {}
    draft = drafts[str(target.pk)]
    if draft.get("error") or draft.get("preview"):
        shown = {**draft, "error": "", "code": "", "preview": False}
        request.session[_DRAFTS] = {**drafts, str(target.pk): shown}
    return draft


def _clear_draft(request: HttpRequest, target: CommentTarget) -> None:
    drafts = request.session.get(_DRAFTS)
    if drafts and str(target.pk) in drafts:
        request.session[_DRAFTS] = {
            key: draft for key, draft in drafts.items() if key != str(target.pk)
        }


# URLs --------------------------------------------------------------------------------


def _form_url(target: CommentTarget, parent_id: int | None = None) -> str:
    query = f"?{urlencode({'reply_to': parent_id})}" if parent_id else ""
    return f"{target.get_absolute_url()}{query}#comment-form"


def _login_url(next_url: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"


def _signup_url(next_url: str) -> str:
    return f"{reverse('account_signup')}?{urlencode({'next': next_url})}"


MAX_ID = 2**63 - 1


def _int_or_none(value) -> int | None:
    """A whole number from a request (an id, a page), else None. Numbers no column can
    hold, and negatives, become 0, which is no row's id: a lookup finds nothing (a reply to
    it is refused as to a comment that does not exist), and never overflows."""
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is None or 0 <= number <= MAX_ID else 0


def _published_target_or_404(pk) -> CommentTarget:
    target = get_object_or_404(target_model(), pk=pk)
    if not target.is_published:
        raise Http404
    return target


# The discussion on a piece's page ----------------------------------------------------

MAX_PAGE_NUMBER = 100_000


def page_number(value) -> int:
    """A page number from the query string: 1 for anything but a sane positive integer."""
    number = _int_or_none(value)
    return number if number and 0 < number <= MAX_PAGE_NUMBER else 1


@dataclass
class Discussion:
    """Everything templates/comments/includes/discussion.html shows. On a shared page (no
    session) nothing in it comes from the request but the normalised sort and page."""

    target: CommentTarget
    status: DiscussionStatus
    signed_in: bool
    needs_verification: bool
    sort: str
    page: Page
    threads: selectors.Threads
    picks: list[Comment]
    reply_node: selectors.Node | None = None
    threads_html: str = ""
    draft_body: str = ""
    draft_faq_credit: bool = False
    draft_kept: bool = False  # typed before signing in: shown to check, never sent for them
    error: str = ""
    error_code: str = ""
    sanction: Sanction | None = None  # in force: told instead of the box and the buttons
    preview_html: str = ""  # the draft as it would be published (Preview, before posting)
    follow: Follow | None = None  # the viewer's, when they follow this discussion

    @property
    def post_url(self) -> str:
        return reverse("comments:post", kwargs={"target_id": self.target.pk})

    @property
    def draft_url(self) -> str:
        return reverse("comments:draft", kwargs={"target_id": self.target.pk})

    @property
    def body_help(self) -> str:
        return body_help()

    @property
    def max_length(self) -> int:
        return settings.COMMENTS_MAX_LENGTH

    @property
    def follow_url(self) -> str:
        return reverse("comments:follow", kwargs={"target_id": self.target.pk})

    @property
    def verify_url(self) -> str:
        return reverse("account_email")

    @property
    def sort_links(self) -> list[dict]:
        return [
            {
                "label": label,
                "url": f"?{urlencode({'sort': key})}#discussion",
                "current": key == self.sort,
            }
            for key, (label, _) in selectors.SORTS.items()
        ]

    def page_url(self, number: int) -> str:
        query = {"sort": self.sort} if self.sort != selectors.DEFAULT_SORT else {}
        if number > 1:
            query["cpage"] = number
        return (
            f"{self.target.get_absolute_url()}?{urlencode(query)}"
            if query
            else (self.target.get_absolute_url())
        )

    @property
    def previous_url(self) -> str:
        return self.page_url(self.page.number - 1)

    @property
    def next_url(self) -> str:
        return self.page_url(self.page.number + 1)

    @property
    def permalinks_on_page(self) -> bool:
        """With one page, #comment-<id> on the piece finds every comment."""
        return self.page.paginator.num_pages <= 1

    @property
    def is_sortable(self) -> bool:
        return self.page.paginator.count > 1


THREADS = "comments/includes/discussion.html#threads"


def discussion_context(
    request: HttpRequest, target: CommentTarget, *, sort: str, cpage: int, version: tuple = ()
):
    """What a piece's page needs to show its discussion, in a constant number of queries.
    With the discussion's `version`, its page of threads is rendered once for every reader
    with the same marks on it (core.http_cache.kept): most signed-in readers alike."""
    viewer = request.user
    signed_in = viewer.is_authenticated
    verified = signed_in and posting.has_verified_email(viewer)
    sanction = moderator().sanction(viewer) if signed_in else None
    draft = _take_draft(request, target)
    marks = selectors.viewer_marks(target, viewer)
    if signed_in:
        visits.record_visit(target=target, user=viewer)  # the next visit's "new" starts here
    threads = selectors.page_of_threads(target, viewer, marks=marks, sort=sort, page_number=cpage)
    reply_to = _int_or_none(request.GET.get("reply_to")) or _int_or_none(draft.get("parent"))
    reply_node = (
        next((node for node in selectors.walk(threads.nodes) if node.comment.pk == reply_to), None)
        if signed_in and reply_to
        else None
    )
    discussion = Discussion(
        target=target,
        status=threads.status,
        signed_in=signed_in,
        needs_verification=signed_in and not verified,
        sort=threads.sort,
        page=threads.page,
        threads=threads,
        picks=threads.picks,
        reply_node=reply_node if reply_node and reply_node.can_reply else None,
        draft_body=draft.get("body", ""),
        draft_faq_credit=bool(draft.get("faq_credit")),
        draft_kept=bool(draft.get("kept")),
        error=draft.get("error", ""),
        error_code=draft.get("code", ""),
        sanction=sanction,
        preview_html=render_comment_markdown(draft["body"]) if draft.get("preview") else "",
        follow=follows.following(user=viewer, target=target) if signed_in else None,
    )
    render = partial(get_template(THREADS).render, {"discussion": discussion}, request)
    if threads.page.number != cpage:  # past the end: the page redirects, nothing to show
        discussion.threads_html = ""
    elif version and not discussion.reply_node:
        page = (target.pk, threads.sort, threads.page.number, threads.status.is_open)
        page += (signed_in, bool(sanction))  # what the buttons under each comment depend on
        marks = tuple(tuple(sorted(ids)) for ids in astuple(threads.marks))
        discussion.threads_html = kept((*version, *page, marks), render)
    else:
        discussion.threads_html = render()
    return {
        "discussion": discussion,
        "discussion_enabled": True,
        "comment_count": threads.published_count,
    }


# Posting -----------------------------------------------------------------------------


def _csrf_rejected(request: HttpRequest) -> bool:
    """Django's own CSRF check, run here so that a failure can keep the reader's text."""

    def no_view(request: HttpRequest) -> None:
        return None

    return CsrfViewMiddleware(no_view).process_view(request, no_view, (), {}) is not None


def _submit(request: HttpRequest, target: CommentTarget, parent_id: int | None) -> HttpResponse:
    body = request.POST.get("body", "")
    faq_credit = request.POST.get("allow_faq_credit") == "1"
    keep = partial(_save_draft, request, target, body, faq_credit=faq_credit)
    if _csrf_rejected(request):
        # Usually a page left open for a long time, or blocked cookies; but a page on
        # another site can send this too, with text of its choosing. Nothing is posted or
        # stored, and the text is never put in a form for one click (nor the FAQ credit
        # ticked): it is shown read-only, to copy into an empty box if it is theirs.
        return render(
            request,
            "comments/resubmit.html",
            {
                "target": target,
                "unchecked_body": body[:_DRAFT_MAX_CHARS],
                "action": request.path,
                "body_help": body_help(),
            },
            status=403,
        )
    if not request.user.is_authenticated:
        if refused := _draft_session_refused(request, target):
            return refused
        keep(parent_id)
        messages.info(request, KEPT_WHILE_SIGNING_IN)
        return redirect(_login_url(_form_url(target, parent_id)))

    if request.POST.get("then") == "preview":
        # Nothing is posted: the text comes back under its preview, or with what is wrong.
        try:
            posting.clean_body(body)
        except CommentError as error:
            keep(parent_id, error)
        else:
            keep(parent_id, preview=True)
        return redirect(_form_url(target, parent_id))

    verdict = throttle.check_post_rate(request)
    if not verdict.allowed:
        keep(parent_id)
        response = render(
            request,
            "429.html",
            {
                "rate": verdict.rate,
                "retry_after": verdict.retry_after,
                "back_url": _form_url(target, parent_id),
                "target": target,
            },
            status=429,
        )
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response

    try:
        result = posting.post_comment(
            target=target,
            author=request.user,
            body=body,
            parent=parent_id,
            ip_hash=throttle.hash_ip(throttle.client_ip(request)),
            honeypot=request.POST.get(HONEYPOT_FIELD, ""),
            allow_faq_credit=faq_credit,
        )
    except CommentError as error:
        kept_parent = None if error.field == "parent" else parent_id
        keep(kept_parent, error)
        return redirect(_form_url(target, kept_parent))

    _clear_draft(request, target)
    comment = result.comment
    if not result.created:
        messages.info(
            request,
            "You had already posted this comment, so it was not posted twice. Here it is.",
        )
    elif comment.state == State.SPAM:
        # Caught by a rule meant for robots: said as kindly as a hold, nothing to see.
        messages.success(request, "Thank you. Your comment was received and is held for review.")
        return redirect(f"{target.get_absolute_url()}#discussion")
    elif comment.state == State.PENDING:
        messages.success(
            request,
            "Thank you. Your comment is held for review: a moderator will read it before it "
            "is published. Until then only you can see it, marked “Pending review”.",
        )
    else:
        messages.success(request, "Thank you. Your comment is published.")
    return redirect(selectors.comment_url(comment, request.user))


@csrf_exempt  # shared pages carry no token; this stores only the visitor's own text
@require_POST
def draft(request: HttpRequest, target_id: int) -> HttpResponse:
    """The signed-out reader's way from the comment box to signing in or up, text kept.

    Shared pages are the same for everyone, so their form carries no CSRF token and this
    endpoint can be reached from anywhere. It therefore does nothing on anyone's behalf: it
    keeps the unsent text (bounded) in the visitor's own session, never posts, never ticks
    the FAQ-credit box, and the form shows the text back for the reader to check and send.
    A signed-out visitor's session for it is short-lived, and new ones are limited per
    client address (a 429 that keeps nothing).
    """
    target = _published_target_or_404(target_id)
    parent_id = _int_or_none(request.POST.get("parent"))
    body = request.POST.get("body", "").strip()
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        # From another site: keep nothing and touch no session (that would sign a reader
        # out, or put words in their box); just the way to sign in.
        return redirect(_login_url(target.get_absolute_url()))
    if body and (refused := _draft_session_refused(request, target)):
        return refused
    if body:
        _save_draft(request, target, body, parent_id, kept=True)
    destination = _form_url(target, parent_id) if body else target.get_absolute_url()
    if request.user.is_authenticated:
        return redirect(destination)
    if body:
        messages.info(request, KEPT_WHILE_SIGNING_IN)
    if request.POST.get("then") == "signup":
        return redirect(_signup_url(destination))
    return redirect(_login_url(destination))


@csrf_exempt  # checked in _submit, which keeps the reader's text when the check fails
@require_POST
def post(request: HttpRequest, target_id: int) -> HttpResponse:
    target = _published_target_or_404(target_id)
    return _submit(request, target, _int_or_none(request.POST.get("parent")))


@csrf_exempt  # checked in _submit, which keeps the reader's text when the check fails
@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the piece with the reply form under the comment. POST: post the reply."""
    parent = get_object_or_404(Comment.objects.select_related("target"), pk=pk)
    target = parent.target
    if not target.is_published:
        raise Http404
    if request.method == "GET":
        # The reply form opens under the comment, on the page of the thread that holds it.
        page = selectors.top_level_page_number(parent, request.user)
        query = urlencode({**({"cpage": page} if page > 1 else {}), "reply_to": parent.pk})
        form_url = f"{target.get_absolute_url()}?{query}#comment-form"
        if not request.user.is_authenticated:
            return redirect(_login_url(form_url))
        return redirect(form_url)
    return _submit(request, target, parent.pk)


# A reader's own comment --------------------------------------------------------------


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("target", "author"), pk=pk, author_id=request.user.pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if not comment.can_be_edited_now():
        messages.error(
            request,
            f"Comments can be edited for {settings.COMMENTS_EDIT_WINDOW_MINUTES} minutes after "
            "posting while they are pending or published; this one can no longer be edited.",
        )
        return redirect(selectors.comment_url(comment, request.user))
    form = CommentBodyForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            posting.edit_comment(
                comment=comment, editor=request.user, body=form.cleaned_data["body"]
            )
        except CommentError as error:
            form.add_error("body" if error.field == "body" else None, error.message)
        else:
            messages.success(request, "Your comment was updated. It now shows as edited.")
            return redirect(selectors.comment_url(comment, request.user))
    return render(request, "comments/edit.html", {"form": form, "comment": comment})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if not comment.is_live:
        messages.info(request, f"This comment is already {comment.get_state_display().lower()}.")
        return redirect(reverse("comments:mine"))
    if request.method == "POST":
        try:
            posting.withdraw_comment(comment=comment, actor=request.user)
        except CommentError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                "Your comment was withdrawn. Nobody sees its text any more; where others "
                "replied to it, a note says it was withdrawn.",
            )
        return redirect(comment.get_absolute_url())
    return render(request, "comments/withdraw.html", {"comment": comment})


# Other readers' comments -------------------------------------------------------------


def _public_comment(pk: int) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("target", "author"), pk=pk, state=State.APPROVED
    )
    if not comment.target.is_published:
        raise Http404
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _public_comment(pk)
    back = selectors.comment_url(comment, request.user)
    sanction = moderator().sanction(request.user)
    if sanction:  # told before they type: the reason and the end, no form; nothing kept
        return render(request, "comments/report.html", {"comment": comment, "sanction": sanction})
    try:
        posting.check_can_post(request.user)
        if comment.author_id == request.user.pk:
            raise CommentError("You can't report your own comment.")
    except CommentError as error:
        messages.error(request, error.message)
        return redirect(back)
    if comment.reports.filter(reporter_id=request.user.pk).exists():
        messages.info(request, "You have already reported this comment. Thank you.")
        return redirect(back)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, created = reports.report_comment(
                comment=comment,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except CommentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                "Thank you. Your report was sent to the moderators."
                if created
                else "You have already reported this comment. Thank you.",
            )
            return redirect(back)
    return render(request, "comments/report.html", {"form": form, "comment": comment})


@require_POST
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _public_comment(pk)
    back = safe_next(request, selectors.comment_url(comment, request.user)).split("#")[0]
    back = f"{back}#{comment.anchor}"  # one form serves every comment on the page
    if not request.user.is_authenticated:
        messages.info(request, "Sign in to recommend comments.")
        return redirect(_login_url(f"{comment.target.get_absolute_url()}#{comment.anchor}"))
    try:
        posting.check_can_post(request.user)
        if request.POST.get("undo"):
            recommendations.unrecommend_comment(comment=comment, user=request.user)
        elif not recommendations.recommend_comment(comment=comment, user=request.user):
            messages.info(request, "You had already recommended this comment.")
    except CommentError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(back)


# Following ---------------------------------------------------------------------------

FOLLOWING = {
    Follow.Mode.EACH: "You follow this discussion: each new comment comes to you by email "
    "once it is published.",
    Follow.Mode.DAILY: "You follow this discussion: a daily email brings the comments "
    "published that day.",
}


@require_POST
def follow(request: HttpRequest, target_id: int) -> HttpResponse:
    """Follow a discussion (mode: each, daily) or stop (mode: stop); a form, no script."""
    target = _published_target_or_404(target_id)
    back = f"{target.get_absolute_url()}#discussion-follow"
    if not request.user.is_authenticated:
        return redirect(_login_url(back))
    mode = request.POST.get("mode", "")
    if mode in Follow.Mode.values and not posting.has_verified_email(request.user):
        # Mail goes only to addresses their owner confirmed: never a way to send it to others.
        messages.error(request, "Confirm your email address first: then you can follow.")
    elif mode == "stop":
        follows.unfollow(user_id=request.user.pk, target_id=target.pk)
        messages.success(request, "You no longer follow this discussion: no more email about it.")
    elif mode in Follow.Mode.values:
        follows.follow(user=request.user, target=target, mode=mode)
        messages.success(request, FOLLOWING[mode])
    else:
        messages.error(request, "Choose how to follow the discussion: each comment, or daily.")
    return redirect(back)


@csrf_exempt  # mail apps post here in one click (RFC 8058); the signed token is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the mail a link in it names, without signing in. A GET asks first (a link may
    be opened by a mail scanner); a POST, from the page or a mail app, stops it."""
    what = follows.read_unsubscribe_token(token)
    if what is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        done = follows.unsubscribe(what)
        return render(request, "comments/unsubscribe.html", {"done": done})
    context = {"token": token, "replies": "replies" in what}
    if not context["replies"]:
        context["target"] = target_model().objects.filter(pk=what["target"]).first()
    return render(request, "comments/unsubscribe.html", context)


# Finding comments --------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def locate(request: HttpRequest, pk: int) -> HttpResponse:
    """/comments/<id>/: the page of the piece where the comment is, at its anchor."""
    comment = get_object_or_404(Comment.objects.select_related("target"), pk=pk)
    if not comment.target.is_published:
        raise Http404
    if not selectors.is_shown_to(comment, request.user):
        # Not on the page for this reader (held, or gone without replies): the discussion.
        return redirect(f"{comment.target.get_absolute_url()}#discussion")
    return redirect(selectors.comment_url(comment, request.user))


@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.comments_by(request.user), 20).get_page(request.GET.get("page"))
    nodes = [
        selectors.Node(
            comment=comment,
            shown=True,
            is_own=True,
            can_edit=comment.can_be_edited_now(),
            can_withdraw=comment.is_live,
        )
        for comment in page.object_list
    ]
    # The reasons for a moderator's decision, and where the author reads them in full.
    labels = dict(CommentEvent.Reason.choices)
    hook = moderator()
    for node in nodes:
        comment = node.comment
        comment.decision_label = labels.get(comment.decision_category or "", "")
        comment.decision_url = hook.decision_url(comment.decision_id) if comment.decision_id else ""
    return render(request, "comments/mine.html", {"page": page, "nodes": nodes})

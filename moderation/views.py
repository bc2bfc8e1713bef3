"""The queue page for moderators, /moderation/: a list, or one comment at a time.

Each comment comes with what a decision needs: the piece, the comment it answers, why it
was held, its open reports and its author's history. The buttons are forms (POST, CSRF)
that work without JavaScript; static/js/moderation.js adds the keyboard (j/k to move,
a/r/s/f to approve, reject, mark as spam, feature, u to undo) and sends the same forms
with fetch(), answered here with JSON and the comment's new HTML, without a reload.

On the list of a queue of waiting comments, near-duplicates are shown together as one
group (`moderation.groups`) whose buttons decide them all; every list has a multi-select
(a box per comment, all on the page) for one decision on several. Both post to `bulk`,
which decides only what the page showed, still as it showed it, as one batch: one undo
reverts it whole.

Only the Moderators group (comments.change_comment) gets in: signed-out visitors are sent
to sign in, everyone else is refused (403). Every action is `moderation.actions`'s, as
in the admin.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from comments.errors import CommentError
from comments.models import Comment, CommentEvent
from core.redirects import safe_next

from . import actions, groups, queues, readers, second_looks, statements
from . import stats as queue_stats
from .forms import BulkForm, ReaderNoteForm
from .models import ReaderNote, ScorerModel, SecondLook

PER_PAGE = 20


def moderator_required(view):
    return login_required(
        permission_required(actions.MODERATE_PERMISSION, raise_exception=True)(view)
    )


@dataclass
class Item:
    """One comment on the queue page, with what its buttons and notes need."""

    comment: Comment
    actions: list[actions.Action]
    reasons: list[tuple[str, int]]
    categories = CommentEvent.Reason.choices
    # False once decided in place out of the page's queue: no box of the multi-select then
    # (nor the state it was seen in), so "Select all" no longer takes it.
    in_queue: bool = True

    @property
    def decided_category(self) -> str:
        """The reason from the list its author was given, while the comment is gone."""
        if self.comment.state not in statements.DECISION_STATES:
            return ""
        labels = dict(CommentEvent.Reason.choices)
        return labels.get(getattr(self.comment, "decided_category", None) or "", "")

    @property
    def review_category(self) -> str:
        """The reason from the list of the decision an open second look is about."""
        labels = dict(CommentEvent.Reason.choices)
        return labels.get(getattr(self.comment, "open_review_category", None) or "", "")

    @classmethod
    def of(cls, comment: Comment, *, in_queue: bool = True) -> "Item":
        return cls(
            comment=comment,
            actions=actions.available_actions(
                comment, open_reports=getattr(comment, "open_report_count", 0)
            ),
            reasons=queues.report_reasons(comment),
            in_queue=in_queue,
        )


def _tabs(current: queues.Queue | None, *, one: bool) -> list[dict]:
    counts = queues.counts()
    name = "moderation:next" if one else "moderation:queue"
    return [
        {
            "key": key,
            "label": queue.label,
            "count": counts[key],
            "url": f"{reverse(name)}?queue={key}",
            "current": current is not None and key == current.key,
        }
        for key, queue in queues.QUEUES.items()
    ]


def _waiting(tabs: list[dict]) -> int:
    """The header's count of comments waiting, from the tabs' (not counted twice)."""
    return next(tab["count"] for tab in tabs if tab["key"] == "pending")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _item_html(request: HttpRequest, comments: list[Comment], next_url: str) -> dict[str, str]:
    """The comments' fresh HTML for the page at `next_url`; those no longer in its queue
    (decided in place) without their box of the multi-select. One query for that."""
    current = queues.queue_or_default(QueryDict(urlsplit(next_url).query).get("queue"))
    pks = [comment.pk for comment in comments]
    in_queue = Comment.objects.filter(current.condition, pk__in=pks)
    still = set(in_queue.values_list("pk", flat=True)) if pks else set()
    return {
        str(comment.pk): render_to_string(
            "moderation/includes/item.html",
            {"item": Item.of(comment, in_queue=comment.pk in still), "next_url": next_url},
            request=request,
        )
        for comment in comments
    }


def _answer(
    request: HttpRequest, ok: bool, message: str, comments: list[Comment], next_url: str
) -> dict:
    """What the page's script gets back: the sentence to announce, the comments' new HTML,
    and every queue's count, so that the tabs never go stale."""
    return {
        "ok": ok,
        "message": message,
        "items": _item_html(request, comments, next_url),
        "counts": queues.counts(),
    }


@dataclass
class GroupEntry:
    """Near-duplicate comments on the queue page, with the decisions that take them all."""

    group: groups.Group
    items: list[Item]
    actions: list[actions.Action]
    categories = CommentEvent.Reason.choices

    @classmethod
    def of(cls, group: groups.Group, queue: queues.Queue) -> "GroupEntry":
        # Near-duplicates are mostly spam: that decision first (the prominent one), then
        # the others that need no reason, then those that open a reason's form (which,
        # opened, pushes no button away).
        decisions = [actions.ACTIONS[name] for name in queue.bulk]
        decisions.sort(key=lambda action: (action.needs_reason, action.name != actions.SPAM))
        return cls(
            group=group,
            items=[Item.of(comment) for comment in group.members],
            actions=decisions,
        )


def _queue_page(
    request: HttpRequest,
    params: QueryDict,
    *,
    here: str,
    bulk_form: BulkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    current = queues.queue_or_default(params.get("queue"))
    sort = queues.PRIORITY if params.get("sort") == queues.PRIORITY else ""
    page = Paginator(queues.in_queue(current, sort=sort), PER_PAGE).get_page(params.get("page"))
    comments = list(page.object_list)
    found = groups.near_duplicates(page=comments, queue=current)
    entries = [
        GroupEntry.of(entry, current) if isinstance(entry, groups.Group) else Item.of(entry)
        for entry in groups.arrange(page=comments, groups=found)
    ]
    tabs = _tabs(current, one=False)
    bulk_actions = [actions.ACTIONS[name] for name in current.bulk]
    return render(
        request,
        "moderation/queue.html",
        {
            "queue": current,
            "tabs": tabs,
            "moderation_waiting": _waiting(tabs),
            "page": page,
            "params": params,  # the queue's own query string (the pages' links keep it)
            "entries": entries,
            "shown": len(comments) + sum(group.beyond_page for group in found),
            "here": here,
            "bulk_actions": bulk_actions,
            # The reason's fields, where one of those actions needs one (not to restore).
            "bulk_reason": any(action.needs_reason for action in bulk_actions),
            "bulk_form": bulk_form,
            "selected": bulk_form.selected if bulk_form is not None else set(),
            "categories": CommentEvent.Reason.choices,
            "one_url": f"{reverse('moderation:next')}?queue={current.key}",
            "by_priority": sort == queues.PRIORITY,
        },
        status=status,
    )


@moderator_required
@require_http_methods(["GET", "HEAD"])
def queue(request: HttpRequest) -> HttpResponse:
    """A queue as a list, a page at a time; near-duplicates grouped in queues that wait."""
    return _queue_page(request, request.GET, here=request.get_full_path())


# Far past any queue, far inside any database's integers (SQLite's OFFSET is 64-bit).
MAX_POSITION = 1_000_000


def _position(value) -> int:
    """A position from the query string: 0 for junk, never below 0 or past MAX_POSITION."""
    try:
        return min(max(0, int(value)), MAX_POSITION)
    except (TypeError, ValueError):
        return 0


@moderator_required
@require_http_methods(["GET", "HEAD"])
def next_item(request: HttpRequest) -> HttpResponse:
    """A queue one comment at a time: the comment at ?position= (0, the first, by default).

    Deciding on a comment takes it out of the queue, so the same position then shows the
    next one; "Skip" moves the position on."""
    current = queues.queue_or_default(request.GET.get("queue"))
    position = _position(request.GET.get("position"))
    in_queue = queues.in_queue(current)
    comment = next(iter(in_queue[position : position + 1]), None)
    tabs = _tabs(current, one=True)
    total = next(tab["count"] for tab in tabs if tab["current"])
    base = f"{reverse('moderation:next')}?queue={current.key}"
    return render(
        request,
        "moderation/one.html",
        {
            "queue": current,
            "tabs": tabs,
            "moderation_waiting": _waiting(tabs),
            "item": Item.of(comment) if comment else None,
            "position": position,
            "total": total,
            "here": f"{base}&position={position}",
            "previous_url": f"{base}&position={position - 1}" if position > 0 else "",
            "next_url": f"{base}&position={position + 1}" if position + 1 < total else "",
            "list_url": f"{reverse('moderation:queue')}?queue={current.key}",
        },
    )


@moderator_required
@require_http_methods(["GET", "HEAD"])
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """One comment, whatever its queue (links from mail and from the admin)."""
    comment = get_object_or_404(queues.for_moderation(), pk=pk)
    tabs = _tabs(None, one=False)
    return render(
        request,
        "moderation/one.html",
        {
            "queue": None,
            "tabs": tabs,
            "moderation_waiting": _waiting(tabs),
            "item": Item.of(comment),
            "here": request.get_full_path(),
            "list_url": reverse("moderation:queue"),
        },
    )


@moderator_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply one action to one comment, as the moderator saw it (`state`)."""
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    action = request.POST.get("action", "")
    back = safe_next(request, reverse("moderation:queue"))
    status = 200
    try:
        actions.moderate(
            comment=comment,
            action=action,
            moderator=request.user,
            expected_state=request.POST.get("state") or None,
            reason=request.POST.get("reason", ""),
            category=request.POST.get("category", ""),
        )
    except CommentError as error:
        ok, message = False, error.message
        status = 409 if error.code == "conflict" else 400
    else:
        spec = actions.ACTIONS[action]
        ok = True
        message = f"Comment by {comment.author.public_name} {spec.done}. Press u to undo."
    if _wants_json(request):
        fresh = list(queues.for_moderation().filter(pk=pk))
        return JsonResponse(_answer(request, ok, message, fresh, back), status=status)
    (messages.success if ok else messages.error)(request, message)
    return redirect(back)


@moderator_required
@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    """Undo the moderator's last action (a whole bulk action)."""
    back = safe_next(request, reverse("moderation:queue"))
    try:
        result = actions.undo_last_action(moderator=request.user)
    except CommentError as error:
        ok, message, undone = False, error.message, []
    else:
        ok, message = True, result.message
        undone = [event.comment_id for event in result.undone]
    if _wants_json(request):
        fresh = list(queues.for_moderation().filter(pk__in=undone)) if undone else []
        # The page makes the first comment given back the current one again.
        answer = _answer(request, ok, message, fresh, back) | {"undone": undone}
        return JsonResponse(answer, status=200 if ok else 409)
    (messages.success if ok else messages.warning)(request, message)
    return redirect(back)


def _bulk_message(spec: actions.Action, result: actions.BulkResult) -> str:
    done, refused = len(result.done), len(result.refused)
    why = " ".join(f"#{comment.pk}: {reason}" for comment, reason in result.refused)
    if not done:
        who = "it" if refused == 1 else f"the {refused}"
        return f"No comment was {spec.done}: {who} had changed meanwhile. {why}"
    message = f"{done} comment{pluralize(done)} {spec.done}. “Undo my last action” reverts "
    message += "it." if done == 1 else "them all."
    if refused:
        was, left = ("was", "it is") if refused == 1 else ("were", "they are")
        message += f" {refused} had changed meanwhile and {was} left as {left}: {why}"
    return message


@moderator_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """One action on several comments: a group of near-duplicates, or those ticked on the
    page. Only comments the page showed, still in the state it showed, are decided; one
    batch, so "Undo my last action" reverts them all."""
    back = safe_next(request, reverse("moderation:queue"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        if _wants_json(request):
            answer = {"ok": False, "message": message, "items": {}, "counts": queues.counts()}
            return JsonResponse(answer, status=400)
        # Shown again as it was sent: the selection, the action and the words kept.
        params = QueryDict(urlsplit(back).query)
        return _queue_page(request, params, here=back, bulk_form=form, status=400)
    chosen = form.cleaned_data["chosen"]
    spec = actions.ACTIONS[form.cleaned_data["action"]]
    try:
        result = actions.moderate_many(
            comments=Comment.objects.select_related("author")
            .filter(pk__in=chosen)
            .order_by("created_at", "id"),
            action=spec.name,
            moderator=request.user,
            reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"],
            expected_states=form.cleaned_data["shown"],
        )
    except CommentError as error:
        ok, message, status = False, error.message, 400
    else:
        ok, message = bool(result.done), _bulk_message(spec, result)
        status = 200 if ok else 409
    if _wants_json(request):
        fresh = list(queues.for_moderation().filter(pk__in=chosen))
        return JsonResponse(_answer(request, ok, message, fresh, back), status=status)
    (messages.success if ok else messages.error)(request, message)
    return redirect(back)


# Statements of reasons and second looks ------------------------------------------------


@moderator_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement of reasons its author would get, before the moderator decides; the
    same form, to decide from here. Nothing changes."""
    comment = get_object_or_404(Comment.objects.select_related("author", "target"), pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    spec = actions.ACTIONS.get(data.get("action", ""))
    if spec is None or spec.to_state not in statements.DECISION_STATES:
        raise Http404
    category = spec.category or data.get("category", "")
    error = ""
    if category not in CommentEvent.Reason.values:
        error = f"Choose why the comment is {spec.done}: its author will be told."
    statement = statements.preview(
        comment=comment,
        to_state=spec.to_state,
        category=category,
        words=actions.clean_reason(data.get("reason", "")[: actions.REASON_MAX_LENGTH]),
    )
    context = statements.context(statement, opt_out_url="(a link to stop these emails)")
    context["statement_text"] = render_to_string("moderation/email/statement_body.txt", context)
    tabs = _tabs(None, one=False)
    return render(
        request,
        "moderation/preview.html",
        {
            **context,
            "tabs": tabs,
            "moderation_waiting": _waiting(tabs),
            "action": spec,
            "error": error,
            "reason": data.get("reason", ""),
            "categories": CommentEvent.Reason.choices,
            "next_url": safe_next(request, reverse("moderation:queue")),
        },
    )


def _decision_for(request: HttpRequest, event_id: int) -> CommentEvent:
    """A decision on the signed-in reader's own comment (moderators may read any)."""
    event = get_object_or_404(
        CommentEvent.objects.select_related("comment__target", "comment__author", "actor"),
        pk=event_id,
    )
    mine = event.comment.author_id == request.user.pk
    if not statements.is_statement_decision(event) or not (
        mine or request.user.has_perm(actions.MODERATE_PERMISSION)
    ):
        raise Http404
    return event


@login_required
@require_http_methods(["GET", "HEAD"])
def statement(request: HttpRequest, event_id: int) -> HttpResponse:
    """The statement of reasons for one decision, and the way to ask for a second look."""
    event = _decision_for(request, event_id)
    review = SecondLook.objects.filter(decision=event).select_related("outcome_event").first()
    context = statements.context(statements.of_event(event), opt_out_url="")
    return render(
        request,
        "moderation/statement.html",
        {
            **context,
            "statement_text": render_to_string("moderation/email/statement_body.txt", context),
            "event": event,
            "review": review,
            "undone": event.undone_by.order_by("created_at").first(),
            "can_ask": review is None and second_looks.can_ask(event, request.user),
            "opted_out": statements.opted_out(request.user),
            "is_author": event.comment.author_id == request.user.pk,
        },
    )


@login_required
@require_POST
def ask(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _decision_for(request, event_id)
    try:
        second_looks.ask_for_second_look(
            event=event, author=request.user, words=request.POST.get("words", "")
        )
    except CommentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Asked. Another moderator will look at it again; you will be told by email."
        )
    return redirect("moderation:statement", event_id=event.pk)


@login_required
@require_POST
def statement_mail(request: HttpRequest) -> HttpResponse:
    """Signed in: mail with the reasons for decisions, on or off."""
    statements.set_opted_out(user=request.user, opted_out=request.POST.get("mail") != "on")
    messages.success(request, "Saved.")
    return redirect(safe_next(request, reverse("comments:mine")))


@moderator_required
@require_POST
def decide_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(SecondLook, pk=pk)
    back = safe_next(request, reverse("moderation:item", args=[review.comment_id]))
    try:
        decided = second_looks.decide_second_look(
            review=review,
            moderator=request.user,
            uphold=request.POST.get("outcome") != "reverse",
            words=request.POST.get("reason", ""),
        )
    except CommentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Second look: {decided.get_outcome_display().lower()}.")
    return redirect(back)


@csrf_exempt  # mail apps post here in one click (RFC 8058); the signed token is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """One click from a statement's mail, without signing in: no more of these mails. GET
    asks (mail scanners follow links); POST, from the page or the mail client
    (List-Unsubscribe-Post), does it."""
    user_id = statements.read_opt_out_token(token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return render(request, "moderation/opt_out.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        statements.set_opted_out(user=user, opted_out=True)
        done = True
    return render(request, "moderation/opt_out.html", {"done": done, "token": token})


# The queue's figures, and one reader ---------------------------------------------------


@moderator_required
@require_http_methods(["GET", "HEAD"])
def stats(request: HttpRequest) -> HttpResponse:
    """How long comments wait for a decision, how many wait now, who decided what."""
    return render(
        request,
        "moderation/stats.html",
        {
            "waits": queue_stats.waits(),
            "waiting": queue_stats.waiting_now(),
            "moderators": queue_stats.decisions_per_moderator(),
            "windows": queue_stats.WINDOWS,
        },
    )


SCORER_RUNS = 20


@moderator_required
@require_http_methods(["GET", "HEAD"])
def scorer(request: HttpRequest) -> HttpResponse:
    """The comment scorer: the model in use and its evaluation, or why there is none, and
    the last trainings, whatever came of them."""
    runs = list(ScorerModel.objects.defer("estimator", "weights")[:SCORER_RUNS])
    return render(
        request,
        "moderation/scorer.html",
        {
            "in_use": ScorerModel.objects.defer("estimator", "weights")
            .filter(outcome=ScorerModel.Outcome.IN_USE)
            .first(),
            "latest": runs[0] if runs else None,
            "runs": runs,
            "needs": settings.MODERATION_SCORER_MIN_DECISIONS,
            "needs_each": settings.MODERATION_SCORER_MIN_EACH,
            "retrain_hours": settings.MODERATION_SCORER_RETRAIN_HOURS,
        },
    )


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def reader(request: HttpRequest, pk: int) -> HttpResponse:
    """A reader's comments and the decisions on them, their sanctions, and moderators'
    notes on them, with a form to add one (or to correct one, which adds a new note)."""
    person = get_object_or_404(get_user_model(), pk=pk)
    form = ReaderNoteForm()
    correcting = None
    if request.method == "POST":
        form = ReaderNoteForm(request.POST)
        valid = form.is_valid()
        replaces_id = form.cleaned_data.get("replaces")
        if replaces_id:
            correcting = ReaderNote.objects.filter(reader=person, pk=replaces_id).first()
        if replaces_id and correcting is None:
            form.add_error(None, "That note is not one of this reader's.")
        elif valid:
            try:
                note = readers.add_note(
                    reader=person,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    replaces=correcting,
                )
            except CommentError:
                form.add_error(None, "That note was corrected already: read its new wording.")
            else:
                messages.success(
                    request, "Note added." if correcting is None else "Note corrected."
                )
                return redirect(note)
    return render(
        request,
        "moderation/reader.html",
        {
            "person": person,
            "comments": readers.history(reader=person),
            "history_limit": readers.HISTORY_LIMIT,
            "sanctions": readers.sanctions(reader=person),
            "notes": readers.notes(reader=person),
            "form": form,
            "correcting": correcting,
        },
        status=400 if form.errors else 200,
    )

"""Moderation in the admin: queues, actions one by one or in bulk, undo, sanctions, lists.

Every change goes through `moderation.actions` (and from there comments' own writes,
which record
it): the admin never saves a comment's fields itself, adds nothing and deletes nothing.
The history of a comment (its `CommentEvent`s) is shown read-only on its page.

The changelist costs the same queries whatever the number of rows (see `moderation.queues`):
the queue counts, the page with its joins and subqueries, and the open reports.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from comments import states
from comments.errors import CommentError
from comments.models import Comment, CommentEvent, CommentRevision, Report
from core.redirects import safe_next

from . import actions, queues, sanctions, statements
from .models import BlockedEmailDomain, BlockedTerm, Notice, Sanction, SecondLook

State = Comment.State
BOTH = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


# The comment's own page: a change of state with a reason -------------------------------


class CommentAdminForm(forms.ModelForm):
    category = forms.ChoiceField(
        label="Reason from the list",
        required=False,
        choices=[("", "—"), *CommentEvent.Reason.choices],
        help_text="Required when rejecting or removing: its author is told.",
    )
    reason = forms.CharField(
        label="Reason for the change of state",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Recorded in the comment's history; shown to its author with the reason "
        "from the list when it is rejected or removed.",
    )
    # The state the moderator saw when the page was drawn: if it moved on since, the
    # change is refused and they are told who changed it and when.
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Comment
        fields = ["state"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "seen_state" in self.fields and self.instance.pk:
            self.fields["seen_state"].initial = self.instance.state
        if "state" in self.fields:
            # Withdrawing is the author's choice; moderators choose among the others.
            current = self.instance.state
            self.fields["state"].choices = [
                (value, label)
                for value, label in State.choices
                if value != State.WITHDRAWN or value == current
            ]

    def clean(self):
        cleaned = super().clean()
        if (
            "state" in self.changed_data
            and cleaned.get("state") in (State.REJECTED, State.REMOVED)
            and not cleaned.get("category")
        ):
            self.add_error("category", "Choose a reason from the list; its author will be told.")
        seen = cleaned.get("seen_state")
        if "state" in self.changed_data and seen and seen != self.initial.get("state"):
            self.add_error(None, states.conflict(self.instance).message)
        return cleaned


class ReasonForm(forms.Form):
    """One reason for every comment a bulk rejection or removal takes away."""

    category = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason…"), *CommentEvent.Reason.choices],
        help_text="Each author is told it.",
        error_messages={"required": "Choose a reason: each author will be told it."},
    )
    reason = forms.CharField(
        label="Your words (optional)",
        required=False,
        max_length=actions.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded in each comment's history, and shown to its author.",
    )


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Sanction",
        choices=[("suspension", "Suspend for a number of days"), ("ban", "Ban")],
        initial="suspension",
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label="Days (for a suspension)",
        min_value=1,
        max_value=sanctions.MAX_SUSPENSION_DAYS,
        initial=7,
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown to the commenter when they try to post.",
        error_messages={"required": "Give a reason: the commenter will read it."},
    )
    reject_waiting = forms.BooleanField(
        label="Also reject every comment of theirs that waits for review",
        required=False,
        initial=True,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "suspension" and not cleaned.get("days"):
            self.add_error("days", "Say for how many days.")
        return cleaned


# Lists on the change page, read-only ---------------------------------------------------


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CommentEventInline(_ReadOnlyInline):
    """The audit trail: every change, by whom (or the site, by which rule), from, to, why."""

    model = CommentEvent
    fk_name = "comment"
    fields = readonly_fields = ("created_at", "who", "what", "category", "reason", "undo_of")
    verbose_name = "event"
    verbose_name_plural = "Audit trail (every change, never editable)"

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("actor", "undoes")

    @admin.display(description="By")
    def who(self, event: CommentEvent) -> str:
        return event.actor_name

    @admin.display(description="Change")
    def what(self, event: CommentEvent) -> str:
        if event.kind != CommentEvent.Kind.STATE:
            return event.get_kind_display()
        to_state = event.get_to_state_display()
        if not event.from_state:
            return f"posted → {to_state}"
        return f"{event.get_from_state_display()} → {to_state}"

    @admin.display(description="Undoes")
    def undo_of(self, event: CommentEvent) -> str:
        if event.undoes_id is None:
            return "—"
        return date_format(event.undoes.created_at, "j M Y, H:i")


class ReportInline(_ReadOnlyInline):
    model = Report
    fields = readonly_fields = ("created_at", "reporter", "reason", "details", "status")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("reporter", "resolution__actor")

    @admin.display(description="Status")
    def status(self, report: Report) -> str:
        if report.resolution_id is None:
            return "Open"
        return f"Dealt with by {report.resolution.actor_name}"


class CommentRevisionInline(_ReadOnlyInline):
    model = CommentRevision
    fields = readonly_fields = ("created_at", "body")
    verbose_name_plural = "Earlier versions (before the author's edits)"


# Queues --------------------------------------------------------------------------------


class QueueFilter(admin.SimpleListFilter):
    """Pending (default), Reported, Published, …: each with its count, in one query."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin):
        counts = queues.counts()
        choices = [(k, f"{q.label} ({counts[k]})") for k, q in queues.QUEUES.items()]
        return [*choices, ("all", f"All comments ({counts['all']})")]

    def value(self) -> str:
        value = super().value()
        return value if value in queues.QUEUES or value == "all" else queues.DEFAULT_QUEUE

    def queryset(self, request: HttpRequest, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(queues.QUEUES[self.value()].condition)

    def choices(self, changelist):
        for key, title in self.lookup_choices:
            yield {
                "selected": self.value() == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": title,
            }


# Comments ------------------------------------------------------------------------------


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_display = (
        "text",
        "author_history",
        "article",
        "why_held",
        "scored",
        "report_summary",
        "status",
        "on_site",
        "created_at",
    )
    list_display_links = ("text",)
    list_filter = (QueueFilter,)
    search_fields = ("body", "author__display_name", "author__email", "target__title")
    show_full_result_count = False  # the queue filter shows every count already
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    readonly_fields = (
        "target",
        "author",
        "author_history",
        "thread_link",
        "depth",
        "body",
        "rendered",
        "held_reason",
        "report_summary",
        "is_featured",
        "featured_at",
        "allow_faq_credit",
        "recommendation_count",
        "created_at",
        "edited_at",
        "ip_hash",
    )
    fieldsets = (
        (
            None,
            {"fields": ("target", "author", "author_history", "thread_link", "body", "rendered")},
        ),
        (
            "State",
            {
                "fields": (
                    "state",
                    "category",
                    "reason",
                    "seen_state",
                    "held_reason",
                    "report_summary",
                    "is_featured",
                    "featured_at",
                )
            },
        ),
        (
            "Details",
            {
                "fields": (
                    "allow_faq_credit",
                    "depth",
                    "recommendation_count",
                    "created_at",
                    "edited_at",
                    "ip_hash",
                ),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = (CommentEventInline, ReportInline, CommentRevisionInline)
    actions = (
        "approve_selected",
        "reject_selected",
        "spam_selected",
        "remove_selected",
        "restore_selected",
        "feature_selected",
        "unfeature_selected",
        "sanction_authors",
        "promote_to_faq",
    )

    def get_queryset(self, request: HttpRequest):
        # ModelAdmin.get_queryset orders before the annotations the ordering may use.
        queryset = queues.for_moderation(self.model._default_manager.get_queryset())
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest):
        return queues.queue_or_default(request.GET.get("queue")).ordering

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # Read-only for editors: no form fields, only what the comment is.
        form_only = ("category", "reason", "seen_state")
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in form_only]})
            for name, opts in fieldsets
        ]

    # Columns -------------------------------------------------------------------------

    @admin.display(description="Comment")
    def text(self, comment: Comment) -> str:
        body = " ".join(comment.body.split())
        excerpt = body[:280] + ("…" if len(body) > 280 else "")
        if comment.is_featured:
            return format_html("★ {}", excerpt)
        return excerpt

    @admin.display(description="Author and history")
    def author_history(self, comment: Comment) -> str:
        author = comment.author
        return format_html(
            "{}<br><small>member since {} · {} published · {} rejected · {} spam</small>",
            author.public_name,
            date_format(author.date_joined, "M Y"),
            getattr(comment, "author_published", "?"),
            getattr(comment, "author_rejected", "?"),
            getattr(comment, "author_spam", "?"),
        )

    @admin.display(description="Piece", ordering="target__title")
    def article(self, comment: Comment) -> str:
        return comment.target.title

    @admin.display(description="Why held")
    def why_held(self, comment: Comment) -> str:
        return comment.held_reason or "—"

    @admin.display(description="Score", ordering="score")
    def scored(self, obj: Comment) -> str:
        """The scorer's estimate that moderators turn it down (moderation.scorer)."""
        return "—" if obj.score is None else f"{obj.score:.2f}"

    @admin.display(description="Open reports", ordering="open_report_count")
    def report_summary(self, comment: Comment) -> str:
        count = getattr(comment, "open_report_count", 0)
        if not count:
            return "—"
        reasons = format_html_join(
            ", ", "{} ×{}", ((label, n) for label, n in queues.report_reasons(comment))
        )
        return format_html("<strong>{}</strong>: {}", count, reasons)

    @admin.display(description="State", ordering="state")
    def status(self, comment: Comment) -> str:
        label = comment.get_state_display()
        return f"{label}, featured" if comment.is_featured else label

    @admin.display(description="On the site")
    def on_site(self, comment: Comment) -> str:
        return format_html(
            '<a href="{}" title="Comment {} in its thread on the site">In its thread</a>',
            comment.get_absolute_url(),
            comment.pk,
        )

    @admin.display(description="As readers see it")
    def rendered(self, comment: Comment) -> str:
        # body_html was sanitised (nh3) by the comment pipeline when it was saved.
        return format_html('<div class="comment-preview">{}</div>', mark_safe(comment.body_html))  # noqa: S308

    @admin.display(description="In the thread")
    def thread_link(self, comment: Comment) -> str:
        links = [format_html('<a href="{}">Show on the piece</a>', comment.get_absolute_url())]
        links.append(
            format_html(
                '<a href="{}">Open in the moderation queue</a>',
                reverse("moderation:item", args=[comment.pk]),
            )
        )
        links.append(
            format_html(
                '<a href="{}">The author’s history and notes</a>',
                reverse("moderation:reader", args=[comment.author_id]),
            )
        )
        return mark_safe(" · ".join(links))  # noqa: S308 - each part was escaped above

    # Permissions ---------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are written on the site, by readers

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # nothing a reader wrote is destroyed; remove it instead

    def has_sanction_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(sanctions.SANCTION_PERMISSION)

    def has_promote_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("faq.add_faqitem")

    # The change page -----------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Comment, form, change: bool) -> None:
        # The form only edits the state; the change goes through the moderation service,
        # which records it. Nothing else of the row is saved from here.
        if "state" not in form.changed_data:
            return
        try:
            actions.set_state(
                comment=obj,
                to_state=form.cleaned_data["state"],
                moderator=request.user,
                expected_state=form.cleaned_data.get("seen_state") or None,
                reason=form.cleaned_data.get("reason", ""),
                category=form.cleaned_data.get("category", ""),
            )
        except CommentError as error:
            messages.error(request, error.message)

    # Actions, on the list and on a comment's page --------------------------------------

    def _act(
        self, request: HttpRequest, queryset, action: str, reason: str = "", category: str = ""
    ) -> None:
        spec = actions.ACTIONS[action]
        try:
            result = actions.moderate_many(
                comments=list(queryset),
                action=action,
                moderator=request.user,
                reason=reason,
                category=category,
            )
        except CommentError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        if result.done:
            n = len(result.done)
            self.message_user(
                request,
                f"{n} comment{'s' if n != 1 else ''} {spec.done}. “Undo my last action” "
                "reverts it.",
                messages.SUCCESS,
            )
        for comment, why in result.refused:
            self.message_user(request, f"Comment {comment.pk}: {why}", messages.WARNING)

    @admin.action(description="Approve", permissions=["change"], location=BOTH)
    def approve_selected(self, request: HttpRequest, queryset) -> None:
        self._act(request, queryset, actions.APPROVE)

    @admin.action(description="Reject with a reason…", permissions=["change"], location=BOTH)
    def reject_selected(self, request: HttpRequest, queryset):
        return self._with_reason(
            request,
            queryset,
            actions.REJECT,
            title="Reject comments, with a reason",
            what="Rejecting keeps the comments off the site; “Restore” publishes one.",
        )

    @admin.action(description="Mark as spam", permissions=["change"], location=BOTH)
    def spam_selected(self, request: HttpRequest, queryset) -> None:
        self._act(request, queryset, actions.SPAM)

    @admin.action(description="Restore (publish again)", permissions=["change"], location=BOTH)
    def restore_selected(self, request: HttpRequest, queryset) -> None:
        self._act(request, queryset, actions.RESTORE)

    @admin.action(description="Feature (editors' pick)", permissions=["change"], location=BOTH)
    def feature_selected(self, request: HttpRequest, queryset) -> None:
        self._act(request, queryset, actions.FEATURE)

    @admin.action(description="Unfeature", permissions=["change"], location=BOTH)
    def unfeature_selected(self, request: HttpRequest, queryset) -> None:
        self._act(request, queryset, actions.UNFEATURE)

    def _confirm_page(self, request: HttpRequest, queryset, template: str, form, **context):
        action_field = next(
            (name for name in ("action", "CHANGE_FORM-action") if name in request.POST),
            "action",
        )
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": context.pop("title"),
                "comments": list(queryset),
                "form": form,
                "action_field": action_field,
                "action_name": request.POST.get(action_field, ""),
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                **context,
            },
        )

    @admin.action(description="Remove with a reason…", permissions=["change"], location=BOTH)
    def remove_selected(self, request: HttpRequest, queryset):
        return self._with_reason(
            request,
            queryset,
            actions.REMOVE,
            title="Remove comments, with a reason",
            what="Removing takes the comments off the site; “Restore” brings one back.",
        )

    def _with_reason(self, request: HttpRequest, queryset, action: str, *, title: str, what: str):
        """A confirmation page with one reason for all (from the list, and words), and a
        preview of the statement of reasons the first author would get."""
        spec = actions.ACTIONS[action]
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid() and "preview" not in request.POST:
            self._act(
                request,
                queryset,
                action,
                reason=form.cleaned_data["reason"],
                category=form.cleaned_data["category"],
            )
            return None
        comments = list(queryset.select_related("author", "target"))
        preview_text = ""
        if form.is_bound and form.is_valid() and comments:
            statement = statements.preview(
                comment=comments[0],
                to_state=spec.to_state,
                category=form.cleaned_data["category"],
                words=actions.clean_reason(form.cleaned_data["reason"]),
            )
            context = statements.context(statement, opt_out_url="(a link to stop these emails)")
            preview_text = render_to_string("moderation/email/statement_body.txt", context)
        return self._confirm_page(
            request,
            comments,
            "admin/comments/comment/decision_reason.html",
            form,
            title=title,
            verb=spec.label,
            what=what,
            preview_text=preview_text,
        )

    @admin.action(
        description="Suspend or ban the authors…", permissions=["sanction"], location=BOTH
    )
    def sanction_authors(self, request: HttpRequest, queryset):
        form = SanctionForm(request.POST if "apply" in request.POST else None)
        authors = {comment.author_id: comment.author for comment in queryset}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            for author in authors.values():
                try:
                    if data["kind"] == "ban":
                        sanction = sanctions.ban_commenter(
                            user=author,
                            moderator=request.user,
                            reason=data["reason"],
                            reject_waiting=data["reject_waiting"],
                        )
                    else:
                        sanction = sanctions.suspend_commenter(
                            user=author,
                            moderator=request.user,
                            days=data["days"],
                            reason=data["reason"],
                            reject_waiting=data["reject_waiting"],
                        )
                except CommentError as error:
                    self.message_user(
                        request, f"{author.public_name}: {error.message}", messages.ERROR
                    )
                else:
                    until = (
                        f"until {date_format(sanction.until, 'j F Y, H:i')}"
                        if sanction.until
                        else "until lifted"
                    )
                    self.message_user(
                        request,
                        f"{author.public_name}: {sanction.get_kind_display().lower()} {until}.",
                        messages.SUCCESS,
                    )
            return None
        return self._confirm_page(
            request,
            queryset,
            "admin/comments/comment/sanction.html",
            form,
            title="Suspend or ban commenters",
            authors=list(authors.values()),
        )

    @admin.action(
        description="Promote the question to the piece's FAQ (draft)…",
        permissions=["promote"],
        location=BOTH,
    )
    def promote_to_faq(self, request: HttpRequest, queryset):
        comments = list(queryset[:2])
        if len(comments) != 1:
            self.message_user(
                request, "Choose one comment: its question becomes one FAQ item.", messages.ERROR
            )
            return None
        try:
            url = reverse("admin:faq_faqitem_promote", args=[comments[0].pk])
        except NoReverseMatch:
            self.message_user(request, "The FAQ is not available here.", messages.ERROR)
            return None
        return HttpResponseRedirect(url)

    # Undo ----------------------------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "undo/",
                self.admin_site.admin_view(require_POST(self.undo_view)),
                name="comments_comment_undo",
            )
        ]
        return urls + super().get_urls()

    def undo_view(self, request: HttpRequest):
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            result = actions.undo_last_action(moderator=request.user)
        except CommentError as error:
            self.message_user(request, error.message, messages.WARNING)
        else:
            self.message_user(request, result.message, messages.SUCCESS)
        return HttpResponseRedirect(
            safe_next(request, reverse("admin:comments_comment_changelist"))
        )


# Sanctions and the lists moderators keep -------------------------------------------------


class ActiveSanctionFilter(admin.SimpleListFilter):
    title = "in force"
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin):
        return [("yes", "In force"), ("no", "Ended or lifted")]

    def queryset(self, request: HttpRequest, queryset):
        active = Sanction.objects.active().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    """The record of sanctions. They are given from a comment (the "Suspend or ban the
    authors…" action) and lifted here; nothing is edited or deleted."""

    list_display = ("user", "kind", "until", "reason", "created_by", "created_at", "state")
    list_filter = (ActiveSanctionFilter, "kind")
    list_select_related = ("user", "created_by", "lifted_by")
    search_fields = ("user__display_name", "user__email", "reason")
    readonly_fields = (
        "user",
        "kind",
        "reason",
        "until",
        "created_by",
        "created_at",
        "lifted_by",
        "lifted_at",
    )
    fields = readonly_fields
    actions = ("lift_selected",)
    ordering = ("-created_at", "-id")

    @admin.display(description="State")
    def state(self, sanction: Sanction) -> str:
        if sanction.lifted_at:
            return f"Lifted by {sanction.lifted_by.public_name if sanction.lifted_by else '—'}"
        return "In force" if sanction.is_active() else "Ended"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description="Lift the selected sanctions", permissions=["change"], location=BOTH)
    def lift_selected(self, request: HttpRequest, queryset) -> None:
        lifted = 0
        for sanction in queryset:
            try:
                sanctions.lift_sanction(sanction=sanction, moderator=request.user)
            except CommentError as error:
                self.message_user(request, f"{sanction}: {error.message}", messages.WARNING)
            else:
                lifted += 1
        if lifted:
            self.message_user(request, f"{lifted} lifted.", messages.SUCCESS)


class _ListAdmin(admin.ModelAdmin):
    """Entries are switched off (unticked), never deleted: the list keeps its history."""

    list_editable = ("is_active",)
    list_filter = ("is_active",)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(BlockedTerm)
class BlockedTermAdmin(_ListAdmin):
    list_display = ("term", "action", "is_active", "note", "created_at")
    list_filter = ("action", "is_active")
    search_fields = ("term", "note")
    fields = ("term", "action", "is_active", "note")


@admin.register(BlockedEmailDomain)
class BlockedEmailDomainAdmin(_ListAdmin):
    list_display = ("domain", "is_active", "note", "created_at")
    search_fields = ("domain", "note")
    fields = ("domain", "is_active", "note")


class ModeratorsRecordAdmin(admin.ModelAdmin):
    """A record moderators read and nobody edits here: what it records is decided on the
    moderation pages."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(actions.MODERATE_PERMISSION)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SecondLook)
class SecondLookAdmin(ModeratorsRecordAdmin):
    """The record of second looks: asked for by authors, decided from the queue page (the
    "Second looks" queue) by a moderator other than the one who decided; nothing edited."""

    list_display = ("comment", "requested_by", "requested_at", "first_moderator", "outcome_label")
    list_filter = ("outcome",)
    list_select_related = ("comment", "requested_by", "first_moderator", "decided_by")
    readonly_fields = (
        "comment",
        "decision",
        "requested_by",
        "words",
        "requested_at",
        "first_moderator",
        "outcome",
        "decided_by",
        "decided_at",
        "decide",
    )
    fields = readonly_fields

    @admin.display(description="Outcome")
    def outcome_label(self, review: SecondLook) -> str:
        return review.get_outcome_display()

    @admin.display(description="Decide")
    def decide(self, review: SecondLook) -> str:
        return format_html(
            '<a href="{}">Open in the moderation queue</a>',
            reverse("moderation:item", args=[review.comment_id]),
        )


@admin.register(Notice)
class NoticeAdmin(ModeratorsRecordAdmin):
    """The record of notices of illegal content, decided on /moderation/notices/; nothing
    edited here."""

    list_display = ("comment", "created_at", "decision_label", "decided_by", "decided_at")
    list_filter = ("decision", "concerns_csam")
    list_select_related = ("comment", "decided_by")
    readonly_fields = (
        "comment",
        "location",
        "explanation",
        "name",
        "email",
        "concerns_csam",
        "good_faith",
        "created_at",
        "decision",
        "grounds",
        "decided_by",
        "decided_at",
        "decide",
    )
    fields = readonly_fields

    @admin.display(description="Decision")
    def decision_label(self, notice: Notice) -> str:
        return notice.get_decision_display()

    @admin.display(description="Decide")
    def decide(self, notice: Notice) -> str:
        return format_html(
            '<a href="{}">Open the notices of illegal content</a>', reverse("moderation:notices")
        )

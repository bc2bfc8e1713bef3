"""A read-mostly view of comments for moderators; the moderation issue builds the queue.

Only the state can be changed here, with a reason, and the change goes through
`services.change_state`, so it is recorded like any other. Nothing can be added or deleted.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import services
from .models import Comment, CommentEvent, CommentRevision, Report


class CommentAdminForm(forms.ModelForm):
    reason = forms.CharField(
        label="Reason for the change of state",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Recorded in the comment's history. Required when removing a comment.",
    )

    class Meta:
        model = Comment
        fields = ["state"]

    def clean(self):
        cleaned = super().clean()
        if (
            "state" in self.changed_data
            and cleaned.get("state") == Comment.State.REMOVED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say why the comment is removed; its author will see it.")
        return cleaned


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
    model = CommentEvent
    fields = readonly_fields = ("created_at", "actor", "from_state", "to_state", "reason")
    verbose_name_plural = "History of states"


class ReportInline(_ReadOnlyInline):
    model = Report
    fields = readonly_fields = ("created_at", "reporter", "reason", "details")


class CommentRevisionInline(_ReadOnlyInline):
    model = CommentRevision
    fields = readonly_fields = ("created_at", "body")
    verbose_name_plural = "Earlier versions (before the author's edits)"


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_display = ("id", "excerpt", "author", "target", "state", "held_reason", "created_at")
    list_filter = ("state", "created_at")
    list_select_related = ("author", "target")
    search_fields = ("body", "author__display_name", "author__email")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "target",
        "author",
        "thread_link",
        "depth",
        "body",
        "rendered",
        "held_reason",
        "recommendation_count",
        "created_at",
        "edited_at",
        "ip_hash",
    )
    fieldsets = (
        (None, {"fields": ("target", "author", "thread_link", "body", "rendered")}),
        ("State", {"fields": ("state", "reason", "held_reason")}),
        (
            "Details",
            {
                "fields": ("depth", "recommendation_count", "created_at", "edited_at", "ip_hash"),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = (CommentEventInline, ReportInline, CommentRevisionInline)

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        text = " ".join(comment.body.split())
        return text[:80] + ("…" if len(text) > 80 else "")

    @admin.display(description="As readers see it")
    def rendered(self, comment: Comment) -> str:
        # body_html was sanitised (nh3) by the comment pipeline when it was saved.
        return format_html('<div class="comment-preview">{}</div>', mark_safe(comment.body_html))  # noqa: S308

    @admin.display(description="In the thread")
    def thread_link(self, comment: Comment) -> str:
        return format_html('<a href="{}">Show on the piece</a>', comment.get_absolute_url())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are written on the site, by readers

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # nothing a reader wrote is destroyed; remove it instead

    def save_model(self, request: HttpRequest, obj: Comment, form, change: bool) -> None:
        # The form only edits the state; the change goes through the one service that
        # changes states, which records it. Nothing else of the row is saved from here.
        if "state" not in form.changed_data:
            return
        try:
            services.change_state(
                comment=obj,
                to_state=form.cleaned_data["state"],
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                base_url=request.build_absolute_uri("/"),
            )
        except services.CommentError as error:
            messages.error(request, error.message)

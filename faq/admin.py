from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from reversion.admin import VersionAdmin

from comments.models import Comment

from . import services
from .models import FaqItem


class PromoteForm(forms.Form):
    """A reader's question, as the FAQ will ask it, and whether to credit them."""

    question = forms.CharField(
        max_length=services.QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Edit it into a clear question; the reader's words stay in the discussion.",
    )
    credit = forms.BooleanField(
        label="Credit the reader by their display name",
        required=False,
    )

    def __init__(self, *args, comment: Comment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not services.can_credit(comment):
            self.fields["credit"].disabled = True
            self.fields["credit"].help_text = "The reader did not agree to be credited."
        else:
            self.fields["credit"].initial = True
            name = comment.author.public_name
            self.fields["credit"].help_text = f"They agreed: “Asked by {name} in the discussion”."


class FaqItemInline(admin.StackedInline):
    """A piece's FAQ on its admin page, in the order readers see it (by position)."""

    model = FaqItem
    fields = ("question", "answer", "topic", "order", "is_published")
    autocomplete_fields = ("topic",)
    extra = 0
    show_change_link = True
    verbose_name_plural = "FAQ (shown in this order at the end of the piece)"


@admin.register(FaqItem)
class FaqItemAdmin(VersionAdmin):
    list_display = ("question", "article", "topic", "order", "is_published", "updated_at")
    list_display_links = ("question",)
    list_editable = ("order", "is_published")
    list_filter = ("is_published", ("article", admin.RelatedOnlyFieldListFilter), "topic")
    list_select_related = ("article", "topic")
    search_fields = ("question", "answer", "article__title")
    autocomplete_fields = ("article", "topic")
    readonly_fields = ("answer_preview", "origin", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("question", "answer", "answer_preview", "origin")}),
        ("Where it appears", {"fields": ("article", "topic", "order", "is_published")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    ordering = ("article", "order", "pk")

    def view_on_site(self, item: FaqItem) -> str:
        # An unpublished piece 404s for readers; editors get its staff preview instead.
        if item.article_id and not item.article.is_published:
            preview = reverse("articles:preview", kwargs={"slug": item.article.slug})
            return f"{preview}#{item.anchor}"
        return item.get_absolute_url()

    @admin.display(description="Asked in the discussion")
    def origin(self, item: FaqItem) -> str:
        if not item.source_comment_id:
            return "—"
        credit = f"Credited to {item.credit_name}" if item.credit_name else "Not credited by name"
        return format_html(
            '<a href="{}">The reader’s comment</a>. {}.',
            reverse("comments:locate", args=[item.source_comment_id]),
            credit,
        )

    def get_urls(self):
        promote = path(
            "promote/<int:comment_id>/",
            self.admin_site.admin_view(self.promote_view),
            name="faq_faqitem_promote",
        )
        return [promote, *super().get_urls()]

    def promote_view(self, request, comment_id: int):
        """From a reader's question in the discussion, a draft item on that piece."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(
            Comment.objects.select_related("author", "target"), pk=comment_id
        )
        form = PromoteForm(
            request.POST or None,
            comment=comment,
            initial={"question": services.suggested_question(comment)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                item, created = services.promote_comment_to_faq(
                    comment=comment,
                    editor=request.user,
                    credit=form.cleaned_data["credit"],
                    question=form.cleaned_data["question"],
                )
            except services.PromotionError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    "A draft FAQ item was made from the reader's question: write the answer, "
                    "tick “published” and save."
                    if created
                    else "This question is already an FAQ item: here it is.",
                    messages.SUCCESS if created else messages.INFO,
                )
                return redirect("admin:faq_faqitem_change", item.pk)
        return TemplateResponse(
            request,
            "admin/faq/faqitem/promote.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Promote a reader's question to the FAQ",
                "comment": comment,
                "form": form,
            },
        )

    @admin.display(description="Answer as readers see it")
    def answer_preview(self, item: FaqItem) -> str:
        if not item.pk:
            return "Save the item to see its answer as readers will."
        # Sanitized by the Markdown pipeline when the item was saved.
        return mark_safe(item.answer_html)  # noqa: S308

from django.contrib import admin
from django.urls import reverse
from django.utils.safestring import mark_safe
from reversion.admin import VersionAdmin

from .models import FaqItem


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
    readonly_fields = ("answer_preview", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("question", "answer", "answer_preview")}),
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

    @admin.display(description="Answer as readers see it")
    def answer_preview(self, item: FaqItem) -> str:
        if not item.pk:
            return "Save the item to see its answer as readers will."
        # Sanitized by the Markdown pipeline when the item was saved.
        return mark_safe(item.answer_html)  # noqa: S308

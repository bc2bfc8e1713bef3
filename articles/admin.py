from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from faq.admin import FaqItemInline

from .models import Article, Author, RelatedGuide, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "bio")
    prepopulated_fields = {"slug": ("name",)}


class RelatedGuideInline(admin.TabularInline):
    model = RelatedGuide
    fk_name = "article"
    autocomplete_fields = ("guide",)
    fields = ("guide", "position")
    extra = 0
    verbose_name_plural = "Related guides (shown in this order beside the piece)"


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    list_display = ("title", "kind", "state", "publish_at", "updated_at")
    list_filter = ("status", "kind", "topics", "authors")
    search_fields = ("title", "standfirst", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("authors", "topics")
    date_hierarchy = "publish_at"
    readonly_fields = ("preview_link", "created_at", "updated_at")
    # VersionAdmin follows the inlines' models, so reverting a piece restores its FAQ too.
    inlines = (RelatedGuideInline, FaqItemInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "standfirst", "body", "preview_link")}),
        ("Publishing", {"fields": ("status", "publish_at", "authors", "topics")}),
        ("Discussion", {"fields": ("discussion_prompt", "comments_open", "moderation_policy")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description="State", ordering="publish_at")
    def state(self, article: Article) -> str:
        if article.status == Article.Status.DRAFT:
            return "Draft"
        return "Published" if article.is_published else "Scheduled"

    @admin.display(description="Preview")
    def preview_link(self, article: Article) -> str:
        if not article.pk:
            return "Save the piece to preview it as readers will see it."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview this version as readers will '
            "see it</a>",
            reverse("articles:preview", kwargs={"slug": article.slug}),
        )

    def view_on_site(self, article: Article) -> str:
        # Unpublished pieces 404 for readers; editors get the staff preview instead.
        if article.is_published:
            return article.get_absolute_url()
        return reverse("articles:preview", kwargs={"slug": article.slug})

    def save_model(self, request: HttpRequest, article: Article, form, change: bool) -> None:
        super().save_model(request, article, form, change)
        self.warn_about_unpublished_links(request, article)

    def warn_about_unpublished_links(self, request: HttpRequest, article: Article) -> None:
        missing = article.unpublished_links()
        if missing:
            messages.warning(
                request,
                "This piece links to pieces that readers cannot see yet: "
                + ", ".join(reverse("articles:detail", kwargs={"slug": slug}) for slug in missing)
                + ". Readers see the link text without a link until those pieces are published.",
            )

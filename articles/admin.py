from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.forms import Script
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import get_text_list
from reversion.admin import VersionAdmin
from reversion.models import Version

from faq.admin import FaqItemInline

from . import authors, editing, link_checks
from .links import absolute_links
from .models import Article, Author, RelatedGuide, Topic

# The button of the change form that saves, then asks for the external links to be checked
# (it is the admin's "Save and continue editing", with a value of its own).
CHECK_LINKS = "check-links"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "account", "follows_discussions")
    search_fields = ("name", "bio")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("account",)  # by number: editors need not browse every reader

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"account", "follows_discussions"} & set(form.changed_data):
            authors.follow_their_discussions(obj)


class RevertWithinPermissions(VersionAdmin):
    """django-reversion's "revert to this version" deletes the rows of each inline that the
    chosen version lacks (`revert(delete=True)`), whatever the reverting person may delete.
    Here a revert that would delete rows of an inline whose delete permission they lack
    is refused, before the form is shown and again on save, naming those rows; with the
    permission (or nothing to delete) it runs as reversion made it."""

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        obj = self.get_object(request, unquote(object_id))
        forbidden = self.undeletable_rows(request, obj, version) if obj is not None else []
        if forbidden:
            messages.error(
                request,
                "This version can't be restored by you: it would delete "
                f"{get_text_list([f'“{row}”' for row in forbidden], 'and')}, which you may not "
                "delete. Edit the piece by hand instead, or ask an administrator.",
            )
            opts = self.model._meta
            return redirect(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history",
                quote(obj.pk),
            )
        return super().revision_view(request, object_id, version_id, extra_context)

    def undeletable_rows(self, request: HttpRequest, obj, version: Version) -> list:
        """The inlines' rows now attached to `obj` that reverting to `version` would delete
        (they are not in its revision) and that `request.user` may not delete."""
        in_revision = set(version.revision.version_set.values_list("content_type", "object_id"))
        rows = []
        for inline in self.get_inline_instances(request, obj):
            if inline.has_delete_permission(request, obj):
                continue
            content_type = ContentType.objects.get_for_model(inline.model)
            for row in self.inline_rows(inline, obj):
                if (content_type.pk, str(row.pk)) not in in_revision:
                    rows.append(row)
        return rows

    def inline_rows(self, inline, obj):
        """The rows of `inline` attached to `obj`, through its foreign key (`fk_name`)."""
        keys = [
            field
            for field in inline.model._meta.get_fields()
            if field.many_to_one
            and field.related_model is self.model
            and (inline.fk_name is None or field.name == inline.fk_name)
        ]
        return inline.model._default_manager.filter(**{keys[0].name: obj}) if keys else []


class PreviewForm(forms.Form):
    """What a preview reads from the change form's POST (the rest of it is ignored). Any
    field that does not validate is left out, so a preview never fails on bad input."""

    title = forms.CharField(required=False)
    standfirst = forms.CharField(required=False)
    body = forms.CharField(required=False, strip=False)
    kind = forms.ChoiceField(choices=Article.Kind.choices, required=False)
    topics = forms.ModelMultipleChoiceField(Topic.objects.all(), required=False)
    authors = forms.ModelMultipleChoiceField(Author.objects.all(), required=False)

    def unsaved_article(self) -> tuple[Article, list, list]:
        """The piece as typed, rendered as Article.save would, never saved; its topics and
        authors (an unsaved piece has no many-to-many rows)."""
        self.is_valid()
        data = self.cleaned_data
        article = Article(
            title=data.get("title", ""),
            standfirst=data.get("standfirst", ""),
            body=data.get("body", ""),
            kind=data.get("kind") or Article.Kind.ANALYSIS,
        )
        article.render()
        return article, list(data.get("topics", ())), list(data.get("authors", ()))


class RelatedGuideInline(admin.TabularInline):
    model = RelatedGuide
    fk_name = "article"
    autocomplete_fields = ("guide",)
    fields = ("guide", "position")
    extra = 0
    verbose_name_plural = "Related guides (shown in this order beside the piece)"


@admin.register(Article)
class ArticleAdmin(RevertWithinPermissions):
    list_display = ("title", "kind", "state", "publish_at", "updated_at")
    list_filter = ("status", "kind", "topics", "authors")
    search_fields = ("title", "standfirst", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("authors", "topics")
    date_hierarchy = "publish_at"
    readonly_fields = ("editor_check", "preview_link", "created_at", "updated_at")
    # VersionAdmin follows the inlines' models, so reverting a piece restores its FAQ too.
    inlines = (RelatedGuideInline, FaqItemInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "kind",
                    "standfirst",
                    "body",
                    "editor_check",
                    "preview_link",
                )
            },
        ),
        ("Publishing", {"fields": ("status", "publish_at", "authors", "topics")}),
        ("Discussion", {"fields": ("discussion_prompt", "comments_open", "moderation_policy")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    class Media:
        css = {"all": ("css/admin-editor.css",)}
        js = (Script("js/admin-preview.js", defer=True),)

    def get_urls(self):
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.preview_view),
            name="articles_article_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The change form's text as readers would get it, without saving: a page of its own
        (the form's Preview button, no script needed), or with ?fragment=1 the figures and
        the rendered body as JSON for the live pane (static/js/admin-preview.js)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article, topics, authors_ = PreviewForm(request.POST).unsaved_article()
        body_html = absolute_links(article.body_for_readers(), request.build_absolute_uri("/"))
        context = {
            "article": article,
            "topics": topics,
            "authors": authors_,
            "body_html": body_html,
            "figures": editing.figures(article=article),
            "link_problems": link_checks.internal_link_problems(article=article),
        }
        if request.GET.get("fragment"):
            figures = render_to_string(
                "admin/articles/article/includes/figures.html", context, request
            )
            response = JsonResponse({"figures": figures, "body": body_html})
        else:
            response = TemplateResponse(request, "admin/articles/article/preview.html", context)
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @admin.display(description="Figures and links")
    def editor_check(self, article: Article) -> str:
        """Figures and links of the saved version, the Preview button, and the live pane."""
        context = {
            "article": article,
            "figures": editing.figures(article=article),
            "link_problems": link_checks.internal_link_problems(article=article),
            "external": link_checks.external_report(article=article),
            "check_links": CHECK_LINKS,
        }
        # A template's output is already safe: the admin shows it as it is.
        return render_to_string("admin/articles/article/includes/preview.html", context)

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
        if request.POST.get("_continue") == CHECK_LINKS:
            count = link_checks.request_external_check(article=article)
            if count:
                messages.info(
                    request,
                    f"Checking the {count} external link{'s' if count > 1 else ''} in the "
                    "background; reload this page in a minute to see which answer.",
                )
            else:
                messages.info(request, "This piece has no external links to check.")

    def warn_about_unpublished_links(self, request: HttpRequest, article: Article) -> None:
        problems = link_checks.internal_link_problems(article=article)
        unpublished = [p.url for p in problems if p.problem == link_checks.Problem.UNPUBLISHED]
        missing = [p.url for p in problems if p.problem == link_checks.Problem.MISSING]
        if unpublished:
            messages.warning(
                request,
                "This piece links to pieces that readers cannot see yet: "
                + ", ".join(unpublished)
                + ". Readers see the link text without a link until those pieces are published.",
            )
        if missing:
            messages.warning(
                request,
                "This piece links to pages of this site that do not exist: "
                + ", ".join(missing)
                + ". Correct the addresses, or readers who follow them will find nothing.",
            )

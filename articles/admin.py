from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import get_text_list
from reversion import is_active, set_comment
from reversion.admin import VersionAdmin
from reversion.models import Version

from faq.admin import FaqItemInline

from . import authors
from .models import Article, Author, Correction, RelatedGuide, Topic


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


class RelatedGuideInline(admin.TabularInline):
    model = RelatedGuide
    fk_name = "article"
    autocomplete_fields = ("guide",)
    fields = ("guide", "position")
    extra = 0
    verbose_name_plural = "Related guides (shown in this order beside the piece)"


class CorrectionFormSet(forms.BaseInlineFormSet):
    """The piece's notes; a note is required when the editor said this change is one."""

    def clean(self) -> None:
        super().clean()
        if getattr(self.instance, "change_kind", "") != ArticleAdminForm.NOTE:
            return
        if not any(form.has_changed() and form not in self.deleted_forms for form in self.forms):
            raise forms.ValidationError(
                "You said this change is a correction or update: add the note for readers "
                "here (“Add another”), or choose “Typo or style fix” above."
            )


class CorrectionInline(admin.StackedInline):
    model = Correction
    formset = CorrectionFormSet
    fields = ("kind", "published_at", "text", "created_by")
    readonly_fields = ("created_by",)
    formfield_overrides = {
        # Short plain text: a small box (the model's max_length still counts).
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}
    }
    extra = 0
    verbose_name_plural = "Corrections and updates (dated notes shown to readers, newest first)"


class ArticleAdminForm(forms.ModelForm):
    """The piece's form, with, on a published piece, what a change to its text is: a
    correction or update readers are told of, or a typo fix that tells them nothing."""

    TYPO, NOTE = "typo", "note"
    TEXT_FIELDS = {"title", "standfirst", "body"}

    change_kind = forms.ChoiceField(
        label="What is this change?",
        choices=[
            (TYPO, "Typo or style fix (no note to readers)"),
            (
                NOTE,
                "Correction or update (add the note for readers under “Corrections and "
                "updates” below)",
            ),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text="Needed when you change the headline, standfirst or text of a published "
        "piece. A correction or update is dated and becomes the piece's “Updated” time; a "
        "typo fix changes neither. The piece's history records which you chose.",
    )

    class Meta:
        model = Article
        fields = ("title", "standfirst", "body")  # the admin's fieldsets add the rest

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # As readers see it now, before this change.
        self.was_published = self.instance.pk is not None and self.instance.is_published

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("change_kind", "")
        if self.was_published and self.text_changed() and not kind:
            self.add_error(
                "change_kind",
                "This piece is published and you changed its text: choose whether this is a "
                "typo or style fix, or a correction or update readers should be told of.",
            )
        # Read by the notes' formset (validated after this form) and the revision comment.
        self.instance.change_kind = kind if self.was_published else ""
        return cleaned

    @cached_property
    def changed_data(self) -> list[str]:
        # The choice is said in the revision's comment, not listed as a changed field.
        return [name for name in super().changed_data if name != "change_kind"]

    def text_changed(self) -> bool:
        """Whether what readers read changed. Not Django's changed_data, which counts a
        browser's CRLF line ends and a trailing newline (stripped by the field) as changes."""

        def normal(text) -> str:
            return (text or "").replace("\r\n", "\n").strip()

        return any(
            normal(self.cleaned_data.get(name)) != normal(self.initial.get(name))
            for name in self.TEXT_FIELDS
            if name in self.cleaned_data
        )


@admin.register(Article)
class ArticleAdmin(RevertWithinPermissions):
    form = ArticleAdminForm
    list_display = ("title", "kind", "state", "publish_at", "updated_at")
    list_filter = ("status", "kind", "topics", "authors")
    search_fields = ("title", "standfirst", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("authors", "topics")
    date_hierarchy = "publish_at"
    readonly_fields = ("preview_link", "created_at", "updated_at")
    # VersionAdmin follows the inlines' models, so reverting a piece restores its FAQ too.
    inlines = (RelatedGuideInline, FaqItemInline, CorrectionInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "standfirst", "body", "preview_link")}),
        ("Changing a published piece", {"fields": ("change_kind",)}),
        ("Publishing", {"fields": ("status", "publish_at", "authors", "topics")}),
        ("Discussion", {"fields": ("discussion_prompt", "comments_open", "moderation_policy")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    REVISION_NOTES = {
        ArticleAdminForm.TYPO: "Typo or style fix: no note to readers.",
        ArticleAdminForm.NOTE: "Correction or update: a note to readers.",
    }

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_published:
            return fieldsets
        # Unpublished: readers have seen nothing, so nothing to tell them.
        return [(name, opts) for name, opts in fieldsets if "change_kind" not in opts["fields"]]

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for note in formset.save(commit=False):
            if note.pk is None:
                note.created_by = request.user
            note.save()
        for note in formset.deleted_objects:
            note.delete()

    def log_change(self, request: HttpRequest, article: Article, message):
        entry = super().log_change(request, article, message)
        # VersionAdmin made the admin's change message the revision's comment: say too what
        # the editor chose the change to be.
        note = self.REVISION_NOTES.get(getattr(article, "change_kind", ""))
        if note and is_active():
            set_comment(f"{entry.get_change_message()} {note}".strip())
        return entry

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

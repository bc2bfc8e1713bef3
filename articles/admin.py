from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import Script
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import get_text_list
from django.views.decorators.http import require_POST
from reversion import is_active, set_comment
from reversion.admin import VersionAdmin
from reversion.models import Version

from faq.admin import FaqItemInline

from . import authors, editing, figures, link_checks, review
from .forms import ArticleAdminForm, PreviewForm, state_of, when
from .links import absolute_links
from .models import Article, Author, Correction, RelatedGuide, Topic
from .review import Move

MOVE_LABELS = {
    Move.SEND_FOR_REVIEW: "Send for review",
    Move.TAKE_BACK: "Take back to draft",
    Move.APPROVE: "Approve for publishing",
    Move.SEND_BACK: "Send back with your note",
    Move.PUBLISH: "Publish or schedule",
    Move.TAKE_DOWN: "Take down now",
}
MOVE_DONE = {
    Move.SEND_FOR_REVIEW: "Sent for review: reviewers find it under “In review”.",
    Move.TAKE_BACK: "Taken back to draft.",
    Move.APPROVE: "Approved: an editor can now schedule or publish it.",
    Move.SEND_BACK: "Sent back to draft with your note.",
    Move.PUBLISH: "Done: the piece is {state}.",
    Move.TAKE_DOWN: "Done: the piece is {state}.",
}

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


class RelatedGuideInline(admin.StackedInline):  # stacked: each field has its label
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


@admin.register(Article)
class ArticleAdmin(RevertWithinPermissions):
    form = ArticleAdminForm
    list_display = ("title", "kind", "state", "publish_at", "updated_at")
    list_filter = ("status", "kind", "topics", "authors")
    search_fields = ("title", "standfirst", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("authors", "topics")
    date_hierarchy = "publish_at"
    readonly_fields = (
        "state",
        "editorial_record",
        "editor_check",
        "preview_link",
        "created_at",
        "updated_at",
    )
    # VersionAdmin follows the inlines' models, so reverting a piece restores its FAQ too.
    inlines = (RelatedGuideInline, FaqItemInline, CorrectionInline)
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
        ("Review", {"fields": ("state", "note", "editorial_record")}),
        ("Changing a published piece", {"fields": ("change_kind",)}),
        ("Publishing", {"fields": ("publish_at", "unpublish_at", "authors", "topics")}),
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
            "figures": figures.of_piece(article=article),
            "link_problems": link_checks.internal_link_problems(article=article),
        }
        if request.GET.get("fragment"):
            shown = render_to_string(
                "admin/articles/article/includes/figures.html", context, request
            )
            response = JsonResponse({"figures": shown, "body": body_html})
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
            "figures": figures.of_piece(article=article),
            "link_problems": link_checks.internal_link_problems(article=article),
            "external": link_checks.external_report(article=article),
            "check_links": CHECK_LINKS,
        }
        # A template's output is already safe: the admin shows it as it is.
        return render_to_string("admin/articles/article/includes/preview.html", context)

    @admin.display(description="State", ordering="status")
    def state(self, article: Article) -> str:
        if article.pk is None:
            return "Draft (not saved yet)"
        return state_of(article).capitalize()

    @admin.display(description="Editorial record")
    def editorial_record(self, article: Article) -> str:
        notes = article.editor_notes.select_related("author") if article.pk else []
        if not notes:
            return "Nothing yet: notes and review steps appear here, with who and when."
        return format_html(
            '<ol class="editorial-record">{}</ol>',
            format_html_join(
                "",
                '<li><strong>{}</strong>, {} <time datetime="{}">{}</time>{}</li>',
                (
                    (
                        note.get_action_display(),
                        f"by {note.author.display_name or note.author.email},"
                        if note.author
                        else "",
                        note.created_at.isoformat(),
                        when(note.created_at),
                        format_html("<p>{}</p>", note.text) if note.text else "",
                    )
                    for note in notes
                ),
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.has_perm("articles.publish_article"):
            fields = (*fields, "publish_at", "unpublish_at")
        return fields

    def response_change(self, request, obj):
        if ArticleAdminForm.move_in(request.POST):  # a review step: back to the piece, not the list
            return redirect(reverse("admin:articles_article_change", args=[quote(obj.pk)]))
        return super().response_change(request, obj)

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
        move, note = form.move(), form.cleaned_data.get("note", "")
        reopens = move is None and article.status == Article.Status.APPROVED and form.text_changed()
        super().save_model(request, article, form, change)
        # Saved: the editor's draft of it (or of a new piece) has nothing left to give back.
        editing.discard_draft(editor=request.user, article=article if change else None)
        if move is not None:
            review.make(article=article, move=move, by=request.user, note=note)
            messages.success(request, MOVE_DONE[move].format(state=state_of(article)))
        elif note.strip():
            review.add_note(article=article, by=request.user, text=note)
        if reopens:
            review.reopen(article=article, by=request.user)
            messages.warning(
                request,
                "The text changed after it was approved, so the piece is back in review.",
            )
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

    # Never losing work: autosaved drafts and the version the form was opened at.
    # (articles/editing.py has the rules; the markup is in the template's includes.)

    class Media:
        js = [
            Script("js/admin-autosave.js", defer=True),
            Script("js/admin-preview.js", defer=True),
            Script("js/admin-autocomplete-names.js", defer=True),
        ]
        css = {"all": ["css/admin-editing.css"]}

    def get_urls(self):
        autosave = self.admin_site.admin_view(require_POST(self.autosave_view))
        discard = self.admin_site.admin_view(require_POST(self.discard_draft_view))
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="articles_article_preview"),
            path("add/autosave/", autosave, name="articles_article_autosave"),
            path("<path:object_id>/autosave/", autosave, name="articles_article_autosave"),
            path("add/discard-draft/", discard, name="articles_article_discard_draft"),
            path(
                "<path:object_id>/discard-draft/",
                discard,
                name="articles_article_discard_draft",
            ),
            *super().get_urls(),
        ]

    def editable_piece(self, request: HttpRequest, object_id: str | None) -> Article | None:
        """The piece `request.user` may change (None: a new one they may add), else 403/404."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such piece.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def autosave_view(self, request: HttpRequest, object_id: str | None = None) -> JsonResponse:
        """Keep the form as sent (admin-autosave.js, every few seconds while the editor
        types) as their draft of the piece: as typed, unchecked; inlines are left out."""
        article = self.editable_piece(request, object_id)
        form = self.get_form(request, article, change=article is not None)(
            request.POST, instance=article
        )
        fields = {name: form[name].data for name in form.fields if name != "replace_version"}
        draft = editing.save_draft(editor=request.user, article=article, fields=fields)
        saved_at = date_format(timezone.localtime(draft.saved_at), "H:i")
        return JsonResponse({"status": f"Draft saved {saved_at}"})

    def discard_draft_view(self, request: HttpRequest, object_id: str | None = None):
        article = self.editable_piece(request, object_id)
        editing.discard_draft(editor=request.user, article=article)
        messages.info(request, "Your unsaved changes are discarded.")
        if article is None:
            return redirect("admin:articles_article_add")
        return redirect("admin:articles_article_change", quote(article.pk))

    def restoring(self, request: HttpRequest) -> bool:
        return request.method == "GET" and request.GET.get("restore_draft") == "1"

    # A revert restores a version's words, never its place in publishing: these stay as the
    # piece has them now (django-reversion would restore every field).
    KEPT_ON_REVERT = ("status", "publish_at", "unpublish_at", "revised_at")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        live = self.get_object(request, unquote(object_id))
        if live is not None:
            request.kept_on_revert = {name: getattr(live, name) for name in self.KEPT_ON_REVERT}
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_object(self, request: HttpRequest, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        # Within the revert, after reversion restored the version's fields: the form shows,
        # and saves, the piece's state as it was.
        for name, value in getattr(request, "kept_on_revert", {}).items():
            setattr(article, name, value)
        return article

    def reverting(self, request: HttpRequest) -> bool:
        """On django-reversion's pages, which replace the piece by choice."""
        match = request.resolver_match
        return match is not None and match.url_name in (
            "articles_article_revision",
            "articles_article_recover",
        )

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        options = {"user": request.user}  # who is saving, for the review steps
        if self.reverting(request):
            options["checks_version"] = False
        if self.restoring(request) and (
            draft := editing.draft_of(editor=request.user, article=obj)
        ):
            options["draft_values"] = {
                name: value for name, value in draft.fields.items() if name in form.base_fields
            }
        return type(form.__name__, (form,), options)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        moves = review.moves_for(article=obj, by=request.user) if obj and not form_url else []
        context["review_moves"] = [(move.value, MOVE_LABELS[move]) for move in moves]
        editable = (
            self.has_change_permission(request, obj) if change else self.has_add_permission(request)
        )
        context["autosave"] = editable and not form_url  # not on reversion's pages
        if context["autosave"]:
            object_id = [quote(obj.pk)] if change else []
            context["autosave_url"] = reverse("admin:articles_article_autosave", args=object_id)
            context["discard_draft_url"] = reverse(
                "admin:articles_article_discard_draft", args=object_id
            )
            if request.method == "GET" and not self.restoring(request):
                draft = editing.draft_of(editor=request.user, article=obj)
                context["article_draft"] = draft
                # Typed in a form opened before someone else's save.
                opened = draft.fields.get("opened_version") if draft and obj else None
                context["draft_outdated"] = opened not in (None, "", str(obj and obj.version))
        if self.restoring(request) and form.draft_values:
            messages.info(request, "Your unsaved changes are restored below: save to keep them.")
        context["edit_conflict"] = getattr(form, "conflict", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

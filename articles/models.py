import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, Q, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from comments.models import Follow
from core.markdown import html_to_text, render_article_markdown

from .links import linked_article_slugs, unlink_articles


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences shown at the top of the topic's page."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True, help_text="A short biography shown on the author's page.")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The author's own sign-in on the site, if they have one.",
    )
    follows_discussions = models.CharField(
        "follows their pieces' discussions",
        max_length=10,
        blank=True,
        choices=Follow.Mode.choices,
        help_text="Mail the author the comments published on their pieces, as readers who "
        "follow a discussion get them (needs their sign-in above). Each mail lets them stop "
        "it for that piece.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """Pieces readers may see: published or scheduled, whose publish time has come and
        whose unpublish time (if any) has not.

        A scheduled piece needs no job to appear, nor a piece to come down: each matches
        or stops matching as its time passes. Every reader-facing view, feed, sitemap and
        search starts from here.
        """
        now = timezone.now()
        return self.filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
            status__in=Article.LIVE,
            publish_at__isnull=False,
            publish_at__lte=now,
        )

    def last_modified(self):
        """When the newest change among these pieces happened, counting a scheduled piece's
        going live as a change (its row is not saved when its time comes)."""
        return self.aggregate(latest=Max(Greatest("updated_at", "publish_at")))["latest"]

    def last_taken_down(self):
        """When the latest piece to come down by its unpublish time did (its row is not
        saved then either): a list without it changed at that moment."""
        now = timezone.now()
        gone = self.filter(status__in=Article.LIVE, unpublish_at__lte=now)
        return gone.aggregate(latest=Max("unpublish_at"))["latest"]

    def for_listing(self) -> "ArticleQuerySet":
        """What a list of pieces shows: byline and topics in two queries, whatever the count."""
        return self.prefetch_related("authors", "topics")

    def with_next_change(self) -> "ArticleQuerySet":
        """Each piece with `next_change`: when the site's pieces next change by the clock
        alone, the next scheduled piece going live or a live one coming down (None if
        nothing is due), the moment a cached page of it may change (a link or a related
        guide appears or goes, or the piece itself comes down). In the same query."""
        now = timezone.now()
        live = Article.objects.filter(status__in=Article.LIVE)
        going_live = live.filter(publish_at__gt=now).order_by("publish_at").values("publish_at")
        coming_down = (
            live.filter(unpublish_at__gt=now).order_by("unpublish_at").values("unpublish_at")
        )
        return self.annotate(
            next_publication=Subquery(going_live[:1]), next_takedown=Subquery(coming_down[:1])
        )


class Article(models.Model):
    class Kind(models.TextChoices):
        ANALYSIS = "analysis", "Analysis"
        GUIDE = "guide", "Guide"

    class Status(models.TextChoices):
        # The way through: articles.review says who moves a piece from one to the next.
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    # Readers see a piece in these states once its publish time has come (ArticleQuerySet).
    LIVE = (Status.SCHEDULED, Status.PUBLISHED)

    class ModerationPolicy(models.TextChoices):
        # The values are the contract in comments.targets (POLICIES, or "default").
        DEFAULT = "default", "Site default"
        PRE_MODERATE = "pre_moderate", "Pre-moderate: hold every comment for review"
        FIRST_TIME = "first_time", "First-time only: hold comments from readers never published"
        POST_MODERATE = "post_moderate", "Post-moderate: publish at once, review afterwards"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The piece's address: /articles/the-slug/."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANALYSIS)
    standfirst = models.TextField(
        max_length=400,
        help_text="The short summary under the headline; also the search and social description.",
    )
    body = models.TextField(
        help_text="Markdown. Use ## for section headings (they make the table of contents) "
        "and ### for sub-sections. Link other pieces by their path, e.g. /articles/some-slug/. "
        "To set a quotation off as a pull-quote, start a blockquote with the line "
        "“> [!pullquote]”, then the quote, then a last line “> — Name, role” for the "
        "attribution."
    )
    body_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    linked_slugs = models.JSONField(editable=False, default=list)
    word_count = models.PositiveIntegerField(editable=False, default=0)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When the piece goes live. Leave empty to publish now; a future time "
        "schedules it and it appears by itself.",
    )
    unpublish_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        help_text="When the piece comes down (an embargo's end, or a piece withdrawn): it "
        "leaves the site by itself at that time. Leave empty to keep it up.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Internal: any save (a typo fix too) changes it; caches validate against it.
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Counts the saves of the piece: a save from a form opened at an older version "
        "is stopped, since someone else saved in between.",
    )
    # Public: when readers were last told of a change (the newest correction or update).
    revised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the newest correction or update to readers was dated; set by them.",
    )

    authors = models.ManyToManyField(Author, related_name="articles", blank=True)
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)
    related_guides = models.ManyToManyField(
        "self",
        through="RelatedGuide",
        through_fields=("article", "guide"),
        symmetrical=False,
        related_name="+",
        blank=True,
    )

    discussion_prompt = models.TextField(
        blank=True, help_text="The question shown above the comments, inviting readers to discuss."
    )
    comments_open = models.BooleanField(
        default=True, help_text="Untick to close the discussion; existing comments stay visible."
    )
    moderation_policy = models.CharField(
        max_length=20,
        choices=ModerationPolicy.choices,
        default=ModerationPolicy.DEFAULT,
        help_text="What happens to new comments on this piece that the site-wide rules do not "
        "decide. Everywhere, blocked terms, many links, blocked email domains and a reader's "
        "first comment are held, and trusted readers are published. The site default is set "
        "by COMMENTS_DEFAULT_POLICY.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        indexes = [models.Index(fields=["status", "publish_at"])]
        permissions = [
            ("review_article", "Can approve pieces for publishing or send them back"),
            ("publish_article", "Can publish, schedule and take down pieces"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.render()
        if self.status in self.LIVE:
            if self.publish_at is None:
                self.publish_at = timezone.now()
            # One honest status: a future time is a schedule, a past one a publication.
            self.status = (
                self.Status.SCHEDULED if self.publish_at > timezone.now() else self.Status.PUBLISHED
            )
        if self.pk is not None:
            # Counted by the database (and read back), so two saves at once count twice.
            self.version = F("version") + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def render(self) -> None:
        """Render the Markdown body once, here, into the stored fields readers are served."""
        rendered = render_article_markdown(self.body)
        self.body_html = rendered.html
        self.toc = rendered.toc
        self.body_text = html_to_text(rendered.html)
        self.word_count = len(self.body_text.split())
        self.linked_slugs = linked_article_slugs(rendered.html)

    def unpublished_links(self) -> list[str]:
        """Slugs of the pieces this one links to that readers cannot see (yet)."""
        if not self.linked_slugs:
            return []
        live = set(
            Article.objects.published()
            .filter(slug__in=self.linked_slugs)
            .values_list("slug", flat=True)
        )
        return [slug for slug in self.linked_slugs if slug not in live]

    def body_for_readers(self) -> str:
        """The rendered body, links to pieces readers cannot see turned into their words:
        never a link to a page that answers 404."""
        return unlink_articles(self.body_html, set(self.unpublished_links()))

    @property
    def is_published(self) -> bool:
        now = timezone.now()
        return (
            self.status in self.LIVE
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    @property
    def is_taken_down(self) -> bool:
        return (
            self.status in self.LIVE
            and self.unpublish_at is not None
            and self.unpublish_at <= timezone.now()
        )

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / settings.WORDS_PER_MINUTE))

    @property
    def was_revised(self) -> bool:
        """Worth an "Updated" line: readers were given a correction or update since it went
        live. A typo fix is no revision: it changes `updated_at` only."""
        return bool(self.publish_at and self.revised_at and self.revised_at > self.publish_at)

    @property
    def modified_at(self):
        """The public time of the last change: the newest note to readers, else publication."""
        return self.revised_at if self.was_revised else self.publish_at


class RelatedGuide(models.Model):
    """A guide an editor recommends beside a piece, in the editor's order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="guide_links")
    guide = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": Article.Kind.GUIDE},
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "guide"], name="unique_related_guide"),
            models.CheckConstraint(
                condition=~Q(article=models.F("guide")), name="guide_is_not_the_piece"
            ),
        ]
        verbose_name = "related guide"

    def __str__(self) -> str:
        return f"{self.article} → {self.guide}"


class EditorNote(models.Model):
    """A line in a piece's editorial record, seen only in the admin: a note from the team,
    or a move through review (who sent it, approved it, sent it back, published it)."""

    class Action(models.TextChoices):
        NOTE = "note", "Note"
        SENT_FOR_REVIEW = "sent_for_review", "Sent for review"
        WITHDRAWN = "withdrawn", "Taken back to draft"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"
        REOPENED = "reopened", "Changed after approval: back in review"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNSCHEDULED = "unscheduled", "Unscheduled"
        TAKEN_DOWN = "taken_down", "Taken down"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="editor_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.NOTE)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "action", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="note", text=""), name="editor_note_says_something"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.article}"


class ArticleDraft(models.Model):
    """What an editor typed in a piece's admin form and has not saved yet, kept by autosave
    and offered back when they return. Never published: readers never see it, and saving
    the piece deletes it. `article` is empty for a piece not yet saved once."""

    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_drafts"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    fields = models.JSONField(
        default=dict, help_text="The form's fields as typed, by name, not yet checked."
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["editor", "article"], name="one_draft_per_editor_and_piece"
            ),
            # NULLs differ in a unique index: one new piece per editor needs its own.
            models.UniqueConstraint(
                fields=["editor"],
                condition=Q(article__isnull=True),
                name="one_new_piece_draft_per_editor",
            ),
        ]

    def __str__(self) -> str:
        return f"Unsaved changes to “{self.article or 'a new piece'}” by {self.editor}"

    def get_absolute_url(self) -> str:
        """Where the editor gets it back: the piece's form, filled from the draft."""
        if self.article_id is None:
            url = reverse("admin:articles_article_add")
        else:
            url = reverse("admin:articles_article_change", args=[self.article_id])
        return f"{url}?restore_draft=1"


class Correction(models.Model):
    """A dated note to readers on a piece: a correction of an error, or an update with
    news since it was published. Shown on the piece, on /corrections/ and in the feed."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text="Correction: the piece got something wrong (shown at its end). Update: "
        "something happened since (shown at its top).",
    )
    text = models.TextField(
        max_length=1000,
        help_text="Plain text for readers, one or two sentences: what was wrong and what is "
        "right now, or what changed. No Markdown; line breaks are kept.",
    )
    published_at = models.DateTimeField(
        "dated",
        default=timezone.now,
        help_text="The date readers see. It becomes the piece's “Updated” time.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.published_at:%d %b %Y} to {self.article}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"correction-{self.pk}"

    def clean(self) -> None:
        # A note dated ahead would tell readers of a change before it is made (and show
        # only when the clock reaches it, which no cached page would notice).
        if self.published_at and self.published_at > timezone.now() + timezone.timedelta(minutes=5):
            raise ValidationError({"published_at": "A note can't be dated in the future."})


class LinkCheck(models.Model):
    """The last answer an external link in a piece's body gave (articles.link_checks), one
    row per piece and address, replaced by each check that editors ask for."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="link_checks")
    url = models.URLField(max_length=2000)
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The HTTP status the address answered with."
    )
    error = models.CharField(
        max_length=200, blank=True, help_text="Why there was no answer (timeout, no such host)."
    )
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["article", "url"]
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="one_check_per_link"),
        ]

    def __str__(self) -> str:
        return f"{self.url}: {self.status_code or self.error}"

    def get_absolute_url(self) -> str:
        # Shown to editors in the piece's change form; readers never see a check.
        return reverse("admin:articles_article_change", args=[self.article_id])

    @property
    def answers(self) -> bool:
        """Whether a reader following the link gets a page (after any redirects)."""
        return self.status_code is not None and 200 <= self.status_code < 400

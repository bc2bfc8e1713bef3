import math

from django.conf import settings
from django.db import models
from django.db.models import Max, Q, Subquery
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
        """Pieces readers may see: not drafts, and whose publish time has come.

        A scheduled piece needs no job to appear: it matches as soon as its time passes.
        Every reader-facing view, feed, sitemap and search starts from here.
        """
        return self.filter(
            ~Q(status=Article.Status.DRAFT),
            publish_at__isnull=False,
            publish_at__lte=timezone.now(),
        )

    def last_modified(self):
        """When the newest change among these pieces happened, counting a scheduled piece's
        going live as a change (its row is not saved when its time comes)."""
        return self.aggregate(latest=Max(Greatest("updated_at", "publish_at")))["latest"]

    def for_listing(self) -> "ArticleQuerySet":
        """What a list of pieces shows: byline and topics in two queries, whatever the count."""
        return self.prefetch_related("authors", "topics")

    def with_next_publication(self) -> "ArticleQuerySet":
        """Each piece with `next_publication`: when the next scheduled piece of the site goes
        live (None if none is scheduled), the moment a cached page of it may change by the
        clock alone (a link or a related guide appears). In the same query."""
        scheduled = (
            Article.objects.filter(~Q(status=Article.Status.DRAFT), publish_at__gt=timezone.now())
            .order_by("publish_at")
            .values("publish_at")[:1]
        )
        return self.annotate(next_publication=Subquery(scheduled))


class Article(models.Model):
    class Kind(models.TextChoices):
        ANALYSIS = "analysis", "Analysis"
        GUIDE = "guide", "Guide"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.render()
        if self.status != self.Status.DRAFT:
            if self.publish_at is None:
                self.publish_at = timezone.now()
            # One honest status: a future time is a schedule, a past one a publication.
            self.status = (
                self.Status.SCHEDULED if self.publish_at > timezone.now() else self.Status.PUBLISHED
            )
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
        return (
            self.status != self.Status.DRAFT
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / settings.WORDS_PER_MINUTE))

    @property
    def was_revised(self) -> bool:
        """Worth an "Updated" line: changed well after it went live."""
        return bool(self.publish_at) and self.updated_at - self.publish_at > timezone.timedelta(
            hours=1
        )


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

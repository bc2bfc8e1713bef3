from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from core.markdown import render_article_markdown


class FaqItemQuerySet(models.QuerySet):
    def marked_published(self) -> "FaqItemQuerySet":
        """Items whose own "published" box is ticked, whatever their piece's state."""
        return self.filter(is_published=True)

    def published(self) -> "FaqItemQuerySet":
        """Items readers may see: ticked, and site-wide or on a piece readers may see.

        Every reader-facing page, structured data and sitemap starts from here. Whether a
        piece is visible is the articles app's rule, so it is asked, not repeated: through
        the foreign key, as faq (below articles) imports nothing of it.
        """
        articles = self.model.article.field.related_model.objects.published()
        return self.marked_published().filter(Q(article__isnull=True) | Q(article__in=articles))

    def on_topic(self, topic) -> "FaqItemQuerySet":
        """Items on `topic`: tagged with it themselves, or on a piece tagged with it."""
        # A subquery, not a join through the piece's topics: one row per item, no DISTINCT.
        return self.filter(Q(topic=topic) | Q(article__in=topic.articles.all()))

    def topics(self) -> models.QuerySet:
        """The topics these items are on (see `on_topic`), by name."""
        return self.model.topic.field.related_model.objects.filter(
            Q(pk__in=self.values("topic")) | Q(pk__in=self.values("article__topics"))
        )

    def by_article(self) -> "FaqItemQuerySet":
        """The order of the FAQ page: newest piece first, site-wide items last.

        Within a group, the editors' order. With `regroup`/`groupby`, one group per piece.
        """
        return self.order_by(
            models.F("article__publish_at").desc(nulls_last=True), "article_id", "order", "pk"
        )


class FaqItem(models.Model):
    """One question and its answer, on a piece's page or, without a piece, site-wide."""

    question = models.CharField(
        max_length=300,
        help_text="Plain text, as a reader would ask it. It becomes a heading readers can link to.",
    )
    answer = models.TextField(
        help_text="Markdown, as in a piece's body: paragraphs, emphasis, links and lists. "
        "Headings are not needed; the question is the heading."
    )
    answer_html = models.TextField(editable=False, default="")
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="faq_items",
        verbose_name="piece",
        help_text="The piece whose page shows this item. Leave empty for a site-wide question, "
        "shown only on the FAQ page.",
    )
    topic = models.ForeignKey(
        "articles.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="faq_items",
        help_text="Optional. The FAQ page's topic filter finds an item under this topic as "
        "well as under its piece's topics; most useful for site-wide items.",
    )
    order = models.PositiveIntegerField(
        "position",
        default=0,
        help_text="Lower numbers come first. Items with the same number keep the order in "
        "which they were added.",
    )
    is_published = models.BooleanField(
        "published",
        default=True,
        help_text="Untick to take the item off the site. Items are not deleted: unpublish an "
        "item instead, and it can be brought back as it was.",
    )
    # A question a reader asked in the piece's discussion (faq.services.promote_comment_to_faq).
    # Comments are never deleted; SET_NULL only keeps the item should one be.
    source_comment = models.ForeignKey(
        "comments.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="asked in the discussion",
    )
    credit_name = models.CharField(
        "credited to",
        max_length=100,
        blank=True,
        editable=False,
        help_text="The reader's display name, when they agreed to be credited.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FaqItemQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "FAQ item"

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs) -> None:
        # Render once, here, through the one Markdown pipeline; readers are served the result.
        self.answer_html = render_article_markdown(self.answer).html
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "answer" in update_fields:
            kwargs["update_fields"] = {*update_fields, "answer_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if self.article_id is None:
            return f"{reverse('faq:index')}#{self.anchor}"
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """The item's id on every page that shows it, for links straight to the question."""
        return f"faq-{self.pk}"


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="faq.forget_deleted_credit")
def forget_credit_of_deleted_readers(sender, instance, **kwargs) -> None:
    """A reader who deletes their account is no longer named in the FAQ they asked for."""
    if not getattr(instance, "is_deleted", False):
        return
    credited = FaqItem.objects.filter(source_comment__author=instance).exclude(credit_name="")
    for item in credited:  # saved one by one: receivers of FaqItem saves see the change
        item.credit_name = ""
        item.save(update_fields=["credit_name", "updated_at"])

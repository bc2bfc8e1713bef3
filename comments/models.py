"""Readers' comments on a piece, their threads, and the record of everything done to them.

The target of a comment is a plain foreign key to the piece ("articles.Article", named by
string: this app imports nothing from `articles`). A real foreign key gives the database's
integrity (no comment points at nothing; a piece with comments cannot be deleted by
accident, since PROTECT refuses) and cheap joins and counts; a generic relation would buy
targets of other kinds, which the site does not have. What comments need from a target is
written down in `comments.targets.CommentTarget`, and nothing else of it is read.

Nothing here is hard-deleted by an ordinary action: a withdrawn or removed comment keeps
its row and its body, every change of state is a `CommentEvent`, and an edit keeps the
previous text as a `CommentRevision`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Comment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Published"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REMOVED = "removed", "Removed"

    target = models.ForeignKey(
        "articles.Article",
        on_delete=models.PROTECT,
        related_name="comments",
        related_query_name="comment",
        db_index=False,  # the (target, state, created_at) index leads with it
        verbose_name="piece",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comments",
        db_index=False,  # the (author, created_at) index leads with it
    )
    # Threads: `parent` is where the comment hangs, `root` the top-level comment of its
    # thread (null for a top-level comment) so a page's threads come in one query, and
    # `depth` is 0 for a top-level comment. `in_reply_to` is the comment the reader
    # answered: the same as `parent` unless the thread was already at its deepest, when
    # the reply hangs from the deepest allowed ancestor instead.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    root = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    body = models.TextField(help_text="What the reader wrote (a small Markdown subset).")
    body_html = models.TextField(editable=False, default="")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    held_reason = models.CharField(
        max_length=255, blank=True, help_text="Why the comment was held for review."
    )
    recommendation_count = models.PositiveIntegerField(default=0, editable=False)
    # A keyed hash (HMAC with the secret key) of the poster's address, for moderators to
    # link abuse from one place; never the address itself.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["target", "state", "created_at"], name="comment_target_state"),
            models.Index(fields=["author", "created_at"], name="comment_author_created"),
            models.Index(fields=["state", "created_at"], name="comment_state_created"),
            models.Index(fields=["created_at"], name="comment_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True, root__isnull=True, depth=0)
                | Q(parent__isnull=False, root__isnull=False, depth__gt=0),
                name="comment_thread_shape",
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return f"#{self.pk}: {text[:60]}{'…' if len(text) > 60 else ''}"

    def get_absolute_url(self) -> str:
        """Finds the comment on its piece (the right page of a long discussion)."""
        return reverse("comments:locate", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def is_live(self) -> bool:
        """Pending or published: its author may still edit or withdraw it."""
        return self.state in (self.State.PENDING, self.State.APPROVED)

    @property
    def edit_deadline(self):
        return self.created_at + timezone.timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)

    def can_be_edited_now(self) -> bool:
        return self.is_live and timezone.now() < self.edit_deadline


class CommentEvent(models.Model):
    """One change of a comment's state: who (null: the system), when, from, to, why.

    Written only by `comments.services.change_state` (and by `post_comment` for the first
    state), so the log is complete; the moderation audit trail reads it.
    """

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who made the change; empty when the site did it by rule.",
    )
    from_state = models.CharField(
        max_length=20, choices=Comment.State.choices, blank=True, help_text="Empty: just posted."
    )
    to_state = models.CharField(max_length=20, choices=Comment.State.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "comment event"

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.from_state or 'new'} → {self.to_state}"


class CommentRevision(models.Model):
    """The text a comment had before its author edited it: edits never destroy words."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Earlier text of comment {self.comment_id}"


class Report(models.Model):
    """A reader flagging someone else's comment for moderators; once per reader per comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive, hateful or harassing"
        OFF_TOPIC = "off_topic", "Off topic"
        MISINFORMATION = "misinformation", "Misleading or false"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comment_reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="one_report_per_reader_per_comment"
            )
        ]

    def __str__(self) -> str:
        return f"Report on comment {self.comment_id}: {self.get_reason_display()}"


class Recommendation(models.Model):
    """A reader recommending someone else's comment; once per reader per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="recommendations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_recommendations"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="one_recommendation_per_reader_per_comment"
            )
        ]

    def __str__(self) -> str:
        return f"Recommendation of comment {self.comment_id}"

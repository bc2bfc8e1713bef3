"""Readers' comments on a piece, their threads, and the record of everything done to them.

The target of a comment is a plain foreign key to the model COMMENTS_TARGET_MODEL names
(the site's pieces, "articles.Article"; this app imports nothing from `articles`). A real
foreign key gives the database's integrity (no comment points at nothing; a piece with
comments cannot be deleted by accident, since PROTECT refuses) and cheap joins and
counts; a generic relation would buy targets of other kinds, which the site does not
have. What comments need from a target is written down in
`comments.targets.CommentTarget`, and nothing else of it is read.

Nothing here is hard-deleted by an ordinary action: a withdrawn or removed comment keeps
its row and its body, every change of state is a `CommentEvent`, and an edit keeps the
previous text as a `CommentRevision`.

What moderators keep of their own (sanctions, blocked terms and domains) is in the
`moderation` app; a comment carries only whether it is featured and whether moderators were
mailed about it.

`PostingWindow` holds the posting limit's state (`comments.throttle`).
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
        settings.COMMENTS_TARGET_MODEL,
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
    score = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="The moderation model's estimate, 0 to 1, that moderators would turn the "
        "comment down, when it was posted; empty when no model was in use.",
    )
    recommendation_count = models.PositiveIntegerField(default=0, editable=False)
    # A keyed hash (HMAC with the secret key) of the poster's address, for moderators to
    # link abuse from one place; never the address itself.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Featuring is not a state: a featured comment is a published one that moderators
    # picked, shown first under the prompt. Changed only by `services.set_featured`, which
    # records it as an event like any change of state.
    is_featured = models.BooleanField("editors' pick", default=False, editable=False)
    featured_at = models.DateTimeField(null=True, blank=True, editable=False)
    allow_faq_credit = models.BooleanField(
        "may be credited in the FAQ",
        default=False,
        editable=False,
        help_text="The reader agreed to be credited by their display name if their question "
        "is chosen for the FAQ.",
    )
    # When moderators were mailed that this comment waits (per comment or in a digest);
    # empty while it waits unannounced. Makes the digest idempotent.
    moderators_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

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

    Written only by `comments.states` (`change_state`, and `post_comment` for the first
    state; `set_featured` and `dismiss_reports` for the moderators' decisions that leave
    the state as it is), so the log is complete; the moderation audit trail reads it and
    nothing edits it.
    """

    class Kind(models.TextChoices):
        STATE = "state", "Change of state"
        FEATURE = "feature", "Featured"
        UNFEATURE = "unfeature", "No longer featured"
        DISMISS = "dismiss", "Reports dismissed"
        REVIEW_ASKED = "review_asked", "Second look asked for"
        REVIEW_UPHELD = "review_upheld", "Second look: decision upheld"

    class Reason(models.TextChoices):
        """Why a moderator rejected or removed a comment: what its author is told."""

        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse"
        HARASSMENT = "harassment", "Harassment"
        HATE = "hate", "Hate"
        OFF_TOPIC = "off_topic", "Off topic"
        ILLEGAL = "illegal", "Illegal content"
        OTHER = "other", "Other"

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
    category = models.CharField(
        "reason from the list",
        max_length=20,
        choices=Reason.choices,
        blank=True,
        help_text="For a rejection or removal: the reason from the site's list, with `reason` "
        "as the moderator's optional words.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATE)
    rule = models.CharField(
        max_length=40, blank=True, help_text="The site's rule that decided, when no one acted."
    )
    # One moderator action (on one comment, or in bulk) shares a batch: undo reverts it whole.
    batch = models.UUIDField(null=True, blank=True, editable=False)
    undoes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="undone_by",
        help_text="The moderator's action this event reverts.",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "comment event"
        indexes = [
            models.Index(fields=["actor", "created_at"], name="comment_event_actor"),
            models.Index(fields=["batch"], name="comment_event_batch"),
            # What was published since a reader's last visit (selectors.viewer_marks), on
            # every signed-in page: the few changes since then, not the discussion's all.
            models.Index(fields=["to_state", "created_at"], name="comment_event_published"),
        ]

    def __str__(self) -> str:
        if self.kind != self.Kind.STATE:
            return f"{self.comment_id}: {self.get_kind_display().lower()}"
        return f"{self.comment_id}: {self.from_state or 'new'} → {self.to_state}"

    @property
    def actor_name(self) -> str:
        """Who acted, as moderators read it: a person's public name, or the site's rule."""
        if self.actor_id is None:
            return f"system ({self.rule})" if self.rule else "system"
        return self.actor.public_name


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
    # Open while empty: the comment is in the Reported queue. A moderator's decision on the
    # comment closes its open reports; undoing that decision opens them again.
    resolution = models.ForeignKey(
        CommentEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_reports",
        help_text="The moderator's decision that dealt with this report.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="one_report_per_reader_per_comment"
            )
        ]
        indexes = [
            models.Index(
                fields=["comment"],
                condition=Q(resolution__isnull=True),
                name="report_open",
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


class DiscussionVisit(models.Model):
    """When a signed-in reader last read a piece's discussion: what others published since
    is marked new for them on their next visit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_visits"
    )
    target = models.ForeignKey(
        settings.COMMENTS_TARGET_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="piece",
    )
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target"], name="one_visit_per_reader_per_discussion"
            )
        ]

    def __str__(self) -> str:
        return f"Visit of reader {self.user_id} to discussion {self.target_id}"


class Follow(models.Model):
    """A signed-in reader following a piece's discussion: mail for each comment published
    there, or a daily digest of them; stopped from any of those mails in one click."""

    class Mode(models.TextChoices):
        EACH = "each", "each new comment"
        DAILY = "daily", "a daily digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target = models.ForeignKey(
        settings.COMMENTS_TARGET_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="piece",
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EACH)
    created_at = models.DateTimeField(default=timezone.now)
    digest_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="Until when the daily digest has told them."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "target"], name="one_follow_per_discussion")
        ]

    def __str__(self) -> str:
        return f"Reader {self.user_id} follows discussion {self.target_id} ({self.mode})"


class PostingWindow(models.Model):
    """What one poster (a user, or a keyed hash of a client address) got through in the
    posting limit's sliding window; `comments.throttle` locks, reads and writes it."""

    identity = models.CharField(max_length=100, unique=True)  # "user:<pk>:<period>", "ip:…"
    entries = models.JSONField(default=list)  # [[time.time(), count], …], oldest first
    expires = models.FloatField(db_index=True)  # when the newest entry leaves: then it may go

    def __str__(self) -> str:
        return self.identity

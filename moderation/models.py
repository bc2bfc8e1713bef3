"""What moderators keep: `Sanction` (a commenter suspended or banned, with the reason they
are told), and the lists they edit in the admin, `BlockedTerm` and `BlockedEmailDomain`
(entries are switched off, never deleted). The rules that read them are in
`moderation.rules`.

The tables keep the names they had when these models lived in `comments`
(migrations/0001_initial.py moved them without touching a row; 0002 renames them).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentEvent
from core.text import fold, normalise_domain


class SanctionQuerySet(models.QuerySet):
    def active(self, now=None) -> "SanctionQuerySet":
        """Sanctions in force: not lifted, and a ban or a suspension not yet over."""
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))


class Sanction(models.Model):
    """A commenter suspended until a time, or banned, by a moderator, with a reason.

    The reader is told the reason (and the end of a suspension) when they try to post.
    Lifting keeps the row: the record says who sanctioned, who lifted, and when.
    """

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        BAN = "ban", "Ban"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comment_sanctions",
        db_index=False,  # the (user, lifted_at) index leads with it
        verbose_name="commenter",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(help_text="Shown to the commenter when they try to post.")
    until = models.DateTimeField(
        null=True, blank=True, help_text="When a suspension ends; empty for a ban."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "lifted_at"], name="sanction_user_lifted")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ban", until__isnull=True)
                | Q(kind="suspension", until__isnull=False),
                name="sanction_until_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.user}"

    @property
    def is_ban(self) -> bool:
        return self.kind == self.Kind.BAN

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.until is None or self.until > now)


class BlockedTerm(models.Model):
    """A word or phrase matched as a whole word: a suspect term holds the comment for review,
    a blocked one refuses the post (the reader is told which word, and keeps their text).

    Matching ignores case, accents, width and common look-alike letters (Cyrillic and
    Greek letters that look Latin, digits for letters): see `core.text.fold`.
    """

    class Action(models.TextChoices):
        HOLD = "hold", "Suspect: hold the comment for review"
        REFUSE = "refuse", "Blocked: refuse the post"

    term = models.CharField(
        max_length=100,
        help_text="A word or a phrase. Matched as whole words, whatever the case, accents or "
        "look-alike letters (“іdiot” with a Cyrillic і, “1d10t”).",
    )
    is_active = models.BooleanField(
        "in use",
        default=True,
        help_text="Untick to stop holding comments for it. Terms are switched off, not deleted.",
    )
    action = models.CharField(
        max_length=10,
        choices=Action.choices,
        default=Action.HOLD,
        help_text="Hold: a moderator reads the comment first. Refuse: the reader is asked to "
        "change it before it can be posted.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why it is on the list.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = [Lower("term")]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="unique_blocked_term",
                violation_error_message="This term is already on the list.",
            )
        ]

    def __str__(self) -> str:
        return self.term

    def clean(self) -> None:
        self.term = " ".join((self.term or "").split())
        if not any(ch.isalnum() for ch in fold(self.term)):
            raise ValidationError({"term": "Enter a word or phrase with letters or digits."})


class BlockedEmailDomain(models.Model):
    """Comments from addresses at this domain (or its subdomains) are held for review."""

    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text="e.g. example.com; also matches its subdomains (mail.example.com).",
    )
    is_active = models.BooleanField(
        "in use",
        default=True,
        help_text="Untick to stop holding comments from it. Domains are switched off, not deleted.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why it is on the list.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["domain"]
        verbose_name = "blocked email domain"

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs) -> None:
        self.domain = normalise_domain(self.domain)  # stored as the rule compares it
        super().save(*args, **kwargs)

    def clean(self) -> None:
        domain = normalise_domain(self.domain)
        if not domain or "." not in domain.strip(".") or any(ch.isspace() for ch in domain):
            raise ValidationError({"domain": "Enter a domain name such as example.com."})
        self.domain = domain


class StatementOptOut(models.Model):
    """A reader who asked for no more mail with the reasons for moderators' decisions on
    their comments (the reasons stay on "Your comments" and on each decision's page)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="statement_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "opt-out of statements of reasons"
        verbose_name_plural = "opt-outs of statements of reasons"

    def __str__(self) -> str:
        return f"Reader {self.user_id}: no statements of reasons by mail"


class SecondLook(models.Model):
    """An author asking for a second look at a moderator's decision on their comment (once
    per decision), decided by another moderator: upheld, or reversed (the comment published
    again). Each step is a `CommentEvent` too, so the audit trail tells it whole."""

    class Outcome(models.TextChoices):
        OPEN = "", "Waiting for a moderator"
        UPHELD = "upheld", "Decision upheld"
        REVERSED = "reversed", "Decision reversed"

    decision = models.OneToOneField(
        CommentEvent,
        on_delete=models.PROTECT,
        related_name="second_look",
        help_text="The moderator's decision the author asked about.",
    )
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="second_looks")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    words = models.TextField(blank=True, help_text="What the author said.")
    requested_at = models.DateTimeField(default=timezone.now)
    request_event = models.ForeignKey(
        CommentEvent, on_delete=models.PROTECT, related_name="+", editable=False
    )
    first_moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who made the decision; they may not decide the second look.",
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome_event = models.ForeignKey(
        CommentEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["outcome", "requested_at"], name="second_look_open")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_by=F("first_moderator")),
                name="second_look_by_another_moderator",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", decided_by__isnull=True)
                | (~Q(outcome="") & Q(decided_by__isnull=False)),
                name="second_look_decided_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Second look at comment {self.comment_id} ({self.get_outcome_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("moderation:statement", args=[self.decision_id])

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


class ReaderNote(models.Model):
    """A moderator's note on a reader, read by moderators on the reader's page.

    Kept and audited: nothing deletes a note, and correcting one adds a new note that
    `replaces` it, so every wording stays with who wrote it and when."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderator_notes",
        db_index=False,  # the (reader, created_at) index leads with it
    )
    text = models.TextField(help_text="Seen by moderators only, never by the reader.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The moderator who wrote it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The earlier wording this note corrects (which is kept).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reader", "created_at"], name="reader_note_reader")]

    def __str__(self) -> str:
        return f"Note on reader {self.reader_id} by {self.author_id}"

    def get_absolute_url(self) -> str:
        return reverse("moderation:reader", args=[self.reader_id]) + f"#note-{self.pk}"


class Notice(models.Model):
    """A notice that a comment is illegal content (DSA Art. 16), from anyone, signed in or
    not, and the moderator's decision on it: illegal (the comment removed, its author told
    why as for any removal) or not illegal, with grounds the notifier is mailed."""

    class Decision(models.TextChoices):
        PENDING = "", "Waiting for a moderator"
        ILLEGAL = "illegal", "Illegal: comment removed"
        LEGAL = "legal", "Not illegal: comment kept"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="notices")
    location = models.CharField(
        max_length=500, help_text="The exact address of the comment, as the notifier gave it."
    )
    explanation = models.TextField(help_text="Why the notifier holds the comment illegal.")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, help_text="Where the receipt and decision are sent.")
    concerns_csam = models.BooleanField(
        "concerns child sexual abuse material",
        default=False,
        help_text="The law lets such notifiers stay anonymous (no name or email).",
    )
    good_faith = models.BooleanField(
        help_text="The notifier stated in good faith that the notice is accurate and complete."
    )
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    grounds = models.TextField(
        blank=True, help_text="The moderator's grounds, sent to the notifier."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["decision", "created_at"], name="notice_pending")]
        constraints = [
            models.CheckConstraint(condition=Q(good_faith=True), name="notice_in_good_faith"),
            models.CheckConstraint(
                condition=Q(concerns_csam=True) | (~Q(name="") & ~Q(email="")),
                name="notice_names_its_notifier",
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_by__isnull=True)
                | (~Q(decision="") & Q(decided_by__isnull=False) & ~Q(grounds="")),
                name="notice_decided_with_grounds",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice on comment {self.comment_id} ({self.get_decision_display().lower()})"

    def get_absolute_url(self) -> str:
        return f"{reverse('moderation:notices')}#notice-{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING


class ScorerModel(models.Model):
    """One training of the comment scorer (`moderation.training`), kept whatever came of it,
    with its figures: the model in use, one it replaced, one that evaluated worse than the
    model in use, one another training overtook, a run that found too few decisions, or one
    that failed. At most one is in use.

    Only the model in use keeps its `estimator` (the fitted scikit-learn model in skops's
    format, never pickle, which the next training loads to compare) and its `weights` (its
    coefficients as little-endian float32, which the site scores with, `moderation.scorer`,
    without loading scikit-learn in every web worker): a few megabytes each, so the others
    keep their figures only.
    """

    class Outcome(models.TextChoices):
        IN_USE = "in_use", "In use"
        REPLACED = "replaced", "Replaced by a newer model"
        WORSE = "worse", "Not used: evaluated worse than the model in use"
        OVERTAKEN = "overtaken", "Not used: another training finished first"
        TOO_FEW = "too_few", "Not trained: too few decisions"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    features = models.PositiveSmallIntegerField(
        help_text="The version of the features it was trained on (moderation.features.FEATURES)."
    )
    decisions = models.PositiveIntegerField(help_text="Moderators' decisions it learnt from.")
    turned_down = models.PositiveIntegerField(help_text="Of which rejected, spam or removed.")
    trained_until = models.DateTimeField(
        null=True, blank=True, help_text="When the newest decision it learnt from was made."
    )
    held_out = models.PositiveIntegerField(
        default=0,
        help_text="The newest decisions, kept out of the training of a model like it to "
        "evaluate it.",
    )
    threshold = models.FloatField(
        default=0.5,
        help_text="Held for review at or above this (MODERATION_SCORER_THRESHOLD when trained).",
    )
    precision = models.FloatField(
        null=True,
        blank=True,
        help_text="Of the held-out comments it would have held, the share moderators turned down.",
    )
    recall = models.FloatField(
        null=True,
        blank=True,
        help_text="Of the held-out comments moderators turned down, the share it would have held.",
    )
    confusion = models.JSONField(
        default=dict,
        blank=True,
        help_text="The held-out decisions: held and turned down, held but approved, passed "
        "but turned down, passed and approved.",
    )
    # The model in use when it was trained, and both scored on the held-out decisions made
    # after that model's training (the ones neither learnt from).
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    compared_on = models.PositiveIntegerField(default=0)
    compared_precision = models.FloatField(null=True, blank=True)
    compared_recall = models.FloatField(null=True, blank=True)
    previous_precision = models.FloatField(null=True, blank=True)
    previous_recall = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why a training failed.")
    estimator = models.BinaryField(blank=True, editable=False)
    weights = models.BinaryField(blank=True, editable=False)
    intercept = models.FloatField(default=0.0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "scorer model"
        constraints = [
            models.UniqueConstraint(
                fields=["outcome"], condition=Q(outcome="in_use"), name="one_scorer_in_use"
            ),
        ]

    def __str__(self) -> str:
        return f"Scorer model {self.pk} ({self.get_outcome_display().lower()})"

    @property
    def f1(self) -> float | None:
        return _f1(self.precision, self.recall)

    @property
    def compared_f1(self) -> float | None:
        return _f1(self.compared_precision, self.compared_recall)

    @property
    def previous_f1(self) -> float | None:
        return _f1(self.previous_precision, self.previous_recall)


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

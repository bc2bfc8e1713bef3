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
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

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
    """A word or phrase that holds a comment for review, matched as a whole word.

    Matching ignores case, accents, width and common look-alike letters (Cyrillic and
    Greek letters that look Latin, digits for letters): see `core.text.fold`.
    """

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

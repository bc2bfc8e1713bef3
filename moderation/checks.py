"""Settings checks: a mistyped moderation setting stops `manage.py check`, not a reader."""

from django.conf import settings
from django.core.checks import Error, register

from .notifications import MODES
from .rules import POLICIES


@register()
def moderation_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    if settings.COMMENTS_DEFAULT_POLICY not in POLICIES:
        errors.append(
            Error(
                f"COMMENTS_DEFAULT_POLICY is {settings.COMMENTS_DEFAULT_POLICY!r}.",
                hint=f"Use one of: {', '.join(POLICIES)}.",
                id="comments.E001",
            )
        )
    if settings.COMMENTS_MODERATOR_MAIL not in MODES:
        errors.append(
            Error(
                f"COMMENTS_MODERATOR_MAIL is {settings.COMMENTS_MODERATOR_MAIL!r}.",
                hint=f"Use one of: {', '.join(MODES)}.",
                id="comments.E002",
            )
        )
    for name in (
        "COMMENTS_MAX_LINKS",
        "COMMENTS_HOLD_FIRST_N",
        "COMMENTS_TRUSTED_AFTER",
        "COMMENTS_TRUST_WINDOW_DAYS",
        "COMMENTS_REPORT_THRESHOLD",
        "COMMENTS_REPEAT_WINDOW_HOURS",
        "COMMENTS_REPEAT_MIN_CHARS",
        "COMMENTS_REPEAT_SCAN",
        "COMMENTS_REJECTION_MIN_DECIDED",
        "COMMENTS_REJECTION_WINDOW_DAYS",
        "COMMENTS_REJECTION_RATE_PERCENT",
    ):
        if getattr(settings, name) < 0:
            errors.append(Error(f"{name} must be 0 or more.", id="comments.E003"))
    if not 0 < settings.COMMENTS_REPEAT_SIMILARITY <= 1:
        errors.append(
            Error("COMMENTS_REPEAT_SIMILARITY must be above 0 and at most 1.", id="comments.E004")
        )
    return errors

"""Settings checks: a mistyped comments setting stops `manage.py check`, not a reader."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from .moderator import Moderator
from .targets import CommentTarget, target_model


@register()
def comments_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    try:
        moderator = import_string(settings.COMMENTS_MODERATOR)
    except ImportError:
        moderator = None
    if not (isinstance(moderator, type) and issubclass(moderator, Moderator)):
        errors.append(
            Error(
                f"COMMENTS_MODERATOR is {settings.COMMENTS_MODERATOR!r}.",
                hint="Name a subclass of comments.moderator.Moderator.",
                id="comments.E004",
            )
        )
    try:
        model = target_model()
    except (LookupError, ValueError):
        model = None
    missing = [name for name in CommentTarget.__annotations__ if model and not hasattr(model, name)]
    if model is None or missing or not hasattr(model, "get_absolute_url"):
        errors.append(
            Error(
                f"COMMENTS_TARGET_MODEL is {settings.COMMENTS_TARGET_MODEL!r}.",
                hint="Name an installed model offering comments.targets.CommentTarget"
                + (f" (it lacks {', '.join(missing)})." if missing else "."),
                id="comments.E005",
            )
        )
    return errors

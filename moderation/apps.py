from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Imported for what they register: the settings checks; the receiver that mails
        # moderators when a comment waits.
        from . import checks, notifications  # noqa: F401

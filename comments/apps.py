from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        # Imported for what they register: settings checks; the receivers that keep cached
        # discussions current (a renamed commenter).
        from . import checks, handlers  # noqa: F401

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the page-cache receivers

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from . import caching  # noqa: F401 - connects what invalidates cached pages

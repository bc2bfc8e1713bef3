from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from . import (  # noqa: F401 - connect their receivers
            authors,  # authors who opt in follow their new pieces' discussions
            caching,  # what invalidates cached pages
            corrections,  # a piece's notes to readers set its public "Updated" time
            editing,  # a restored version counts as a save
        )

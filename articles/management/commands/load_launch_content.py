from django.core.management.base import BaseCommand

from articles import launch


class Command(BaseCommand):
    help = (
        "Load the launch piece, its guide, topics and author. Safe to run again: what "
        "exists (matched by slug) is kept as editors left it; only what is missing is added."
    )

    def handle(self, *args, **options) -> None:
        report, article = launch.load()
        for item in report.created:
            self.stdout.write(f"created {item}")
        if report.kept:
            self.stdout.write(f"kept as it was: {', '.join(report.kept)}")
        self.stdout.write(
            self.style.SUCCESS(f"Launch content ready at {article.get_absolute_url()}")
        )

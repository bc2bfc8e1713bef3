from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments.models import Comment
from comments.seeding import seed_discussion


class Command(BaseCommand):
    help = (
        "Give a piece a generated discussion of N published, threaded comments from "
        "generated commenters, for demos and benchmarks. Tops up to N: safe to run again. "
        "Refuses when DEBUG is off unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The piece's slug.")
        parser.add_argument("--comments", type=int, default=100, help="How many (default 100).")
        parser.add_argument(
            "--force", action="store_true", help="Seed even though DEBUG is off (benchmarks)."
        )

    def handle(self, *args, slug: str, comments: int, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this would add generated comments to a real site. "
                "Pass --force if that is what you want (for a benchmark database)."
            )
        if comments < 0:
            raise CommandError("--comments must be 0 or more.")
        # The piece model is whatever comments point at; comments imports no articles code.
        Target = Comment._meta.get_field("target").related_model
        try:
            target = Target.objects.get(slug=slug)
        except Target.DoesNotExist:
            raise CommandError(f"No piece with the slug {slug!r}.") from None
        added = seed_discussion(target=target, count=comments)
        total = Comment.objects.filter(target=target).count()
        self.stdout.write(
            self.style.SUCCESS(f"Added {added} generated comments; the piece now has {total}.")
        )

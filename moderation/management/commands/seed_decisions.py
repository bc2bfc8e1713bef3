from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments.models import Comment
from moderation.corpus import seed_decisions


class Command(BaseCommand):
    help = (
        "Give a piece N generated comments, each decided by a generated moderator (approved, "
        "rejected, spam or removed), for the scorer's demos and benchmarks: then run "
        "`manage.py train_scorer`. Refuses when DEBUG is off unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The piece's slug.")
        parser.add_argument("--count", type=int, default=1000, help="How many (default 1000).")
        parser.add_argument("--seed", type=int, default=0, help="Another seed, other comments.")
        parser.add_argument(
            "--force", action="store_true", help="Seed even though DEBUG is off (benchmarks)."
        )

    def handle(self, *args, slug: str, count: int, seed: int, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this would add generated decisions to a real site. "
                "Pass --force if that is what you want (for a benchmark database)."
            )
        if count < 1:
            raise CommandError("--count must be 1 or more.")
        Target = Comment._meta.get_field("target").related_model
        try:
            target = Target.objects.get(slug=slug)
        except Target.DoesNotExist:
            raise CommandError(f"No piece with the slug {slug!r}.") from None
        made = seed_decisions(target=target, count=count, seed=seed)
        self.stdout.write(self.style.SUCCESS(f"Added {len(made)} decided comments."))

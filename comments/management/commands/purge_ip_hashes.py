from django.conf import settings
from django.core.management.base import BaseCommand

from comments import privacy


class Command(BaseCommand):
    help = (
        "Blank the address hashes (Comment.ip_hash) of comments older than "
        "COMMENTS_IP_HASH_RETENTION_DAYS. Run it daily from cron; safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep hashes this many days instead of COMMENTS_IP_HASH_RETENTION_DAYS "
            f"({settings.COMMENTS_IP_HASH_RETENTION_DAYS}).",
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        result = privacy.purge_ip_hashes(retention_days=days)
        self.stdout.write(
            f"Blanked the address hash of {result.blanked} comment(s) posted before "
            f"{result.cutoff:%Y-%m-%d %H:%M %Z}."
        )

from django.core.management.base import BaseCommand

from comments import follows


class Command(BaseCommand):
    help = (
        "Mail each reader who follows a discussion by daily digest the comments published "
        "there since their last one (run it from cron once a day). Safe to run again: a "
        "comment is in one digest only."
    )

    def handle(self, *args, **options) -> None:
        sent = follows.send_digests()
        self.stdout.write(f"{sent} digest(s) enqueued for the task worker to send.")

from django.conf import settings
from django.core.management.base import BaseCommand

from moderation import notifications


class Command(BaseCommand):
    help = (
        "Mail moderators one digest of the comments that wait for review and were not "
        "announced yet (COMMENTS_MODERATOR_MAIL=digest; run it from cron, e.g. hourly). "
        "Safe to run again: a comment is announced once."
    )

    def handle(self, *args, **options) -> None:
        if settings.COMMENTS_MODERATOR_MAIL == notifications.OFF:
            self.stdout.write("Moderator mail is off (COMMENTS_MODERATOR_MAIL=off).")
            return
        result = notifications.send_digest()
        if not result.recipients:
            self.stdout.write("No moderator has an email address: nothing sent.")
        elif result.announced:
            self.stdout.write(
                f"Digest of {result.announced} new comment(s) ({result.waiting} waiting) sent "
                f"to {result.recipients} moderator(s)."
            )
        else:
            self.stdout.write(f"Nothing new to announce ({result.waiting} waiting).")

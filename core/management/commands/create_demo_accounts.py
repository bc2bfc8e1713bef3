import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from core.roles import EDITORS, MODERATORS, REVIEWERS

DEMO_ACCOUNTS = [
    # (email, display name, group, staff)
    ("editor@example.com", "Demo Editor", EDITORS, True),
    ("reviewer@example.com", "Demo Reviewer", REVIEWERS, True),
    ("moderator@example.com", "Demo Moderator", MODERATORS, True),
    ("reader@example.com", "Demo Reader", None, False),
]


class Command(BaseCommand):
    help = (
        "In DEBUG only: create an editor, a reviewer, a moderator and a reader to try the "
        "site with. "
        "Passwords are random and printed once, when the accounts are created."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only created when DJANGO_DEBUG=1.")
        User = get_user_model()
        created = []
        for email, display_name, group_name, is_staff in DEMO_ACCOUNTS:
            if User.objects.filter(email__iexact=email).exists():
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=email.split("@")[0],
                email=email,
                password=password,
                display_name=display_name,
                is_staff=is_staff,
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if group_name:
                user.groups.add(Group.objects.get_or_create(name=group_name)[0])
            created.append((email, password, group_name or "Reader"))
        if not created:
            self.stdout.write("Demo accounts exist already (their passwords were printed once).")
            return
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /accounts/login/):"))
        for email, password, role in created:
            self.stdout.write(f"  {role:<10} {email:<24} password: {password}")

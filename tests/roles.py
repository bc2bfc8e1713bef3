"""The staff groups again, after a transactional test's flush emptied them.

Transactional tests (threads on real connections, the browser's live server) flush the
database after each test; Django's post_migrate signal then makes the permissions again,
but the groups come from data migrations, which do not run again. These put them back with
exactly the permissions the migrations give, read from the migrations themselves.
"""

from functools import cache
from importlib import import_module

from django.contrib.auth.models import Group, Permission
from django.db.migrations.loader import MigrationLoader

from core import roles

PROJECT_APPS = ("core", "accounts", "articles", "faq", "comments", "moderation")
# A migration grants a role what its <ROLE>_PERMISSIONS list says (core.roles.grant).
ROLE_OF = {
    "EDITOR_PERMISSIONS": roles.EDITORS,
    "REVIEWER_PERMISSIONS": roles.REVIEWERS,
    "MODERATOR_PERMISSIONS": roles.MODERATORS,
}

# Models that moved app since the migrations named them (their permissions moved too).
_MOVED = {
    ("comments", model): "moderation"
    for model in import_module("moderation.migrations.0001_moved_from_comments").MOVED
}


@cache  # the migrations on disk do not change during a run
def _grants() -> list[tuple[str, list[str]]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    grants = []
    for (app, _name), migration in sorted(loader.disk_migrations.items()):
        if app not in PROJECT_APPS:
            continue
        module = import_module(migration.__module__)
        for attribute, role in ROLE_OF.items():
            if hasattr(module, attribute):
                grants.append((role, getattr(module, attribute)))
    return grants


def restore_staff_roles() -> None:
    if Group.objects.filter(name__in=ROLE_OF.values()).count() == len(ROLE_OF):
        return  # not flushed since the migrations made them
    for group_name in ROLE_OF.values():
        Group.objects.get_or_create(name=group_name)
    for group_name, permissions in _grants():
        group = Group.objects.get(name=group_name)
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            app_label = _MOVED.get((app_label, codename.split("_", 1)[1]), app_label)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )

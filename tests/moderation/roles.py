"""The staff groups again, after a transactional test's flush emptied them.

Transactional tests (threads on real connections, the browser's live server) flush the
database after each test; Django's post_migrate signal then makes the permissions again,
but the groups come from data migrations, which do not run again. These put them back with
exactly the permissions the migrations give, read from the migrations themselves.
"""

from importlib import import_module

from django.contrib.auth.models import Group, Permission

from core.roles import EDITORS, MODERATORS

_GRANTS = [
    (MODERATORS, "comments.migrations.0002_moderators_role", "MODERATOR_PERMISSIONS"),
    (MODERATORS, "comments.migrations.0004_moderation_roles", "MODERATOR_PERMISSIONS"),
    (EDITORS, "comments.migrations.0004_moderation_roles", "EDITOR_PERMISSIONS"),
    (EDITORS, "articles.migrations.0002_editors_role", "EDITOR_PERMISSIONS"),
    (EDITORS, "faq.migrations.0002_editors_role", "EDITOR_PERMISSIONS"),
]


# Models that moved app since the migrations above named them (their permissions moved too).
_MOVED = {
    ("comments", model): "moderation"
    for model in import_module("moderation.migrations.0001_moved_from_comments").MOVED
}


def restore_staff_roles() -> None:
    for group_name, module, name in _GRANTS:
        group, _ = Group.objects.get_or_create(name=group_name)
        for dotted in getattr(import_module(module), name):
            app_label, codename = dotted.split(".")
            app_label = _MOVED.get((app_label, codename.split("_", 1)[1]), app_label)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )

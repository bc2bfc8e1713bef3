"""Staff roles as groups with exact permissions, kept by data migrations.

Each app's migration states what its roles may do with its models; `grant` makes it so.
Permissions are created by a post_migrate signal, after migrations run, so on a fresh
database `grant` creates the ones it needs first.
"""

from django.contrib.auth.management import create_permissions

EDITORS = "Editors"
REVIEWERS = "Reviewers"
MODERATORS = "Moderators"


def grant(apps, group_name: str, permissions: list[str]) -> None:
    """Give `group_name` each of `permissions` ("app_label.codename"), creating what is missing."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, group_name: str, permissions: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        return
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )

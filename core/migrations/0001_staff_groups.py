from django.db import migrations

from core.roles import EDITORS, MODERATORS


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in (EDITORS, MODERATORS):
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    """The two staff roles exist from the first migrate; each app grants its permissions."""

    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]

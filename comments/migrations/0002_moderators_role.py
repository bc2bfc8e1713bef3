from django.db import migrations

from core.roles import MODERATORS, grant, revoke

# Moderators read comments, change their state (through the admin, which records it with
# services.change_state), and read reports, edit history and the record of states. They
# never delete anything, and add nothing: comments are written by readers on the site.
# Editors get nothing from comments: they cannot moderate.
MODERATOR_PERMISSIONS = [
    "comments.view_comment",
    "comments.change_comment",
    "comments.view_report",
    "comments.view_commentevent",
    "comments.view_commentrevision",
]


def forwards(apps, schema_editor):
    grant(apps, MODERATORS, MODERATOR_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, MODERATORS, MODERATOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("core", "0001_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

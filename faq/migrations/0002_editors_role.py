from django.db import migrations

from core.roles import EDITORS, grant, revoke

# Editors write and order FAQ items. They never delete one: unticking "published" takes it
# off the site and keeps it. Moderators get nothing here.
EDITOR_PERMISSIONS = [
    "faq.view_faqitem",
    "faq.add_faqitem",
    "faq.change_faqitem",
]


def forwards(apps, schema_editor):
    grant(apps, EDITORS, EDITOR_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, EDITORS, EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0001_initial"),
        ("core", "0001_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

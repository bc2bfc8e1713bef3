from django.db import migrations

from core.roles import EDITORS, grant, revoke

# Editors write and publish pieces. They never delete a piece (unpublish it instead), and
# deleting a related-guide row only removes the link from one piece to another.
EDITOR_PERMISSIONS = [
    "articles.view_article",
    "articles.add_article",
    "articles.change_article",
    "articles.view_topic",
    "articles.add_topic",
    "articles.change_topic",
    "articles.view_author",
    "articles.add_author",
    "articles.change_author",
    "articles.view_relatedguide",
    "articles.add_relatedguide",
    "articles.change_relatedguide",
    "articles.delete_relatedguide",
]


def forwards(apps, schema_editor):
    grant(apps, EDITORS, EDITOR_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, EDITORS, EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("core", "0001_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

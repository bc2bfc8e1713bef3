from django.db import migrations

from core.roles import EDITORS, MODERATORS, grant, revoke

# Moderators decide on comments (change_comment: every change goes through the services,
# which record it), read reports and the record of states, sanction commenters (add a
# sanction from a comment; change one only to lift it) and keep the lists of blocked terms
# and email domains (entries are switched off, never deleted). They delete nothing.
MODERATOR_PERMISSIONS = [
    "comments.view_sanction",
    "comments.add_sanction",
    "comments.change_sanction",
    "comments.view_blockedterm",
    "comments.add_blockedterm",
    "comments.change_blockedterm",
    "comments.view_blockedemaildomain",
    "comments.add_blockedemaildomain",
    "comments.change_blockedemaildomain",
]

# Editors read comments, to find readers' questions and promote them to a piece's FAQ
# (faq.add_faqitem, which they have). They cannot moderate: no change_comment.
EDITOR_PERMISSIONS = ["comments.view_comment"]


def forwards(apps, schema_editor):
    grant(apps, MODERATORS, MODERATOR_PERMISSIONS)
    grant(apps, EDITORS, EDITOR_PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, MODERATORS, MODERATOR_PERMISSIONS)
    revoke(apps, EDITORS, EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_moderation"),
        ("comments", "0002_moderators_role"),
        ("core", "0001_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

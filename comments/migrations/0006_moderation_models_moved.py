# Sanctions and the blocklists now belong to `moderation` (its 0001): they leave this app's
# state only; their tables and rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("comments", "0005_posting_window"),
        ("moderation", "0001_moved_from_comments"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='BlockedEmailDomain',
                ),
                migrations.RemoveConstraint(
                    model_name='blockedterm',
                    name='unique_blocked_term',
                ),
                migrations.DeleteModel(
                    name='BlockedTerm',
                ),
                migrations.RemoveIndex(
                    model_name='sanction',
                    name='sanction_user_lifted',
                ),
                migrations.RemoveConstraint(
                    model_name='sanction',
                    name='sanction_until_matches_kind',
                ),
                migrations.DeleteModel(
                    name='Sanction',
                ),
            ],
            database_operations=[],
        ),
    ]

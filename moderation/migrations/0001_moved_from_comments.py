# The models moderators keep moved here from `comments` with their rows: the state moves,
# the tables stay as they are (0002 renames them), and their content types follow, so the
# Moderators group keeps its permissions on them and the admin's history stays attached.

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["sanction", "blockedterm", "blockedemaildomain"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="comments", model__in=MOVED).update(
        app_label="moderation"
    )


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="moderation", model__in=MOVED).update(
        app_label="comments"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("comments", "0005_posting_window"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                    migrations.CreateModel(
                        name='BlockedEmailDomain',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('domain', models.CharField(help_text='e.g. example.com; also matches its subdomains (mail.example.com).', max_length=253, unique=True)),
                            ('is_active', models.BooleanField(default=True, help_text='Untick to stop holding comments from it. Domains are switched off, not deleted.', verbose_name='in use')),
                            ('note', models.CharField(blank=True, help_text='Why it is on the list.', max_length=200)),
                            ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ],
                        options={
                            'verbose_name': 'blocked email domain',
                            'db_table': 'comments_blockedemaildomain',
                            'ordering': ['domain'],
                        },
                    ),
                    migrations.CreateModel(
                        name='BlockedTerm',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('term', models.CharField(help_text='A word or a phrase. Matched as whole words, whatever the case, accents or look-alike letters (“іdiot” with a Cyrillic і, “1d10t”).', max_length=100)),
                            ('is_active', models.BooleanField(default=True, help_text='Untick to stop holding comments for it. Terms are switched off, not deleted.', verbose_name='in use')),
                            ('note', models.CharField(blank=True, help_text='Why it is on the list.', max_length=200)),
                            ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ],
                        options={
                            'db_table': 'comments_blockedterm',
                            'ordering': [django.db.models.functions.text.Lower('term')],
                            'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('term'), name='unique_blocked_term', violation_error_message='This term is already on the list.')],
                        },
                    ),
                    migrations.CreateModel(
                        name='Sanction',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('kind', models.CharField(choices=[('suspension', 'Suspension'), ('ban', 'Ban')], max_length=20)),
                            ('reason', models.TextField(help_text='Shown to the commenter when they try to post.')),
                            ('until', models.DateTimeField(blank=True, help_text='When a suspension ends; empty for a ban.', null=True)),
                            ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                            ('lifted_at', models.DateTimeField(blank=True, null=True)),
                            ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ('lifted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ('user', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='comment_sanctions', to=settings.AUTH_USER_MODEL, verbose_name='commenter')),
                        ],
                        options={
                            'db_table': 'comments_sanction',
                            'ordering': ['-created_at', '-id'],
                            'indexes': [models.Index(fields=['user', 'lifted_at'], name='sanction_user_lifted')],
                            'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'ban'), ('until__isnull', True)), models.Q(('kind', 'suspension'), ('until__isnull', False)), _connector='OR'), name='sanction_until_matches_kind')],
                        },
                    ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]

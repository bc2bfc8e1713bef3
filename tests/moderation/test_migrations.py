"""Moderation became an app of its own: its models moved out of `comments` with every row.

A database at the schema before the move (comments 0005), holding comments, their events,
sanctions and blocked terms and domains, is migrated to today's schema; every row is
found where the new models look, and the Moderators group keeps its permissions on them.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from comments.models import Comment, CommentEvent
from core.roles import MODERATORS
from moderation.models import BlockedEmailDomain, BlockedTerm, Sanction

BEFORE_THE_MOVE = [("comments", "0005_posting_window"), ("moderation", None)]  # None: no app yet


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: the graph as it is now applied


@pytest.mark.django_db(transaction=True)
def test_the_moved_models_keep_every_row_and_their_permissions(make_user, make_article):
    piece, reader, moderator = make_article(), make_user(), make_user()
    old = _migrate(BEFORE_THE_MOVE).loader.project_state(BEFORE_THE_MOVE[:1]).apps
    OldComment = old.get_model("comments", "Comment")
    comment = OldComment.objects.create(
        target_id=piece.pk, author_id=reader.pk, body="Kept.", body_html="<p>Kept.</p>"
    )
    old.get_model("comments", "CommentEvent").objects.create(
        comment=comment, to_state="pending", reason="Held: first comment", rule="first_comments"
    )
    old.get_model("comments", "Sanction").objects.create(
        user_id=reader.pk,
        kind="suspension",
        reason="Spam links.",
        until=timezone.now() + timedelta(days=3),
        created_by_id=moderator.pk,
    )
    old.get_model("comments", "BlockedTerm").objects.create(term="scam", note="From reports")
    old.get_model("comments", "BlockedEmailDomain").objects.create(domain="spam.example")

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(latest)

    assert Comment.objects.get().body == "Kept."
    assert CommentEvent.objects.get().rule == "first_comments"
    sanction = Sanction.objects.get()
    assert (sanction.user, sanction.created_by, sanction.reason) == (
        reader,
        moderator,
        "Spam links.",
    )
    assert sanction.is_active()
    assert list(BlockedTerm.objects.values_list("term", "note")) == [("scam", "From reports")]
    assert list(BlockedEmailDomain.objects.values_list("domain", flat=True)) == ["spam.example"]
    # The tables carry the new app's names, and moderators can still sanction.
    assert Sanction._meta.db_table in connection.introspection.table_names()
    moderators = Group.objects.get(name=MODERATORS)
    assert moderators.permissions.filter(
        content_type__app_label="moderation", codename="add_sanction"
    ).exists()
    moderator.groups.add(moderators)
    moderator.is_staff = True
    moderator.save()
    moderator = type(moderator).objects.get(pk=moderator.pk)  # permissions read afresh
    assert moderator.has_perm("moderation.add_sanction")


BEFORE_THE_REASONS = [("comments", "0009_published_index"), ("moderation", "0002_tables_renamed")]


@pytest.mark.django_db(transaction=True)
def test_terms_stay_suspect_and_earlier_decisions_keep_their_words(make_user, make_article):
    """Issue 14: terms on the list before blocked terms could refuse still hold; removals
    and rejections made before the reasons list keep their words, under "Other"."""
    piece, reader, moderator = make_article(), make_user(), make_user()
    old = _migrate(BEFORE_THE_REASONS).loader.project_state(BEFORE_THE_REASONS).apps
    comment = old.get_model("comments", "Comment").objects.create(
        target_id=piece.pk, author_id=reader.pk, body="Gone.", state="removed"
    )
    OldEvent = old.get_model("comments", "CommentEvent")
    OldEvent.objects.create(comment=comment, to_state="pending", rule="first_comments")
    OldEvent.objects.create(
        comment=comment,
        actor_id=moderator.pk,
        from_state="pending",
        to_state="removed",
        reason="Doxxing.",
    )
    OldEvent.objects.create(
        comment=comment, actor_id=moderator.pk, from_state="removed", to_state="spam"
    )
    old.get_model("moderation", "BlockedTerm").objects.create(term="scam")

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert list(BlockedTerm.objects.values_list("term", "action")) == [("scam", "hold")]
    assert list(CommentEvent.objects.values_list("to_state", "category", "reason")) == [
        ("pending", "", ""),
        ("removed", "other", "Doxxing."),
        ("spam", "spam", ""),
    ]

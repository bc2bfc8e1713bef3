"""Two moderators deciding on one comment at the same moment, on real connections.

Each runs in its own thread with its own database connection and transaction. The
comment's row is locked for the decision (SELECT ... FOR UPDATE) and the state each saw is
checked under the lock, so exactly one decision is recorded and the other moderator is
told what happened: no lost update.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from comments.errors import CommentError
from comments.models import Comment
from moderation import actions

State = Comment.State


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("decisions", [("approve", "reject"), ("spam", "spam")])
def test_simultaneous_decisions_record_one_and_tell_the_other(
    decisions, moderator, second_moderator, held
):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (SQLite serialises them anyway).")
    barrier = threading.Barrier(2)

    def decide(who_and_action):
        who, action = who_and_action
        try:
            barrier.wait(timeout=10)
            actions.moderate(
                comment=Comment.objects.get(pk=held.pk),
                action=action,
                moderator=who,
                expected_state=State.PENDING,
                category="off_topic" if action == "reject" else "",  # a rejection says why
            )
            return "done", who.pk
        except CommentError as error:
            return error.message, who.pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(decide, zip((moderator, second_moderator), decisions, strict=True)))
    outcomes = sorted(outcome for outcome, _ in results)
    assert outcomes[1] == "done", outcomes
    assert outcomes[0].startswith("Already "), outcomes
    winner = next(pk for outcome, pk in results if outcome == "done")
    decisions = Comment.objects.get(pk=held.pk).events.filter(actor__isnull=False)
    assert list(decisions.values_list("actor", flat=True)) == [winner]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_features_feature_once(moderator, second_moderator, published):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (SQLite serialises them anyway).")
    barrier = threading.Barrier(2)

    def feature(who):
        try:
            barrier.wait(timeout=10)
            actions.moderate(comment=published, action="feature", moderator=who)
            return "done"
        except CommentError as error:
            return error.message
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(feature, (moderator, second_moderator)))
    assert outcomes[1] == "done", outcomes
    assert outcomes[0].startswith("Already featured by"), outcomes
    assert published.events.filter(kind="feature").count() == 1

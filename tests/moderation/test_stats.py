"""The queue's figures, /moderation/stats/: waits for a decision (median and 90th
percentile over known waits), what waits now, decisions per moderator, and a query count
that does not grow with the comments."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import posting
from comments.models import Comment, CommentEvent
from moderation import actions, stats

State = Comment.State
STATS = reverse("moderation:stats")


@pytest.fixture
def held_comment(make_user, post):
    """A new reader's first comment each time: held for review, as the site holds it."""

    def make():
        comment = post(make_user(), "A first comment, held.")
        assert comment.state == State.PENDING
        return comment

    return make


def _at(event: CommentEvent, when) -> None:
    CommentEvent.objects.filter(pk=event.pk).update(created_at=when)


@pytest.fixture
def decided(held_comment, moderator):
    """A comment held `wait` before `moderator` decided on it `ago` (default: approved)."""

    def make(*, wait: timedelta, ago: timedelta, by=None, action="approve", **extra):
        comment = held_comment()
        decided_at = timezone.now() - ago
        _at(comment.events.get(to_state=State.PENDING), decided_at - wait)
        event = actions.moderate(comment=comment, action=action, moderator=by or moderator, **extra)
        _at(event, decided_at)
        return comment

    return make


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture
def known_waits(decided):
    day = timedelta(days=1)
    for minutes in (50, 10, 40, 20, 30):  # decided yesterday
        decided(wait=_minutes(minutes), ago=day)
    for hours in (5, 6):  # decided ten days ago: in the 30 days, not the 7
        decided(wait=timedelta(hours=hours), ago=10 * day)
    decided(wait=timedelta(hours=99), ago=40 * day)  # outside both


def test_median_and_90th_percentile_of_waits_in_each_window(known_waits):
    week, month = stats.waits()
    assert (week.days, week.decided, week.median, week.p90) == (7, 5, _minutes(30), _minutes(50))
    # 7 waits: the median is the 4th (40 min), the 90th percentile the 7th (6 h).
    assert (month.days, month.decided, month.median, month.p90) == (
        30,
        7,
        _minutes(40),
        timedelta(hours=6),
    )


def test_the_page_shows_the_waits(client, moderator, known_waits):
    client.force_login(moderator)
    text = html.unescape(client.get(STATS).content.decode())
    assert "Last 7 days</th><td>5</td><td>30 min</td><td>50 min</td>" in text
    assert "Last 30 days</th><td>7</td><td>40 min</td><td>6 h 0 min</td>" in text


def test_a_wait_ends_at_the_decision_that_stands_not_one_undone(decided, moderator):
    comment = decided(wait=_minutes(10), ago=_minutes(60))
    actions.undo_last_action(moderator=moderator)
    comment.refresh_from_db()
    assert comment.state == State.PENDING
    week, _ = stats.waits()
    assert week.decided == 0  # it waits again: undone is not decided
    actions.moderate(comment=comment, action="approve", moderator=moderator)
    week, _ = stats.waits()
    assert week.decided == 1
    # From when it was held (70 minutes ago) to the decision that stands (now).
    assert abs(week.median - _minutes(70)) < timedelta(seconds=30)


def test_undone_decisions_and_the_undos_are_not_moderators_decisions(decided, moderator):
    decided(wait=_minutes(5), ago=_minutes(30))
    decided(wait=_minutes(5), ago=_minutes(20), action="reject", category="spam")
    actions.undo_last_action(moderator=moderator)
    (row,) = stats.decisions_per_moderator()
    assert (row.recent, row.total, row.counts) == (1, 1, {"Published": 1})


def test_authors_withdrawing_and_rules_are_not_decisions(held_comment, moderator):
    withdrawn = held_comment()
    posting.withdraw_comment(comment=withdrawn, actor=withdrawn.author)
    week, month = stats.waits()
    assert week.decided == month.decided == 0
    assert week.median is None
    assert week.p90 is None
    assert stats.decisions_per_moderator() == []


def test_what_waits_now_and_the_oldest(held_comment, decided):
    decided(wait=_minutes(5), ago=_minutes(1))
    oldest = held_comment()
    Comment.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(hours=3))
    held_comment()
    waiting = stats.waiting_now()
    assert waiting.count == 2
    assert waiting.oldest == Comment.objects.get(pk=oldest.pk).created_at


def test_decisions_per_moderator_by_kind(decided, moderator, second_moderator):
    for _ in range(3):
        decided(wait=_minutes(1), ago=_minutes(5))
    decided(wait=_minutes(1), ago=timedelta(days=10), action="reject", category="off_topic")
    decided(wait=_minutes(1), ago=_minutes(5), by=second_moderator, action="spam")
    first, second = stats.decisions_per_moderator()
    assert (first.name, first.recent, first.total) == (moderator.public_name, 3, 4)
    assert first.counts == {"Published": 3, "Rejected": 1}
    assert (second.name, second.recent, second.total, second.counts) == (
        "Second Moderator",
        1,
        1,
        {"Spam": 1},
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(STATS).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_one_or_many_comments(
    client, moderator, second_moderator, decided
):
    client.force_login(moderator)
    decided(wait=_minutes(3), ago=_minutes(5))
    few = _queries(client)
    for n in range(8):
        decided(wait=_minutes(n), ago=timedelta(days=n), by=(moderator, second_moderator)[n % 2])
    assert _queries(client) == few


def test_the_queue_links_to_the_figures(client, moderator):
    client.force_login(moderator)
    assert f'href="{STATS}"' in client.get(reverse("moderation:queue")).content.decode()

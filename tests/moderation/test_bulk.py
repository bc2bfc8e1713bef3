"""The queue page's groups of near-duplicates and its multi-select (/moderation/bulk/):
who may, what the page shows, decisions on exactly what the moderator saw (states
re-checked), one batch that one undo reverts, bad input told and kept, JSON for the
script, and a query count that stays fixed with groups on the page."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentEvent
from moderation import actions, groups

from .test_groups import FOLDED, NEARLY, OTHER, SAME
from .test_queue_page import QUEUE_PAGE_MAX, _text

State = Comment.State
QUEUE = reverse("moderation:queue")
BULK = reverse("moderation:bulk")


@pytest.fixture
def copies(make_user, post, other_piece):
    """Three near-duplicates by three new readers on two pieces, and an unrelated one."""
    return [
        post(make_user(display_name="Ana"), SAME),
        post(make_user(display_name="Ben"), NEARLY, target=other_piece),
        post(make_user(display_name="Cy"), FOLDED),
    ]


@pytest.fixture
def unrelated(make_user, post):
    return post(make_user(display_name="Dee"), OTHER)


def _seen(*comments) -> list[str]:
    return [f"{c.pk}:{c.state}" for c in comments]


def _decide(client, comments, action, *, json_answer=False, seen=None, **fields):
    data = {
        "action": action,
        "comment": [c.pk for c in comments],
        "shown": seen or _seen(*comments),
        "next": f"{QUEUE}?queue=pending",
        **fields,
    }
    if json_answer:
        response = client.post(BULK, data, HTTP_ACCEPT="application/json")
        return response.status_code, json.loads(response.content)
    return client.post(BULK, data)


def _states(comments) -> list[str]:
    by_pk = dict(Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("pk", "state"))
    return [by_pk[c.pk] for c in comments]


# Who may -----------------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client, copies):
    response = _decide(client, copies, "approve")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert _states(copies) == [State.PENDING] * 3


@pytest.mark.parametrize("who", ["reader", "editor"])
def test_readers_and_editors_are_refused(request, client, who, copies):
    client.force_login(request.getfixturevalue(who))
    assert _decide(client, copies, "spam").status_code == 403
    assert client.get(BULK).status_code == 403
    assert _states(copies) == [State.PENDING] * 3


def test_csrf_is_required(moderator, copies):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert _decide(client, copies, "approve").status_code == 403
    assert _states(copies) == [State.PENDING] * 3


def test_only_post(moderating):
    assert moderating.get(BULK).status_code == 405


# What the page shows ------------------------------------------------------------------


def test_the_queue_shows_near_duplicates_as_one_group_with_its_decisions(
    moderating, copies, unrelated
):
    page = _text(moderating.get(QUEUE))
    assert "3 near-duplicate comments" in page
    start = page.index('class="mod-group"')
    group = page[start : page.index("</section>", start)]
    for comment in copies:
        assert f'id="mod-item-{comment.pk}"' in group  # each member shown
    assert f'id="mod-item-{unrelated.pk}"' not in group
    assert f'id="mod-item-{unrelated.pk}"' in page
    assert group.count(f'action="{BULK}"') == 4  # approve, reject, spam, remove
    assert "Approve all 3" in group
    assert "Reject all 3" in group
    for seen in _seen(*copies):
        assert f'name="shown" value="{seen}"' in group
    # The multi-select: a box per comment, all on the page, an action and a reason.
    assert page.count('name="comment"') >= 4
    assert 'id="mod-bulk"' in page
    assert "Select all on this page" in page
    assert "<script>" not in page


def test_the_group_finds_its_members_beyond_the_page(moderating, settings, copies, monkeypatch):
    monkeypatch.setattr("moderation.views.PER_PAGE", 1)
    page = _text(moderating.get(QUEUE))
    assert "3 near-duplicate comments" in page
    assert "2 more waiting on later pages" in page
    for comment in copies:
        assert f'id="mod-item-{comment.pk}"' in page


# Deciding a group ----------------------------------------------------------------------------


def test_a_group_is_decided_together_and_undone_together(moderating, moderator, copies):
    response = _decide(moderating, copies, "reject", category="spam", reason="Copy-paste.")
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?queue=pending"
    assert _states(copies) == [State.REJECTED] * 3
    events = CommentEvent.objects.filter(actor=moderator, to_state=State.REJECTED)
    assert events.count() == 3
    assert len({e.batch for e in events}) == 1  # one decision, one batch
    assert {(e.category, e.reason) for e in events} == {("spam", "Copy-paste.")}
    page = _text(moderating.get(response["Location"]))
    assert "3 comments rejected." in page
    assert "3 near-duplicate comments" not in page  # they left the queue

    response = moderating.post(reverse("moderation:undo"), {"next": f"{QUEUE}?queue=pending"})
    assert _states(copies) == [State.PENDING] * 3
    page = _text(moderating.get(response["Location"]))
    assert "Undone: rejection of 3 comments" in page
    assert "3 near-duplicate comments" in page  # back, as one group


def test_only_members_still_as_shown_are_decided_and_the_rest_are_told(
    moderating, second_moderator, copies
):
    seen = _seen(*copies)  # all pending, as the page shows them
    actions.moderate(comment=copies[1], action="approve", moderator=second_moderator)
    response = _decide(moderating, copies, "spam", seen=seen)
    assert _states(copies) == [State.SPAM, State.APPROVED, State.SPAM]
    page = _text(moderating.get(response["Location"]))
    assert "2 comments marked as spam." in page
    assert "1 had changed meanwhile and was left as it is" in page
    assert f"#{copies[1].pk}: Already approved by Second Moderator" in page


def test_nothing_outside_what_was_shown_is_decided(moderating, copies, unrelated):
    data = {
        "action": "approve",
        "comment": [copies[0].pk, unrelated.pk, "junk", "-1"],
        "shown": [*_seen(copies[0]), "nonsense", f"{copies[1].pk}:nostate"],
        "next": QUEUE,
    }
    moderating.post(BULK, data)
    assert _states([*copies, unrelated]) == [State.APPROVED] + [State.PENDING] * 3


def test_select_all_on_the_page_takes_every_comment_shown(moderating, copies, unrelated):
    data = {"action": "approve", "all": "1", "shown": _seen(*copies, unrelated), "next": QUEUE}
    moderating.post(BULK, data)
    assert _states([*copies, unrelated]) == [State.APPROVED] * 4


# Bad input --------------------------------------------------------------------------------


def test_nothing_selected_is_told_and_keeps_the_page(moderating, copies):
    data = {"action": "approve", "shown": _seen(*copies), "next": f"{QUEUE}?queue=pending"}
    response = moderating.post(BULK, data)
    assert response.status_code == 400
    page = _text(response)
    assert "Choose at least one comment" in page
    assert "3 near-duplicate comments" in page  # the queue as it was
    assert _states(copies) == [State.PENDING] * 3


def test_a_rejection_without_its_reason_is_told_and_keeps_the_selection(moderating, copies):
    response = _decide(moderating, copies[:2], "reject", reason="My words.")
    assert response.status_code == 400
    page = _text(response)
    assert "Choose why the comments are rejected: their authors will be told." in page
    for comment in copies[:2]:
        assert f'value="{comment.pk}" form="mod-bulk" id="mod-select-{comment.pk}" checked' in page
    assert f'value="{copies[2].pk}" form="mod-bulk" id="mod-select-{copies[2].pk}">' in page
    assert 'value="My words."' in page  # what was typed is kept
    assert '<option value="reject" selected>' in page
    assert _states(copies) == [State.PENDING] * 3


def test_the_page_shown_again_after_an_error_is_the_queue_page_it_came_from(
    moderating, monkeypatch, copies, unrelated
):
    monkeypatch.setattr("moderation.views.PER_PAGE", 1)
    back = f"{QUEUE}?queue=pending&page=2"
    response = moderating.post(BULK, {"action": "approve", "shown": _seen(unrelated), "next": back})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Page 2 of 4" in page
    assert 'href="?queue=pending&amp;page=1"' in page  # its links keep the queue
    assert f'name="next" value="{QUEUE}?queue=pending&amp;page=2"' in page  # and so its forms


@pytest.mark.parametrize(
    ("fields", "told"),
    [
        ({"action": "delete"}, "Choose an action from the list"),
        ({"action": ""}, "Choose what to do with the selected comments"),
        ({"action": "remove", "category": "nope"}, "Choose a reason from the list"),
        ({"action": "approve", "reason": "x" * 1001}, "1001 characters"),
    ],
)
def test_other_bad_input_is_told_never_a_500(moderating, copies, fields, told):
    status, body = _decide(moderating, copies, json_answer=True, **fields)
    assert status == 400
    assert body["ok"] is False
    assert told in body["message"]
    assert _states(copies) == [State.PENDING] * 3


# With JavaScript -------------------------------------------------------------------------------


def test_json_answers_with_the_items_new_html_and_every_queues_count(moderating, copies):
    status, body = _decide(moderating, copies, "approve", json_answer=True)
    assert (status, body["ok"]) == (200, True)
    assert body["message"].startswith("3 comments approved.")
    assert set(body["items"]) == {str(c.pk) for c in copies}
    assert all("mod-badge--approved" in fragment for fragment in body["items"].values())
    assert body["counts"]["pending"] == 0
    assert body["counts"]["published"] == 3
    # All had changed since: nothing decided, said so (409), the page shown them as they are.
    status, body = _decide(moderating, copies, "approve", json_answer=True)
    assert (status, body["ok"]) == (409, False)
    assert body["message"].startswith("No comment was approved: the 3 had changed meanwhile")


# Query counts -------------------------------------------------------------------------------

# The list of a waiting queue costs QUEUE_PAGE_MAX (test_queue_page.py) and, for the groups,
# at most 3 more, whatever the number of comments and groups: the texts of the newest
# waiting comments beyond the page (one query, groups.SCAN of them at most), then the
# members found there with what a moderator reads beside each (one query) and their open
# reports (one, prefetched). A query per group or per member would grow below.
GROUPS_MAX = 3


def test_the_page_costs_the_same_with_four_times_the_groups(
    moderating, monkeypatch, make_user, post, django_assert_max_num_queries
):
    # Four groups of four near-duplicates, posted in turns: the first page of n comments
    # holds one of each of n groups, the other members beyond it.
    for copy in range(4):
        for group in range(4):
            words = " ".join(f"word{group}x{k}" for k in range(12))
            post(make_user(), f"{words} copy{copy}")

    def queries(per_page: int) -> int:
        monkeypatch.setattr("moderation.views.PER_PAGE", per_page)
        with CaptureQueriesContext(connection) as captured:
            response = moderating.get(QUEUE)
        assert response.status_code == 200
        assert _text(response).count("4 near-duplicate comments") == per_page
        return len(captured)

    few = queries(1)
    with django_assert_max_num_queries(QUEUE_PAGE_MAX + GROUPS_MAX):
        many = queries(4)
    assert many == few
    assert groups.SCAN >= 16  # every member was within reach


def test_comments_that_left_the_queue_come_back_without_a_box_or_a_shown_state(
    moderating, copies, unrelated
):
    status, answer = _decide(moderating, [unrelated], "approve", json_answer=True)
    assert status == 200
    fresh = answer["items"][str(unrelated.pk)]
    assert 'name="comment"' not in fresh  # no box: it cannot be selected any more
    assert 'name="shown"' not in fresh  # nor sent by "Select all" as a deliberate state
    # Still waiting (refused: seen as it no longer is): selectable as before.
    seen = [f"{copies[0].pk}:{State.APPROVED}"]
    status, answer = _decide(moderating, copies[:1], "spam", json_answer=True, seen=seen)
    fresh = answer["items"][str(copies[0].pk)]
    assert f'name="shown" value="{copies[0].pk}:{State.PENDING}"' in fresh
    assert 'name="comment"' in fresh
    # Undo gives it back to the queue: selectable again.
    response = moderating.post(
        reverse("moderation:undo"), {"next": QUEUE}, HTTP_ACCEPT="application/json"
    )
    fresh = json.loads(response.content)["items"][str(unrelated.pk)]
    assert f'name="shown" value="{unrelated.pk}:{State.PENDING}"' in fresh


def test_the_multi_select_asks_a_reason_only_where_one_of_its_actions_needs_one(
    moderating, unrelated, moderator
):
    assert 'id="mod-bulk-category"' in _text(moderating.get(QUEUE))  # reject, remove
    actions.moderate(comment=unrelated, action="reject", moderator=moderator, category="spam")
    page = _text(moderating.get(QUEUE, {"queue": "rejected"}))
    assert 'id="mod-bulk"' in page  # restore, which needs no reason
    assert 'id="mod-bulk-category"' not in page
    assert 'name="reason"' not in page

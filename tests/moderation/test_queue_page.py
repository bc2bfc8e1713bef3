"""The queue page, /moderation/: who gets in, what each comment shows, buttons that work
without JavaScript, the JSON the keyboard script gets, two moderators at once, and a query
count that does not grow with the comments shown."""

import html
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment

State = Comment.State
QUEUE = reverse("moderation:queue")


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def moderating(client, moderator):
    client.force_login(moderator)
    return client


def _act_url(comment) -> str:
    return reverse("moderation:act", args=[comment.pk])


# Who gets in ------------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["reader", "editor"])
def test_readers_and_editors_are_refused(request, client, who, held):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("moderation:item", args=[held.pk])).status_code == 403
    response = client.post(_act_url(held), {"action": "approve", "state": State.PENDING})
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.state == State.PENDING


# What it shows ---------------------------------------------------------------------------------


def test_each_comment_comes_with_its_parent_piece_history_reason_and_reports(
    moderating, trusted, reader, post, approve, reporters, report
):
    parent = post(trusted, "The comment being answered.")
    reply = post(reader, "A held reply to it.", parent=parent)
    approve(post(reader, "An earlier approved one."))
    report(parent, reporters[0], "misinformation", "Wrong figures.")
    page = _text(moderating.get(QUEUE))
    assert "A held reply to it." in page
    assert "In reply to Trusted Reader:" in page
    assert "The comment being answered." in page
    assert "Axis of pragmatism" in page
    assert "1 published · 0 rejected · 0 spam" in page
    assert "member since" in page
    assert "Held: first comment by this reader" in page
    assert f'href="{reply.get_absolute_url()}"' in page
    reported = _text(moderating.get(QUEUE, {"queue": "reported"}))
    assert "1 open report:" in reported
    assert "Misleading or false" in reported
    assert "Wrong figures." in reported


def test_the_queues_have_counts_and_the_keys_are_explained(moderating, held, published):
    page = _text(moderating.get(QUEUE))
    count = '<span class="mod-tabs__count" data-mod-count="pending">1</span>'
    assert f'aria-current="page">Pending {count}' in page
    for key, meaning in [("j", "next"), ("a", "approve"), ("r", "reject"), ("s", "spam")]:
        assert f"<kbd>{key}</kbd>" in page
        assert meaning in page
    assert "feature / unfeature" in page
    assert 'data-key="a"' in page
    assert 'aria-live="polite"' in page
    assert "js/moderation.js" in page
    assert "<script>" not in page  # no inline script: the CSP allows none


def test_one_at_a_time(moderating, make_user, post):
    first, _second = (post(make_user(), f"Waiting {n}.") for n in range(2))
    page = _text(moderating.get(reverse("moderation:next"), {"queue": "pending"}))
    assert "Comment 1 of 2" in page
    assert "Waiting 0." in page
    assert "Waiting 1." not in page
    assert "position=1" in page  # skip to the next
    response = moderating.post(
        _act_url(first),
        {
            "action": "approve",
            "state": State.PENDING,
            "next": f"{reverse('moderation:next')}?queue=pending&position=0",
        },
    )
    following = _text(moderating.get(response["Location"]))
    assert "Waiting 1." in following  # the decided one left; its place shows the next
    assert "Comment 1 of 1" in following


# Acting without JavaScript ------------------------------------------------------------------


def test_buttons_work_without_javascript(moderating, moderator, held):
    response = moderating.post(
        _act_url(held),
        {"action": "approve", "state": State.PENDING, "next": f"{QUEUE}?queue=pending"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?queue=pending"
    held.refresh_from_db()
    assert held.state == State.APPROVED
    assert held.events.last().actor == moderator
    assert "Comment by Curious Reader approved." in _text(moderating.get(response["Location"]))


@pytest.mark.parametrize("action", ["remove", "reject"])
def test_reject_and_remove_need_a_reason_on_the_page_too(moderating, published, action):
    response = moderating.post(
        _act_url(published), {"action": action, "state": State.APPROVED, "reason": "Words."}
    )
    assert "Choose why the comment is" in _text(moderating.get(response["Location"]))
    published.refresh_from_db()
    assert published.state == State.APPROVED


def test_an_unsafe_next_is_ignored(moderating, held):
    response = moderating.post(
        _act_url(held),
        {"action": "reject", "state": State.PENDING, "next": "https://evil.example/"},
    )
    assert response["Location"] == QUEUE


def test_csrf_is_required(moderator, held):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(_act_url(held), {"action": "approve", "state": State.PENDING})
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.state == State.PENDING


def test_undo_without_javascript(moderating, held):
    moderating.post(_act_url(held), {"action": "spam", "state": State.PENDING})
    response = moderating.post(reverse("moderation:undo"), {"next": QUEUE})
    held.refresh_from_db()
    assert held.state == State.PENDING
    assert "Undone: marking as spam of 1 comment" in _text(moderating.get(response["Location"]))


# With JavaScript: JSON and fresh HTML ----------------------------------------------------------


def _json(client, url, data):
    response = client.post(url, data, HTTP_ACCEPT="application/json")
    return response.status_code, json.loads(response.content)


def test_actions_answer_json_with_the_comments_new_html(moderating, held):
    status, body = _json(moderating, _act_url(held), {"action": "approve", "state": State.PENDING})
    assert status == 200
    assert body["ok"] is True
    assert body["message"].startswith("Comment by Curious Reader approved.")
    fragment = body["items"][str(held.pk)]
    assert f'id="mod-item-{held.pk}"' in fragment
    assert "mod-badge--approved" in fragment
    assert 'data-key="f"' in fragment  # now it can be featured
    status, body = _json(moderating, reverse("moderation:undo"), {})
    assert status == 200
    assert "mod-badge--pending" in body["items"][str(held.pk)]


# Two moderators at once --------------------------------------------------------------------------


def test_two_moderators_on_one_comment_the_second_is_told(moderator, second_moderator, held):
    first, second = Client(), Client()
    first.force_login(moderator)
    second.force_login(second_moderator)
    # Both see the comment pending.
    assert "A first comment, held for review." in _text(first.get(QUEUE))
    assert "A first comment, held for review." in _text(second.get(QUEUE))
    status, body = _json(second, _act_url(held), {"action": "approve", "state": State.PENDING})
    assert (status, body["ok"]) == (200, True)
    data = {"action": "reject", "state": State.PENDING, "category": "spam"}
    status, body = _json(first, _act_url(held), data)
    assert status == 409
    assert body["ok"] is False
    assert body["message"].startswith("Already approved by Second Moderator at ")
    assert "mod-badge--approved" in body["items"][str(held.pk)]  # the page now shows it
    # Without JavaScript, the same, as a message.
    response = first.post(_act_url(held), {"action": "spam", "state": State.PENDING})
    assert "Already approved by Second Moderator" in _text(first.get(response["Location"]))
    held.refresh_from_db()
    assert held.state == State.APPROVED
    assert list(held.events.filter(actor__isnull=False).values_list("actor", flat=True)) == [
        second_moderator.pk
    ]


# Query counts -------------------------------------------------------------------------------------

# Measured: 8 for any number of comments: the session, the user, the moderator's own and
# group permissions, the paginator's count, the count of every queue (one aggregate), the
# page of comments (author, piece and answered comment joined; author history and open
# report count as subqueries) and its open reports; and, on the list of a queue of waiting
# comments, a 9th: the texts of the newest waiting comments beyond the page, which groups
# of near-duplicates are looked for in (moderation.groups; test_bulk.py pins what groups
# found there add). Every comment is drawn from those: a query per comment would add one
# for each when the comments double.
QUEUE_PAGE_MAX = 9


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "queue"),
    [(QUEUE, "pending"), (QUEUE, "reported"), (reverse("moderation:next"), "pending")],
    ids=["list-pending", "list-reported", "one-at-a-time"],
)
def test_the_page_costs_the_same_with_twice_the_comments(
    moderating,
    url,
    queue,
    settings,
    make_user,
    post,
    approve,
    trusted,
    reporters,
    report,
    django_assert_max_num_queries,
):
    settings.COMMENTS_REPORT_THRESHOLD = 0

    def pile(n):
        for i in range(n):
            parent = post(trusted, f"Parent {i}.")
            report(parent, reporters[i % len(reporters)], "abuse", "Rude.")
            post(make_user(), f"Reply {i}.", parent=parent)

    pile(4)
    few = _queries(moderating, url, {"queue": queue})
    pile(4)
    with django_assert_max_num_queries(QUEUE_PAGE_MAX):
        many = _queries(moderating, url, {"queue": queue})
    assert many == few


def test_a_comments_score_links_to_what_the_score_means(moderating, held):
    Comment.objects.filter(pk=held.pk).update(score=0.613)
    page = _text(moderating.get(QUEUE))
    scorer = reverse("moderation:scorer")
    assert (
        f'<a class="mod-item__score" href="{scorer}" title="What the score means">Score 0.61'
        '<span class="visually-hidden">: what the score means</span></a>'
    ) in page

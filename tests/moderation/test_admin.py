"""Moderation in the admin: queues with counts, rows with what a decision needs, actions one
by one and in bulk, undo, the read-only audit trail, sanctions, the lists, permissions, and a
changelist whose query count does not grow with its rows."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, CommentEvent, Report
from moderation import actions, sanctions
from moderation.models import BlockedTerm, Sanction

State = Comment.State
CHANGELIST = "admin:comments_comment_changelist"


def _html(response) -> str:
    return response.content.decode()


def _act(client, action: str, comments, *, queue: str = "all", **extra):
    return client.post(
        f"{reverse(CHANGELIST)}?queue={queue}",
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in comments], "index": 0, **extra},
    )


@pytest.fixture
def moderating(client, moderator):
    client.force_login(moderator)
    return client


# Queues and rows ---------------------------------------------------------------------------


def test_queues_are_a_filter_with_counts_pending_first(
    moderating, held, published, reporters, report
):
    report(published, reporters[0], "spam", "Selling watches.")
    html = _html(moderating.get(reverse(CHANGELIST)))
    for label in (
        "Pending (1)",
        "Reported (1)",
        "Published (",
        "Featured (0)",
        "Rejected (0)",
        "Spam (0)",
        "Withdrawn (0)",
        "Removed (0)",
    ):
        assert label in html
    # The default queue is Pending: the held comment, not the published one.
    assert held.body in html
    assert published.body not in html
    reported = _html(moderating.get(reverse(CHANGELIST), {"queue": "reported"}))
    assert published.body in reported
    assert "Spam or advertising ×1" in reported


def test_each_row_shows_text_author_history_piece_reason_reports_and_link(
    moderating, held, reader, approve, post, moderator
):
    approve(post(reader, "An approved one.", target=held.target))
    actions.moderate(comment=post(reader, "A spam one."), action="spam", moderator=moderator)
    html = _html(moderating.get(reverse(CHANGELIST), {"queue": "pending"}))
    assert held.body in html
    assert "Curious Reader" in html
    assert re.search(r"member since \w+ \d{4} · 1 published · 0 rejected · 1 spam", html)
    assert "Axis of pragmatism" in html
    assert "Held: first comment by this reader" in html
    assert f'href="{held.get_absolute_url()}"' in html


def test_there_is_no_delete_action_and_no_add(moderating, held):
    html = _html(moderating.get(reverse(CHANGELIST)))
    assert "delete_selected" not in html
    for name in ("approve_selected", "reject_selected", "spam_selected", "remove_selected"):
        assert f'value="{name}"' in html
    for name in ("restore_selected", "feature_selected", "unfeature_selected"):
        assert f'value="{name}"' in html
    assert moderating.get(reverse("admin:comments_comment_add")).status_code == 403
    assert (
        moderating.post(
            reverse("admin:comments_comment_delete", args=[held.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


# Actions ---------------------------------------------------------------------------------------


def test_bulk_approve_records_each_with_the_moderator(moderating, moderator, make_user, post):
    waiting = [post(make_user(), f"Waiting {n}.") for n in range(3)]
    response = _act(moderating, "approve_selected", waiting)
    assert response.status_code == 302
    for comment in waiting:
        comment.refresh_from_db()
        assert comment.state == State.APPROVED
        event = comment.events.last()
        assert (event.actor, event.to_state) == (moderator, State.APPROVED)
    assert "3 comments approved" in _html(moderating.get(response["Location"]))


@pytest.mark.parametrize(
    ("action", "state"),
    [("reject_selected", State.REJECTED), ("spam_selected", State.SPAM)],
)
def test_one_by_one_from_the_comments_page(moderating, moderator, held, action, state):
    url = reverse("admin:comments_comment_change", args=[held.pk])
    page = _html(moderating.get(url))
    assert 'name="CHANGE_FORM-action"' in page
    data = {"CHANGE_FORM-action": action, ACTION_CHECKBOX_NAME: [held.pk]}
    if action == "reject_selected":  # asks for the reason first
        data |= {"apply": "1", "category": "off_topic"}
    response = moderating.post(url, data)
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.state == state
    assert held.events.last().actor == moderator


@pytest.mark.parametrize(
    ("action", "state"), [("remove_selected", State.REMOVED), ("reject_selected", State.REJECTED)]
)
def test_reject_and_remove_ask_for_a_reason_first_with_a_preview(
    moderating, moderator, published, action, state
):
    page = _act(moderating, action, [published])
    assert page.status_code == 200
    assert "Choose a reason…" in _html(page)
    published.refresh_from_db()
    assert published.state == State.APPROVED
    empty = _act(moderating, action, [published], apply="1", reason="Words alone.")
    assert "Choose a reason: each author will be told it." in _html(empty)
    preview = _act(
        moderating, action, [published], apply="1", category="hate", reason="Slur.", preview="1"
    )
    text = _html(preview)
    assert "Preview: what Trusted Reader will be told" in text
    assert "The reason: Hate." in text
    assert "Slur." in text
    published.refresh_from_db()
    assert published.state == State.APPROVED  # a preview changes nothing
    done = _act(moderating, action, [published], apply="1", category="hate", reason="Slur.")
    assert done.status_code == 302
    published.refresh_from_db()
    assert published.state == state
    event = published.events.last()
    assert (event.actor, event.category, event.reason) == (moderator, "hate", "Slur.")


def test_restore_feature_and_unfeature(moderating, moderator, published):
    _act(moderating, "feature_selected", [published])
    published.refresh_from_db()
    assert published.is_featured
    _act(moderating, "unfeature_selected", [published])
    _act(moderating, "spam_selected", [published])
    _act(moderating, "restore_selected", [published])
    published.refresh_from_db()
    assert (published.state, published.is_featured) == (State.APPROVED, False)
    kinds = list(published.events.values_list("kind", "to_state"))
    assert kinds[1:] == [
        ("feature", State.APPROVED),
        ("unfeature", State.APPROVED),
        ("state", State.SPAM),
        ("state", State.APPROVED),
    ]


def test_a_bulk_action_says_which_comments_it_left(moderating, held, published):
    response = _act(moderating, "reject_selected", [held], apply="1", category="spam")
    again = _act(moderating, "approve_selected", [held, published])
    page = _html(moderating.get(again["Location"]))
    assert response.status_code == again.status_code == 302
    assert f"Comment {held.pk}: Already rejected by" in page
    assert f"Comment {published.pk}: Already approved by" in page


def test_undo_my_last_action_button(moderating, moderator, make_user, post):
    waiting = [post(make_user(), f"Waiting {n}.") for n in range(2)]
    _act(moderating, "spam_selected", waiting)
    changelist = _html(moderating.get(reverse(CHANGELIST)))
    assert "Undo my last action" in changelist
    response = moderating.post(
        reverse("admin:comments_comment_undo"), {"next": reverse(CHANGELIST)}
    )
    assert response.status_code == 302
    assert {c.state for c in Comment.objects.filter(pk__in=[c.pk for c in waiting])} == {
        State.PENDING
    }
    assert "Undone: marking as spam of 2 comments" in _html(moderating.get(response["Location"]))
    assert moderating.get(reverse("admin:comments_comment_undo")).status_code == 405


def test_sanction_authors_from_their_comments(moderating, moderator, held, reader, post):
    other = post(reader, "Another waiting one.")
    page = _act(moderating, "sanction_authors", [held, other])
    assert "Suspend or ban" in _html(page)
    assert _html(page).count("Curious Reader (member since") == 1  # one author
    done = _act(
        moderating,
        "sanction_authors",
        [held, other],
        apply="1",
        kind="suspension",
        days="7",
        reason="Insults.",
        reject_waiting="on",
    )
    assert done.status_code == 302
    sanction = Sanction.objects.get()
    assert (sanction.user, sanction.kind, sanction.created_by) == (reader, "suspension", moderator)
    assert set(Comment.objects.filter(author=reader).values_list("state", flat=True)) == {
        State.REJECTED
    }
    assert "suspension until" in _html(moderating.get(done["Location"]))


def test_sanctions_are_listed_and_lifted_never_edited_or_deleted(moderating, moderator, reader):
    ban = sanctions.ban_commenter(user=reader, moderator=moderator, reason="Abuse")
    url = reverse("admin:moderation_sanction_changelist")
    assert "Abuse" in _html(moderating.get(url))
    assert moderating.get(reverse("admin:moderation_sanction_add")).status_code == 403
    response = moderating.post(
        url, {"action": "lift_selected", ACTION_CHECKBOX_NAME: [ban.pk], "index": 0}
    )
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.lifted_by == moderator
    delete = reverse("admin:moderation_sanction_delete", args=[ban.pk])
    assert moderating.post(delete, {"post": "yes"}).status_code == 403


def test_moderators_keep_the_blocked_terms_and_switch_them_off(moderating):
    add = reverse("admin:moderation_blockedterm_add")
    data = {"term": "idiot", "action": "refuse", "is_active": "on"}
    assert moderating.post(add, data).status_code == 302
    term = BlockedTerm.objects.get()
    assert term.action == BlockedTerm.Action.REFUSE
    change = reverse("admin:moderation_blockedterm_change", args=[term.pk])
    data = {"term": "idiot", "action": "hold"}
    assert moderating.post(change, data).status_code == 302  # unticked, suspect now
    term.refresh_from_db()
    assert not term.is_active
    assert term.action == BlockedTerm.Action.HOLD
    delete = reverse("admin:moderation_blockedterm_delete", args=[term.pk])
    assert moderating.post(delete, {"post": "yes"}).status_code == 403
    domains = reverse("admin:moderation_blockedemaildomain_add")
    assert (
        moderating.post(domains, {"domain": "Spam.Example", "is_active": "on"}).status_code == 302
    )


# The audit trail -------------------------------------------------------------------------------


def test_the_audit_trail_is_on_the_comments_page_read_only(moderating, moderator, held):
    actions.moderate(comment=held, action="approve", moderator=moderator, reason="Fine.")
    actions.moderate(comment=held, action="feature", moderator=moderator)
    html = _html(moderating.get(reverse("admin:comments_comment_change", args=[held.pk])))
    assert "Audit trail" in html
    assert "system (first_comments)" in html
    assert "Held: first comment by this reader" in html
    assert "Pending review → Published" in html
    assert "Fine." in html
    assert "Featured" in html
    # Nothing in it is a form field (events have no admin of their own either; see below).
    assert 'name="events-0-reason"' not in html
    assert 'name="events-TOTAL_FORMS"' in html  # the inline's management form only


def test_the_comments_page_links_to_its_authors_page(moderating, held):
    html = _html(moderating.get(reverse("admin:comments_comment_change", args=[held.pk])))
    reader_page = reverse("moderation:reader", args=[held.author_id])
    assert f'<a href="{reader_page}">The author’s history and notes</a>' in html


def test_the_change_form_refuses_a_stale_decision(moderating, held, second_moderator):
    url = reverse("admin:comments_comment_change", args=[held.pk])
    page = _html(moderating.get(url))
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert hidden["seen_state"] == State.PENDING
    actions.moderate(comment=held, action="approve", moderator=second_moderator)
    response = moderating.post(url, {**hidden, "state": State.REJECTED, "reason": "Late."})
    assert response.status_code == 200
    assert "Already approved by Second Moderator" in _html(response)
    held.refresh_from_db()
    assert held.state == State.APPROVED


# Query counts ----------------------------------------------------------------------------------


# Measured: 9 for any number of rows: the session, the user, the moderator's own and group
# permissions, the count of every queue (one aggregate), the paginator's count, the page
# (author, piece and answered comment joined; author history and open report count as
# subqueries), the page's open reports (their reasons) and the header's count of comments
# waiting (the way in to /moderation/). Every row is drawn from those: a query per row (the
# author's history, the reasons) would add 10 when the rows double.
CHANGELIST_MAX = 9


def _changelist_queries(client, queue: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(CHANGELIST), {"queue": queue})
    assert response.status_code == 200
    return len(captured), _html(response)


def _pile(post, make_user, target, reporters, report, n: int) -> None:
    for i in range(n):
        comment = post(make_user(display_name=f"Poster {i}"), f"Pile comment {i}.", target=target)
        report(comment, reporters[i % len(reporters)], "off_topic", f"Why {i}")


@pytest.mark.parametrize("queue", ["pending", "reported", "all"])
def test_the_changelist_costs_the_same_with_twice_the_rows(
    moderating,
    queue,
    post,
    make_user,
    piece,
    reporters,
    report,
    approve,
    settings,
    django_assert_max_num_queries,
):
    # Each author: a published comment with a report (the Reported queue) and a held one.
    settings.COMMENTS_REPORT_THRESHOLD = 0
    settings.COMMENTS_DEFAULT_POLICY = "pre_moderate"

    def pile(n):
        for _ in range(n):
            author = make_user()
            comment = approve(post(author, "Pile comment.", target=piece))
            report(comment, reporters[0], "off_topic", "Why")
            post(author, "A waiting one.")  # held: the piece is pre-moderated

    pile(5)
    few, _ = _changelist_queries(moderating, queue)
    pile(5)
    with django_assert_max_num_queries(CHANGELIST_MAX):
        many, html = _changelist_queries(moderating, queue)
    assert many == few
    assert html.count('class="action-select"') >= 10


# Permissions -------------------------------------------------------------------------------------


def test_moderators_cannot_edit_pieces(moderating, piece):
    assert (
        moderating.get(reverse("admin:articles_article_change", args=[piece.pk])).status_code == 403
    )
    assert moderating.get(reverse("admin:articles_article_add")).status_code == 403


def test_editors_read_comments_but_cannot_moderate(client, editor, held):
    client.force_login(editor)
    html = _html(client.get(reverse(CHANGELIST)))
    assert held.body in html
    assert "approve_selected" not in html
    assert "promote_to_faq" in html
    assert "Undo my last action" not in html
    response = _act(client, "approve_selected", [held])
    held.refresh_from_db()
    assert held.state == State.PENDING
    assert response.status_code in (200, 302, 403)
    assert client.post(reverse("admin:comments_comment_undo")).status_code == 403
    assert client.get(reverse("admin:moderation_sanction_changelist")).status_code == 403


def test_readers_cannot_reach_the_admin(client, reader):
    client.force_login(reader)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_reports_and_events_have_no_admin_of_their_own(moderating):
    """Read on the comment's page only: nothing can add, change or delete them."""
    from django.contrib import admin

    registered = set(admin.site._registry)
    assert Report not in registered
    assert CommentEvent not in registered

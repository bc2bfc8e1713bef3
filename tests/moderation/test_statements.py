"""Issue 14, point 6: every rejection and removal carries a reason from the list and
optional words; the author sees it on "Your comments" (nobody else does) and gets a
statement of reasons by mail through the task queue (opt-out); moderators preview it
before deciding; a second look is asked once and decided by another moderator, each step in
the audit trail."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from comments.errors import CommentError
from comments.models import Comment, CommentEvent
from moderation import actions, second_looks, statements
from moderation.models import SecondLook, StatementOptOut
from tests.worker import DATABASE_BACKEND, run_worker

State = Comment.State
Kind = CommentEvent.Kind


@pytest.fixture
def through_the_worker(settings):
    """Tasks in the database, as deployed, for the real worker; no mail to moderators."""
    settings.TASKS = DATABASE_BACKEND
    settings.COMMENTS_MODERATOR_MAIL = "off"


def _make_due() -> None:
    """The time a moderator has to undo has passed: every queued task is due."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


@pytest.mark.django_db(transaction=True)  # the worker: see tests/worker.py
def test_an_undone_decision_sends_no_statement_and_a_redone_one_sends_one(
    through_the_worker, reader, moderator, post, mailoutbox
):
    held = post(reader, "Buy cheap followers at my shop.")
    actions.moderate(comment=held, action="spam", moderator=moderator, category="spam")
    actions.undo_last_action(moderator=moderator)  # a slip, undone at once
    _make_due()
    run_worker()
    assert mailoutbox == []
    actions.moderate(comment=held, action="spam", moderator=moderator, category="spam")
    actions.undo_last_action(moderator=moderator)
    again = actions.moderate(comment=held, action="spam", moderator=moderator, category="spam")
    _make_due()
    run_worker()
    (mail,) = mailoutbox  # the decision that stands, once
    assert mail.subject == "[Meridian] Your comment on “Axis of pragmatism” was marked as spam: why"
    body = " ".join(mail.body.split())
    assert "was marked as spam by a moderator:" in body
    assert f"/moderation/decisions/{again.pk}/" in body


def test_the_page_of_an_undone_decision_says_so(reader, moderator, post):
    held = post(reader, "Buy cheap followers at my shop.")
    decision = actions.moderate(comment=held, action="reject", moderator=moderator, category="spam")
    actions.undo_last_action(moderator=moderator)
    page = _client(reader).get(reverse("moderation:statement", args=[decision.pk]))
    text = " ".join(page.content.decode().split())
    assert "This decision was undone" in text
    assert "Ask for a second look" not in text


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    return response.content.decode()


# The statement of reasons, through the real queue ---------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker: see tests/worker.py
def test_a_rejection_sends_the_statement_of_reasons_through_the_worker(
    through_the_worker, reader, moderator, post, mailoutbox
):
    held = post(reader, "Buy cheap followers at my shop.")
    assert held.held_reason == "Held: first comment by this reader"
    _client(moderator).post(
        reverse("moderation:act", args=[held.pk]),
        {"action": "reject", "state": State.PENDING, "category": "spam", "reason": "An ad."},
    )
    held.refresh_from_db()
    assert held.state == State.REJECTED
    assert mailoutbox == []  # the request only enqueued it
    (queued,) = DBTaskResult.objects.filter(
        task_path="moderation.statements.send_statement_of_reasons"
    )
    run_worker()
    assert mailoutbox == []  # not yet: a moderator may still undo
    _make_due()
    run_worker()
    (mail,) = mailoutbox
    assert mail.to == ["reader@example.com"]
    assert mail.subject == "[Meridian] Your comment on “Axis of pragmatism” was rejected: why"
    assert queued.run_after is not None  # after the time a moderator has to undo
    body = " ".join(mail.body.split())
    event = held.events.get(to_state=State.REJECTED)
    # What was restricted: the comment, its piece, the action.
    assert "Your comment on “Axis of pragmatism”, posted on" in body
    assert "was rejected by a moderator:" in body
    assert "Buy cheap followers at my shop." in body
    assert "the comment was rejected and is not published" in body
    # The facts relied on: the reason from the list and the moderator's words.
    assert "The reason: Spam. The moderator’s words: An ad." in body
    # Automation: a rule held it; a person decided.
    assert "the site’s rules held your comment for review first (Held: first comment" in body
    assert "A person then read it and made this decision" in body
    # The rule relied on, and the way to ask for a second look.
    assert "The rule relied on: our comment rules: no advertising" in body
    assert f"/moderation/decisions/{event.pk}/" in body
    assert "moderator other than the one who decided" in body
    # And a one-click way to stop these mails.
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/moderation/statements/stop/" in mail.extra_headers["List-Unsubscribe"]
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL


def test_a_removal_of_what_no_rule_held_says_no_automation(
    published, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.moderate(
            comment=published, action="remove", category="harassment", moderator=moderator
        )
    (mail,) = mailoutbox
    body = " ".join(mail.body.split())
    assert "was removed" in mail.subject
    assert "the comment was removed from the discussion" in body
    assert "The reason: Harassment." in body
    assert "moderator’s words" not in body  # none were given
    assert "Automation: none. A person read your comment" in body
    assert "no harassing, targeting or pursuing" in body


def test_approvals_and_undone_decisions_send_no_statement(
    held, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.moderate(comment=held, action="reject", category="other", moderator=moderator)
        actions.undo_last_action(moderator=moderator)
    for callback in callbacks:
        callback()  # the worker runs after the undo: the comment is no longer rejected
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.moderate(comment=held, action="approve", moderator=moderator)
    assert mailoutbox == []


def test_one_click_stops_statements_and_the_decision_page_turns_them_back_on(
    client, published, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    author = published.author
    link = reverse("moderation:statements_opt_out", args=[statements.opt_out_token(author)])
    assert "Stop these emails?" in _text(client.get(link))  # a GET only asks
    assert not StatementOptOut.objects.exists()
    assert "No more emails" in _text(client.post(link))  # no sign-in needed
    assert StatementOptOut.objects.filter(user=author).exists()
    with django_capture_on_commit_callbacks(execute=True):
        event = actions.moderate(
            comment=published, action="remove", category="spam", moderator=moderator
        )
    assert mailoutbox == []
    # The reasons are still there for the author, with the switch to turn mail back on.
    mine = _client(author)
    page = _text(mine.get(reverse("moderation:statement", args=[event.pk])))
    assert "The reason: Spam." in page
    mine.post(reverse("moderation:statement_mail"), {"mail": "on"})
    assert not StatementOptOut.objects.exists()
    assert client.get(reverse("moderation:statements_opt_out", args=["forged"])).status_code == 400


# What the author sees, and nobody else ----------------------------------------------------


def test_the_author_sees_the_reason_on_their_comments_and_nobody_else_does(
    client, published, moderator, second_trusted, piece_url
):
    event = actions.moderate(
        comment=published,
        action="remove",
        category="off_topic",
        reason="About another piece.",
        moderator=moderator,
    )
    page = _text(_client(published.author).get(reverse("comments:mine")))
    assert "Removed by a moderator. Reason: Off topic: About another piece." in page
    assert reverse("moderation:statement", args=[event.pk]) in page
    for viewer in (client, _client(second_trusted)):
        html = _text(viewer.get(piece_url))
        assert "About another piece." not in html
        assert "Off topic" not in html
        statement = viewer.get(reverse("moderation:statement", args=[event.pk]))
        assert statement.status_code in (302, 404)  # sign in, or not theirs


# Moderators preview before deciding -------------------------------------------------------


def test_a_moderator_previews_the_statement_before_rejecting(held, moderator):
    client = _client(moderator)
    queue = _text(client.get(reverse("moderation:queue")))
    assert "Preview what the author is told" in queue
    assert 'name="category" required' in queue
    before = CommentEvent.objects.count()
    preview = client.post(
        reverse("moderation:preview", args=[held.pk]),
        {"action": "reject", "state": State.PENDING, "category": "abuse", "reason": "Insults."},
    )
    text = " ".join(_text(preview).split())
    assert "Preview: what Curious Reader will be told" in text
    assert "The reason: Abuse." in text
    assert "Insults." in text
    assert "Held: first comment by this reader" in text  # automation took part
    assert CommentEvent.objects.count() == before  # nothing decided
    held.refresh_from_db()
    assert held.state == State.PENDING
    missing = client.post(reverse("moderation:preview", args=[held.pk]), {"action": "reject"})
    assert "Choose why the comment is rejected" in _text(missing)


# The second look --------------------------------------------------------------------------


def test_the_second_look_is_asked_once_and_decided_by_another_moderator(
    published,
    moderator,
    second_moderator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    author = published.author
    decision = actions.moderate(
        comment=published, action="reject", category="off_topic", moderator=moderator
    )
    # The author asks, from the decision's page, with words.
    mine = _client(author)
    page = reverse("moderation:statement", args=[decision.pk])
    assert "Ask for a second look" in _text(mine.get(page))
    mine.post(reverse("moderation:ask", args=[decision.pk]), {"words": "It is on topic."})
    review = SecondLook.objects.get()
    assert (review.words, review.first_moderator) == ("It is on topic.", moderator)
    assert "It waits for a moderator other than the one who decided" in _text(mine.get(page))
    mine.post(reverse("moderation:ask", args=[decision.pk]), {"words": "Again!"})
    assert SecondLook.objects.count() == 1  # once per decision
    with pytest.raises(CommentError):
        second_looks.ask_for_second_look(event=decision, author=author)

    # It waits in the moderators' "Second looks" queue, with what the author said.
    first, second = _client(moderator), _client(second_moderator)
    queue = _text(second.get(reverse("moderation:queue") + "?queue=second_look"))
    assert "Second looks" in queue
    assert "Reason given to its author:</strong> Off topic" in queue
    assert "at the decision “rejected”, for the reason: Off topic." in " ".join(queue.split())
    assert "They say: It is on topic." in queue
    assert "Reverse it (publish again)" in queue
    admin = _text(second.get(reverse("admin:comments_comment_changelist") + "?queue=second_look"))
    assert "Second looks (1)" in admin
    assert "A published comment." in admin
    # The moderator who decided cannot decide it.
    assert "You made the first decision" in _text(
        first.get(reverse("moderation:queue") + "?queue=second_look")
    )
    decide = reverse("moderation:decide_review", args=[review.pk])
    first.post(decide, {"outcome": "reverse"})
    with pytest.raises(CommentError, match="another moderator decides"):
        second_looks.decide_second_look(review=review, moderator=moderator, uphold=False)
    review.refresh_from_db()
    assert review.is_open

    # Another moderator reverses it: published again, the author told by mail.
    with django_capture_on_commit_callbacks(execute=True):
        second.post(decide, {"outcome": "reverse", "reason": "Fair point."})
    review.refresh_from_db()
    published.refresh_from_db()
    assert (review.outcome, review.decided_by) == ("reversed", second_moderator)
    assert published.state == State.APPROVED
    (mail,) = mailoutbox
    assert "second look" in mail.subject
    assert "the decision is reversed, and your comment is published again" in mail.body
    assert "Fair point." in mail.body

    # The audit trail tells it whole.
    trail = list(
        published.events.filter(created_at__gte=decision.created_at).values_list(
            "kind", "actor", "to_state"
        )
    )
    assert trail == [
        (Kind.STATE, moderator.pk, State.REJECTED),
        (Kind.REVIEW_ASKED, author.pk, State.REJECTED),
        (Kind.STATE, second_moderator.pk, State.APPROVED),
    ]
    assert review.outcome_event.reason == "Second look: decision reversed. Fair point."
    with pytest.raises(CommentError, match="outcome is final"):  # what the author was told
        actions.undo_last_action(moderator=second_moderator)
    assert review.request_event.reason == "It is on topic."


def test_an_upheld_decision_is_recorded_and_the_author_told(
    held, moderator, second_moderator, mailoutbox, django_capture_on_commit_callbacks
):
    decision = actions.moderate(comment=held, action="reject", category="hate", moderator=moderator)
    review = second_looks.ask_for_second_look(event=decision, author=held.author, words="Unfair.")
    with django_capture_on_commit_callbacks(execute=True):
        second_looks.decide_second_look(
            review=review, moderator=second_moderator, uphold=True, words="It is hate."
        )
    held.refresh_from_db()
    assert held.state == State.REJECTED
    last = held.events.last()
    assert (last.kind, last.actor, last.reason) == (
        Kind.REVIEW_UPHELD,
        second_moderator,
        "It is hate.",
    )
    (mail,) = mailoutbox
    assert "the decision is upheld" in mail.body
    with pytest.raises(CommentError, match="already decided"):
        second_looks.decide_second_look(review=review, moderator=second_moderator, uphold=False)


def test_only_the_author_asks_and_only_about_the_latest_decision(
    published, moderator, second_trusted
):
    decision = actions.moderate(
        comment=published, action="reject", category="other", moderator=moderator
    )
    with pytest.raises(CommentError):
        second_looks.ask_for_second_look(event=decision, author=second_trusted)
    actions.moderate(comment=published, action="restore", moderator=moderator)
    with pytest.raises(CommentError):  # restored since: nothing to look at again
        second_looks.ask_for_second_look(event=decision, author=published.author)
    assert not SecondLook.objects.exists()


def test_a_second_look_at_a_decision_undone_since_leaves_the_queue(
    published, moderator, second_moderator
):
    decision = actions.moderate(
        comment=published, action="remove", category="spam", moderator=moderator
    )
    second_looks.ask_for_second_look(event=decision, author=published.author)
    queue = reverse("moderation:queue") + "?queue=second_look"
    assert "A published comment." in _text(_client(second_moderator).get(queue))
    actions.undo_last_action(moderator=moderator)
    assert "A published comment." not in _text(_client(second_moderator).get(queue))

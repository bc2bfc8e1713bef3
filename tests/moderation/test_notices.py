"""Issue 14, point 7: notices of illegal content (DSA Art. 16). Anyone may send one from a
link on every comment; its receipt and the moderator's decision are mailed to the notifier
through the task queue (the real django-tasks-db worker); an "illegal" decision removes the
comment, and its author gets the statement of reasons."""

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from moderation.models import Notice
from tests.worker import DATABASE_BACKEND, run_worker

from .test_statements import _client

State = Comment.State


def _notice_data(**changes) -> dict:
    data = {
        "location": "http://testserver/comments/1/",
        "explanation": "It publishes a private person's home address and threatens them.",
        "name": "Nora Notifier",
        "email": "nora@example.net",
        "good_faith": "on",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def _send_notice(client, comment, **changes):
    return client.post(reverse("moderation:notice", args=[comment.pk]), _notice_data(**changes))


def test_every_published_comment_links_to_the_notice_form_signed_out(client, published, piece):
    page = client.get(piece.get_absolute_url()).content.decode()
    assert f'href="{reverse("moderation:notice", args=[published.pk])}"' in page
    assert "Report illegal content" in page


def test_the_form_is_prefilled_with_the_comment_s_exact_location(client, published, settings):
    page = client.get(reverse("moderation:notice", args=[published.pk])).content.decode()
    assert f'value="{settings.SITE_URL}{published.get_absolute_url()}"' in page
    assert "good faith" in page


def test_signed_in_readers_find_their_name_and_address_filled_in(reader, published):
    page = _client(reader).get(reverse("moderation:notice", args=[published.pk])).content.decode()
    assert 'value="reader@example.com"' in page
    assert 'value="Curious Reader"' in page


def test_no_notice_on_a_comment_readers_cannot_see(client, held):
    assert client.get(reverse("moderation:notice", args=[held.pk])).status_code == 404


def test_name_and_email_are_required_unless_the_notice_concerns_csam(client, published):
    response = _send_notice(client, published, name="", email="")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Give your name" in text
    assert "Give your email address" in text
    assert "It publishes a private person" in text  # what was typed is kept
    assert not Notice.objects.exists()
    response = _send_notice(client, published, name="", email="", concerns_csam="on")
    assert "Thank you: your notice was received" in response.content.decode()
    notice = Notice.objects.get()
    assert notice.concerns_csam
    assert notice.name == ""
    assert notice.email == ""


def test_the_good_faith_statement_is_required(client, published):
    response = _send_notice(client, published, good_faith=None)
    assert "Tick the statement of good faith" in response.content.decode()
    assert not Notice.objects.exists()


def test_notices_from_one_address_are_rate_limited(client, published, settings):
    settings.MODERATION_NOTICE_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert "Thank you" in _send_notice(client, published).content.decode()
    response = _send_notice(client, published, explanation="A third one, too many.")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    text = response.content.decode()
    assert "You have sent 2 notices in the last hour" in text
    assert "A third one, too many." in text  # kept, to send later
    assert Notice.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # the worker: see tests/worker.py
def test_the_receipt_is_mailed_through_the_worker(settings, published, mailoutbox):
    settings.TASKS = DATABASE_BACKEND
    response = _send_notice(Client(), published)
    assert "We have sent a receipt to nora@example.net" in response.content.decode()
    notice = Notice.objects.get()
    assert notice.comment == published
    assert notice.good_faith
    assert mailoutbox == []  # the request only enqueued it
    assert DBTaskResult.objects.filter(task_path="moderation.notices.send_notice_receipt").exists()
    run_worker()
    (mail,) = mailoutbox
    assert mail.to == ["nora@example.net"]
    assert mail.subject == (
        "[Meridian] We received your notice about a comment on “Axis of pragmatism”"
    )
    body = " ".join(mail.body.split())
    assert "Hello Nora Notifier" in body
    assert "http://testserver/comments/1/" in body
    assert "It publishes a private person's home address" in body
    assert "We will send you the decision and its grounds" in body


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_csam_notice_sends_no_mail(settings, published, mailoutbox):
    settings.TASKS = DATABASE_BACKEND
    settings.COMMENTS_MODERATOR_MAIL = "off"  # moderators' alerts: test_mail.py
    _send_notice(Client(), published, name="", email="", concerns_csam="on")
    run_worker()
    assert Notice.objects.count() == 1
    assert mailoutbox == []
    assert not DBTaskResult.objects.exists()


def _notice(comment) -> Notice:
    return Notice.objects.create(
        comment=comment,
        location="http://testserver/comments/1/",
        explanation="Defamation of a named person.",
        name="Nora Notifier",
        email="nora@example.net",
        good_faith=True,
    )


def test_moderators_see_pending_notices_with_the_comment(moderator, published):
    _notice(published)
    page = _client(moderator).get(reverse("moderation:notices")).content.decode()
    assert "Defamation of a named person." in page
    assert "A published comment." in page
    assert "Nora Notifier" in page


def test_grounds_are_required_and_what_was_chosen_is_kept(moderator, published):
    notice = _notice(published)
    response = _client(moderator).post(
        reverse("moderation:decide_notice", args=[notice.pk]),
        {f"notice-{notice.pk}-decision": "legal", f"notice-{notice.pk}-grounds": "  "},
    )
    assert response.status_code == 400
    assert "Give the grounds" in response.content.decode()
    notice.refresh_from_db()
    assert notice.is_pending


@pytest.mark.django_db(transaction=True)
def test_an_illegal_decision_removes_the_comment_and_mails_both(
    settings, moderator, published, mailoutbox
):
    settings.TASKS = DATABASE_BACKEND
    settings.COMMENTS_MODERATOR_MAIL = "off"
    # The statement at once (its wait for an undo is tests/moderation/test_statements.py's).
    settings.MODERATION_STATEMENT_DELAY_SECONDS = 0
    notice = _notice(published)
    mailoutbox.clear()  # the fixtures' own mail to moderators
    response = _client(moderator).post(
        reverse("moderation:decide_notice", args=[notice.pk]),
        {
            f"notice-{notice.pk}-decision": "illegal",
            f"notice-{notice.pk}-grounds": "It names a private person as a criminal, falsely.",
        },
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.state == State.REMOVED
    event = published.events.get(to_state=State.REMOVED)
    assert event.category == "illegal"
    assert event.actor == moderator
    notice.refresh_from_db()
    assert notice.decision == "illegal"
    assert notice.decided_by == moderator
    assert mailoutbox == []
    run_worker()
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_address) == {"nora@example.net", "trusted@example.com"}
    decision = by_address["nora@example.net"]
    assert decision.subject == (
        "[Meridian] Our decision on your notice about a comment on “Axis of pragmatism”"
    )
    body = " ".join(decision.body.split())
    assert "the comment is illegal content, and we have removed it" in body
    assert "Our grounds: It names a private person as a criminal, falsely." in body
    assert "Digital Services Coordinator" in body
    assert "courts" in body
    statement = " ".join(by_address["trusted@example.com"].body.split())
    assert "The reason: Illegal content." in statement


@pytest.mark.django_db(transaction=True)
def test_a_not_illegal_decision_keeps_the_comment_and_tells_the_notifier(
    settings, moderator, published, mailoutbox
):
    settings.TASKS = DATABASE_BACKEND
    notice = _notice(published)
    mailoutbox.clear()  # the fixtures' own mail to moderators
    _client(moderator).post(
        reverse("moderation:decide_notice", args=[notice.pk]),
        {
            f"notice-{notice.pk}-decision": "legal",
            f"notice-{notice.pk}-grounds": "Criticism of a public figure; lawful opinion.",
        },
    )
    published.refresh_from_db()
    assert published.state == State.APPROVED
    run_worker()
    (mail,) = mailoutbox
    assert mail.to == ["nora@example.net"]
    body = " ".join(mail.body.split())
    assert "we do not find the comment illegal, and it stays published" in body
    assert "Our grounds: Criticism of a public figure; lawful opinion." in body
    assert "Digital Services Coordinator" in body
    page = _client(moderator).get(reverse("moderation:notices")).content.decode()
    assert "No notices wait for a decision." in page


def test_a_notice_is_decided_once(moderator, second_moderator, published):
    notice = _notice(published)
    data = {f"notice-{notice.pk}-decision": "legal", f"notice-{notice.pk}-grounds": "Lawful."}
    _client(moderator).post(reverse("moderation:decide_notice", args=[notice.pk]), data)
    response = _client(second_moderator).post(
        reverse("moderation:decide_notice", args=[notice.pk]),
        data | {f"notice-{notice.pk}-decision": "illegal"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.decision == "legal"
    assert notice.decided_by == moderator
    published.refresh_from_db()
    assert published.state == State.APPROVED


def test_decided_notices_stay_on_record_in_the_admin(moderator, published):
    notice = _notice(published)
    data = {f"notice-{notice.pk}-decision": "legal", f"notice-{notice.pk}-grounds": "Lawful."}
    client = _client(moderator)
    client.post(reverse("moderation:decide_notice", args=[notice.pk]), data)
    page = client.get(reverse("admin:moderation_notice_change", args=[notice.pk]))
    text = page.content.decode()
    assert "Not illegal: comment kept" in text
    assert "Defamation of a named person." in text
    assert "Lawful." in text


def test_without_the_site_s_moderator_comments_carry_no_notice_link(
    client, published, piece, settings
):
    settings.COMMENTS_MODERATOR = "comments.moderator.Moderator"
    page = client.get(piece.get_absolute_url()).content.decode()
    assert "Report illegal content" not in page

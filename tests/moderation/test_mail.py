"""Mail to moderators when comments wait: per comment after the commit, or an idempotent
digest; never about a comment that was rolled back, never twice about one comment."""

import pytest
from django.core.management import call_command
from django.db import transaction

from comments import posting
from comments.models import Comment
from moderation import actions, notices, notifications, second_looks

State = Comment.State


@pytest.fixture(autouse=True)
def _moderators(moderator, second_moderator, make_user):
    # And a moderator without an address, and a former one (inactive): neither is mailed.
    no_address = make_user(groups=["Moderators"], is_staff=True)
    no_address.email = ""
    no_address.save()
    make_user("former@example.com", groups=["Moderators"], is_active=False)


def test_each_held_comment_mails_every_moderator_after_the_commit(
    settings, reader, post, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_MAIL = "each"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment = post(reader, "Please review me.")
    assert mailoutbox == []  # not before the transaction commits
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "moderator@example.com",
        "second.moderator@example.com",
    ]
    mail = mailoutbox[0]
    assert "waits for review" in mail.subject
    assert "Axis of pragmatism" in mail.subject
    assert "Held: first comment by this reader" in mail.body
    assert "Please review me." in mail.body
    assert f"/moderation/{comment.pk}/" in mail.body
    assert "reader@example.com" not in mail.body  # never the author's address
    comment.refresh_from_db()
    assert comment.moderators_alerted_at is not None


def test_a_rolled_back_comment_mails_nobody(
    settings, reader, piece, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_MAIL = "each"

    def post_then_fail():
        with transaction.atomic():
            posting.post_comment(target=piece, author=reader, body="Rolled back.")
            raise RuntimeError("rolled back")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        post_then_fail()
    assert mailoutbox == []
    assert not Comment.objects.exists()


def test_published_comments_mail_nobody(
    settings, trusted, post, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_MAIL = "each"
    with django_capture_on_commit_callbacks(execute=True):
        post(trusted, "Published at once.")
    assert mailoutbox == []


def test_a_comment_hidden_by_reports_is_announced(
    settings, published, reporters, report, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_MAIL = "each"
    settings.COMMENTS_REPORT_THRESHOLD = 2
    with django_capture_on_commit_callbacks(execute=True):
        report(published, reporters[0])
        report(published, reporters[1])
    assert len(mailoutbox) == 2
    assert "Hidden: reported by 2 readers (threshold 2)" in mailoutbox[0].body


def test_off_mails_nobody(settings, reader, post, mailoutbox, django_capture_on_commit_callbacks):
    settings.COMMENTS_MODERATOR_MAIL = "off"
    with django_capture_on_commit_callbacks(execute=True):
        post(reader, "Quietly held.")
    assert mailoutbox == []
    call_command("send_moderation_digest")
    assert mailoutbox == []


def test_the_digest_lists_what_waits_once(
    settings, make_user, post, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_MAIL = "digest"
    with django_capture_on_commit_callbacks(execute=True):
        first = [post(make_user(display_name=f"Writer {n}"), f"Waiting {n}.") for n in range(3)]
    assert mailoutbox == []  # nothing per comment

    call_command("send_moderation_digest")
    assert len(mailoutbox) == 2  # one digest per moderator
    digest = mailoutbox[0]
    assert digest.subject == "3 new comments wait for review (3 in the queue)"
    for n, comment in enumerate(first):
        assert f"Writer {n}" in digest.body
        assert f"/moderation/{comment.pk}/" in digest.body

    call_command("send_moderation_digest")  # nothing new: nothing sent
    assert len(mailoutbox) == 2

    post(make_user(display_name="Latecomer"), "Later.")
    call_command("send_moderation_digest")
    assert len(mailoutbox) == 4
    assert mailoutbox[-1].subject == "1 new comment waits for review (4 in the queue)"
    assert "Latecomer" in mailoutbox[-1].body
    assert "Writer 0" not in mailoutbox[-1].body


def test_a_failed_send_is_tried_again_next_time(settings, reader, post, mailoutbox, monkeypatch):
    settings.COMMENTS_MODERATOR_MAIL = "digest"
    comment = post(reader, "Waiting.")

    def fail(*args, **kwargs):
        raise OSError("SMTP is down")

    monkeypatch.setattr(notifications, "_send", fail)
    with pytest.raises(OSError, match="SMTP is down"):
        notifications.send_digest()
    comment.refresh_from_db()
    assert comment.moderators_alerted_at is None  # the claim was given back
    monkeypatch.undo()
    assert notifications.send_digest().announced == 1
    assert len(mailoutbox) == 2


# Notices and second looks wait in tabs of their own: moderators are told too -------------


def _notify(comment, *, explanation: str):
    return notices.submit_notice(
        comment=comment,
        location=f"http://testserver/comments/{comment.pk}/",
        explanation=explanation,
        name="Nora Notifier",
        email="nora@example.net",
        concerns_csam=False,
        good_faith=True,
    )


def test_a_notice_of_illegal_content_mails_every_moderator(
    settings, trusted, post, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_MAIL = "each"
    comment = post(trusted, "A published comment someone finds unlawful.")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(comment, explanation="It publishes a private person's home address.")
    alerts = [m for m in mailoutbox if m.to != ["nora@example.net"]]
    assert sorted(m.to[0] for m in alerts) == [
        "moderator@example.com",
        "second.moderator@example.com",
    ]
    alert = alerts[0]
    assert "notice of illegal content" in alert.subject
    assert "It publishes a private person's home address." in alert.body
    assert "/moderation/notices/" in alert.body
    assert "nora@example.net" not in alert.body  # the notifier's address stays in the queue


def test_a_second_look_mails_the_moderators_who_may_decide_it(
    settings, reader, post, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_MAIL = "each"
    comment = post(reader, "A comment its author stands by.")
    decision = actions.moderate(
        comment=comment, action="reject", moderator=moderator, category="off_topic"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second_looks.ask_for_second_look(event=decision, author=reader, words="It was on topic.")
    alerts = [m for m in mailoutbox if "second look" in m.subject]
    # Not the moderator who decided: another one decides a second look.
    assert [m.to for m in alerts] == [["second.moderator@example.com"]]
    assert "It was on topic." in alerts[0].body
    assert "/moderation/?queue=second_look" in alerts[0].body


def test_notices_and_second_looks_mail_nobody_unless_each(
    settings, trusted, post, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATOR_MAIL = "digest"
    comment = post(trusted, "A published comment someone finds unlawful.")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(comment, explanation="Unlawful.")
    assert [m.to for m in mailoutbox] == [["nora@example.net"]]  # the receipt only

"""Following a discussion: mail for each comment published there or a daily digest, only
ever for published comments, and a one-click unsubscribe in every mail to readers that
works without signing in (RFC 8058)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments import follows, states
from comments.models import Comment, Follow

State = Comment.State


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what the change enqueued, as the worker would (immediate backend in tests)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


@pytest.fixture
def follower(make_user):
    return make_user("follower@example.com", display_name="Faithful Follower")


def test_an_unconfirmed_address_cannot_follow(client, make_user, piece):
    # Else anyone could sign up with someone else's address and have mail sent to it.
    unconfirmed = make_user("not-mine@example.com", verified=False)
    client.force_login(unconfirmed)
    client.post(reverse("comments:follow", args=[piece.pk]), {"mode": "each"})
    assert not Follow.objects.exists()


def test_switching_to_the_digest_starts_it_from_then(follower, piece):
    follows.follow(user=follower, target=piece, mode=Follow.Mode.DAILY)
    Follow.objects.update(digest_sent_at=timezone.now() - timedelta(days=30))
    follows.follow(user=follower, target=piece, mode=Follow.Mode.EACH)
    follows.follow(user=follower, target=piece, mode=Follow.Mode.DAILY)
    started = Follow.objects.get().digest_sent_at
    assert timezone.now() - started < timedelta(minutes=1)  # not the month before


def _to(mailoutbox, address):
    return [message for message in mailoutbox if message.to == [address]]


def test_a_reader_follows_from_the_piece_and_changes_their_mind(client, follower, piece):
    client.force_login(follower)
    url = reverse("comments:follow", args=[piece.pk])
    page = client.get(piece.get_absolute_url()).content.decode()
    assert "Follow this discussion by email" in page

    response = client.post(url, {"mode": "each"})
    assert response["Location"] == f"{piece.get_absolute_url()}#discussion-follow"
    assert Follow.objects.get(user=follower, target_id=piece.pk).mode == Follow.Mode.EACH
    page = client.get(piece.get_absolute_url()).content.decode()
    assert "You follow this discussion: each new comment, by email." in page

    client.post(url, {"mode": "daily"})
    assert Follow.objects.get(user=follower).mode == Follow.Mode.DAILY
    client.post(url, {"mode": "stop"})
    assert not Follow.objects.exists()
    client.post(url, {"mode": "weekly"})  # not a choice: said so, nothing kept
    assert not Follow.objects.exists()


def test_signed_out_readers_are_asked_to_sign_in_to_follow(client, piece):
    page = client.get(piece.get_absolute_url()).content.decode()
    assert "Sign in to follow this discussion" in page
    response = client.post(reverse("comments:follow", args=[piece.pk]), {"mode": "each"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_each_published_comment_is_mailed_to_followers_with_a_one_click_unsubscribe(
    follower, trusted, reader, moderator, piece, post, run_tasks, mailoutbox
):
    follows.follow(user=follower, target=piece, mode=Follow.Mode.EACH)
    follows.follow(user=trusted, target=piece, mode=Follow.Mode.EACH)

    run_tasks(post, trusted, "Published at once, on the axis.")
    [message] = _to(mailoutbox, follower.email)
    assert message.subject == "New comment on “Axis of pragmatism”"
    assert "Trusted Reader commented" in message.body
    assert "Published at once, on the axis." in message.body
    assert _to(mailoutbox, trusted.email) == []  # never their own comment

    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body

    # Held comments are mailed only once a moderator approves them; rejected ones never.
    held = run_tasks(post, reader, "Held for a moderator.")
    rejected = run_tasks(post, reader, "Spam, in time.")
    assert held.state == rejected.state == State.PENDING
    assert len(_to(mailoutbox, follower.email)) == 1
    run_tasks(states.change_state, comment=rejected, to_state=State.REJECTED, actor=moderator)
    run_tasks(states.change_state, comment=held, to_state=State.APPROVED, actor=moderator)
    bodies = [m.body for m in _to(mailoutbox, follower.email)]
    assert len(bodies) == 2
    assert "Held for a moderator." in bodies[1]
    assert not any("Spam, in time." in body for body in bodies)


def test_one_click_unsubscribe_works_without_signing_in(client, follower, piece):
    follows.follow(user=follower, target=piece, mode=Follow.Mode.EACH)
    token = follows.unsubscribe_token(user=follower, target=piece)
    url = reverse("comments:unsubscribe", args=[token])

    asked = client.get(url)  # a link opened (or a mail scanner): asks, changes nothing
    assert "Stop these emails?" in asked.content.decode()
    assert Follow.objects.exists()

    # What a mail app sends for List-Unsubscribe-Post: no session, no CSRF token.
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "No more emails about this discussion" in done.content.decode()
    assert not Follow.objects.exists()
    again = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert "You were not following" in again.content.decode()

    forged = client.post(reverse("comments:unsubscribe", args=[token[:-2] + "xx"]))
    assert forged.status_code == 400


def test_reply_mail_carries_a_one_click_unsubscribe_too(
    client, make_user, trusted, post, run_tasks, mailoutbox
):
    author = make_user("replied-to@example.com", notify_on_reply=True)
    original = post(author, "Original.")
    states.change_state(comment=original, to_state=State.APPROVED)
    run_tasks(post, trusted, "A reply.", parent=original)
    [message] = _to(mailoutbox, author.email)
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in message.body
    client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    author.refresh_from_db()
    assert author.notify_on_reply is False


def test_the_daily_digest_lists_what_was_published_once(
    follower, trusted, second_trusted, piece, post, run_tasks, mailoutbox
):
    follows.follow(user=follower, target=piece, mode=Follow.Mode.DAILY)
    Follow.objects.update(digest_sent_at=timezone.now() - timedelta(days=1))
    run_tasks(post, trusted, "Morning thought.")
    run_tasks(post, second_trusted, "Evening reply.")
    assert _to(mailoutbox, follower.email) == []  # nothing comment by comment

    run_tasks(call_command, "send_discussion_digests")
    [digest] = _to(mailoutbox, follower.email)
    assert digest.subject == "2 new comments on “Axis of pragmatism”"
    assert digest.body.index("Morning thought.") < digest.body.index("Evening reply.")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    run_tasks(call_command, "send_discussion_digests")  # run again: nothing new, no mail
    assert len(_to(mailoutbox, follower.email)) == 1

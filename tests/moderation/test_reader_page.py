"""A reader's page for moderators, /moderation/readers/<id>/: their comments with the
decisions and reasons, their sanctions, and moderators' notes, which are kept: a
correction is a new note, the earlier wording stays."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import delete_account
from comments.models import Comment
from moderation import actions, sanctions
from moderation.models import ReaderNote

State = Comment.State


def _url(user) -> str:
    return reverse("moderation:reader", args=[user.pk])


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def moderating(client, moderator):
    client.force_login(moderator)
    return client


def test_history_decisions_reasons_and_sanctions(moderating, moderator, reader, post, held):
    actions.moderate(
        comment=held,
        action="reject",
        category="off_topic",
        reason="Not about the piece.",
        moderator=moderator,
    )
    waiting = post(reader, "A second comment, still waiting.")
    sanctions.suspend_commenter(user=reader, moderator=moderator, days=3, reason="Cool off.")
    text = _text(moderating.get(_url(reader)))
    assert "Reader: Curious Reader" in text
    assert "A first comment, held for review." in text
    assert "Rejected, by " + moderator.public_name + " (Off topic): Not about the piece." in text
    assert waiting.body in text
    assert "Suspension by " + moderator.public_name in text
    assert "Cool off." in text


def test_the_queue_links_each_comment_to_its_authors_page(moderating, reader, held):
    response = moderating.get(reverse("moderation:queue"))
    assert f'href="{_url(reader)}"' in response.content.decode()


def test_a_note_is_added_and_shown_with_its_author(moderating, moderator, reader):
    response = moderating.post(_url(reader), {"text": "  Warned by mail about tone.  "})
    note = ReaderNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == note.get_absolute_url()
    assert (note.reader, note.author, note.text) == (
        reader,
        moderator,
        "Warned by mail about tone.",
    )
    text = _text(moderating.get(_url(reader)))
    assert "Warned by mail about tone." in text
    assert "Note added." in text


def test_an_empty_note_is_refused_with_a_message(moderating, reader):
    response = moderating.post(_url(reader), {"text": "   "})
    assert response.status_code == 400
    assert "Write the note." in _text(response)
    assert not ReaderNote.objects.exists()


def test_a_too_long_note_keeps_what_was_typed(moderating, reader):
    typed = "x" * 5001
    response = moderating.post(_url(reader), {"text": typed})
    assert response.status_code == 400
    assert typed in _text(response)
    assert not ReaderNote.objects.exists()


def test_correcting_a_note_adds_one_and_keeps_the_first(moderating, reader):
    moderating.post(_url(reader), {"text": "First wording."})
    first = ReaderNote.objects.get()
    moderating.post(_url(reader), {"text": "Better wording.", "replaces": first.pk})
    assert ReaderNote.objects.count() == 2
    first.refresh_from_db()
    assert first.text == "First wording."
    assert first.replaced_by.text == "Better wording."
    text = _text(moderating.get(_url(reader)))
    assert "First wording." in text
    assert "Better wording." in text
    assert "corrected by" in text


def test_a_note_is_corrected_once(moderating, reader):
    moderating.post(_url(reader), {"text": "First wording."})
    first = ReaderNote.objects.get()
    moderating.post(_url(reader), {"text": "Second.", "replaces": first.pk})
    response = moderating.post(_url(reader), {"text": "Third, typed.", "replaces": first.pk})
    assert response.status_code == 400
    assert "corrected already" in _text(response)
    assert "Third, typed." in _text(response)
    assert ReaderNote.objects.count() == 2


def test_another_readers_note_cannot_be_corrected_here(moderating, reader, trusted):
    moderating.post(_url(trusted), {"text": "About someone else."})
    theirs = ReaderNote.objects.get()
    response = moderating.post(_url(reader), {"text": "Sneaky.", "replaces": theirs.pk})
    assert response.status_code == 400
    assert ReaderNote.objects.count() == 1


@pytest.mark.parametrize("junk", ["abc", "-1", "0", "99999999999999999999999"])
def test_junk_in_replaces_is_a_message_not_a_500(moderating, reader, junk):
    response = moderating.post(_url(reader), {"text": "Fine, typed.", "replaces": junk})
    assert response.status_code == 400
    assert "Fine, typed." in _text(response)
    assert "That note is not one of this reader's." in _text(response)
    assert not ReaderNote.objects.exists()


def test_notes_stay_when_the_reader_deletes_their_account(moderating, reader):
    moderating.post(_url(reader), {"text": "Kept for the record."})
    delete_account(user=reader)
    text = _text(moderating.get(_url(reader)))
    assert "Reader: Deleted reader" in text
    assert "Kept for the record." in text


def test_an_unknown_reader_is_404(moderating):
    assert moderating.get(reverse("moderation:reader", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["reader", "editor"])
def test_only_moderators_get_in(request, client, who, trusted):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(trusted)).status_code == 403
    assert client.post(_url(trusted), {"text": "No."}).status_code == 403
    assert not ReaderNote.objects.exists()


def test_the_page_costs_the_same_queries_for_few_or_many_comments(
    moderating, moderator, reader, post, held
):
    def cost() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert moderating.get(_url(reader)).status_code == 200
        return len(captured)

    few = cost()
    for n in range(5):
        comment = post(reader, f"Comment {n}.")
        actions.moderate(comment=comment, action="spam", moderator=moderator)
    moderating.post(_url(reader), {"text": "A note."})
    moderating.post(_url(reader), {"text": "Another."})
    moderating.get(_url(reader))  # shows "Note added." once: the session is written
    assert cost() == few

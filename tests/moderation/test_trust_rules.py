"""Issue 14, point 4: suspect terms that hold beside blocked terms that refuse, repeat posts,
a reader whose recent rejections send them back to pre-moderation, aliased addresses. Each
held comment carries the reason a moderator reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import states
from comments.errors import CommentError
from comments.models import Comment
from moderation import rules
from moderation.models import BlockedTerm

State = Comment.State

SPAM_TEXT = (
    "Earn five thousand dollars a week from home with this one simple trick, "
    "visit my profile to learn how."
)


def _event(comment):
    return comment.events.get()


# Suspect and blocked terms ----------------------------------------------------------------


def test_a_suspect_term_holds_and_says_which(trusted, post):
    BlockedTerm.objects.create(term="crypto", action=BlockedTerm.Action.HOLD)
    comment = post(trusted, "Sanctions push them to crypto, surely.")
    assert comment.state == State.PENDING
    assert comment.held_reason == "Held: contains suspect term “crypto”"
    assert _event(comment).rule == "suspect_term"


def test_a_blocked_term_refuses_the_post_and_keeps_the_text(client, trusted, piece_url, post_url):
    BlockedTerm.objects.create(term="idiot", action=BlockedTerm.Action.REFUSE)
    client.force_login(trusted)
    client.post(post_url, {"body": "Only an 1d10t would think so."})
    assert not Comment.objects.filter(body__contains="think so").exists()
    page = client.get(piece_url)
    assert "contains “idiot”, which this site does not accept" in page.content.decode()
    assert page.context["discussion"].draft_body == "Only an 1d10t would think so."


def test_a_refusing_term_wins_over_a_suspect_one(trusted, post):
    BlockedTerm.objects.create(term="crypto")
    BlockedTerm.objects.create(term="scam", action=BlockedTerm.Action.REFUSE)
    with pytest.raises(CommentError, match="“scam”"):
        post(trusted, "A crypto scam.")


# Repeat posts -----------------------------------------------------------------------------


def test_the_same_text_from_another_account_is_held_naming_the_other_copy(
    trusted, second_trusted, post, other_piece
):
    first = post(trusted, SPAM_TEXT)
    assert first.state == State.APPROVED
    again = post(second_trusted, "  EARN five thousand dollars a week, from home with this one "
                 "simple trick: visit my profile to learn how!!")  # fmt: skip
    assert again.state == State.PENDING
    assert again.held_reason == (
        f"Held: repeat post, the same words as comment #{first.pk} on “Axis of pragmatism”"
    )
    assert _event(again).rule == "repeat"


def test_nearly_the_same_text_on_another_piece_is_held_with_how_alike(trusted, post, other_piece):
    first = post(trusted, SPAM_TEXT)
    nearly = post(trusted, SPAM_TEXT.replace("dollars", "euros"), target=other_piece)
    assert nearly.state == State.PENDING
    assert f"% the same as comment #{first.pk} on “Axis of pragmatism”" in nearly.held_reason


def test_what_is_not_a_repeat(settings, trusted, second_trusted, post, other_piece):
    # Short agreement is said by many; the same reader may say more on the same piece; a
    # different comment is not a repeat; and an old one is outside the window.
    post(trusted, "I agree entirely!")
    assert post(second_trusted, "I agree entirely!").state == State.APPROVED
    post(trusted, SPAM_TEXT)
    assert post(trusted, SPAM_TEXT + " Again.").state == State.APPROVED  # same piece, same reader
    other = "Whether the axis holds depends on what Hanoi and Jakarta gain from it, not words."
    assert post(second_trusted, other).state == State.APPROVED
    Comment.objects.update(created_at=timezone.now() - timedelta(hours=73))
    assert post(second_trusted, SPAM_TEXT).state == State.APPROVED


def test_the_similarity_threshold_is_a_setting(settings, trusted, post, other_piece):
    post(trusted, SPAM_TEXT)
    settings.COMMENTS_REPEAT_SIMILARITY = 1.0  # only the very same text
    changed = SPAM_TEXT.replace("dollars", "euros")
    assert post(trusted, changed, target=other_piece).state == State.APPROVED


def test_shingle_similarity():
    a = rules.shingles(rules.words_of("One two three four five"))
    assert rules.similarity(a, rules.shingles(rules.words_of("ONE, two; three four five."))) == 1
    assert rules.similarity(a, rules.shingles(rules.words_of("six seven eight"))) == 0


# Rejection rate ---------------------------------------------------------------------------


def _decide(comment, to_state, moderator):
    states.change_state(comment=comment, to_state=to_state, actor=moderator, category="other")


def test_a_reader_mostly_turned_down_goes_back_to_pre_moderation(
    settings, trusted, moderator, post, piece
):
    settings.COMMENTS_REJECTION_MIN_DECIDED = 4
    settings.COMMENTS_REJECTION_RATE_PERCENT = 50
    # Their first (approved) comment, and three more: two turned down, one approved.
    for n, outcome in enumerate([State.REJECTED, State.REMOVED, State.APPROVED]):
        comment = post(trusted, f"Comment number {n}.")
        if outcome != State.APPROVED:
            _decide(comment, outcome, moderator)
    # 2 of 4 decided: held, although the piece is post-moderated.
    piece.moderation_policy = rules.POST_MODERATE
    piece.save()
    held = post(trusted, "And another.")
    assert held.state == State.PENDING
    assert held.held_reason == (
        "Held: pre-moderated, 2 of this reader’s 4 decided comments in 30 days were "
        "rejected, spam or removed (limit 50%)"
    )
    assert _event(held).rule == "rejection_rate"


def test_below_the_rate_or_the_count_or_outside_the_window_nothing_changes(
    settings, trusted, moderator, post, piece
):
    settings.COMMENTS_REJECTION_MIN_DECIDED = 4
    piece.moderation_policy = rules.POST_MODERATE
    piece.save()
    _decide(post(trusted, "One turned down."), State.REJECTED, moderator)
    assert post(trusted, "Too few decided to judge.").state == State.APPROVED  # 1 of 3
    for n in range(3):
        post(trusted, f"Published {n}.")
    assert post(trusted, "One in six.").state == State.APPROVED
    settings.COMMENTS_REJECTION_RATE_PERCENT = 10
    Comment.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert post(trusted, "All that is old now.").state == State.APPROVED


# Aliased addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ann@example.org", "ann+second@example.org"),
        ("ann+one@example.org", "ANN+two@Example.org"),
        ("ann.lee@gmail.com", "annlee+x@gmail.com"),
    ],
)
def test_an_alias_of_another_accounts_address_is_held(first, second, make_trusted, post):
    make_trusted(first)
    alias = make_trusted(second)
    comment = post(alias, "Posted from a second account.")
    assert comment.state == State.PENDING
    assert comment.held_reason == (
        "Held: the email address reaches the same mailbox as another account’s"
    )


def test_dots_matter_outside_gmail_and_different_mailboxes_pass(make_trusted, post):
    make_trusted("ann.lee@example.org")
    make_trusted("anne@example.org")
    other = make_trusted("annlee@example.org")
    assert post(other, "Not the same mailbox.").state == State.APPROVED


def test_moderators_read_why_each_was_held_in_the_queue(
    client, moderator, trusted, second_trusted, post
):
    BlockedTerm.objects.create(term="crypto")
    post(trusted, SPAM_TEXT)
    repeat = post(second_trusted, SPAM_TEXT)
    suspect = post(trusted, "Crypto again, of course.")
    client.force_login(moderator)
    page = client.get("/moderation/").content.decode()
    assert repeat.held_reason in page
    assert "Held: contains suspect term “crypto”" in page
    assert suspect.state == repeat.state == State.PENDING

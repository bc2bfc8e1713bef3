"""The rules applied on posting, in order, each with the reason moderators read.

Each decision is recorded on the comment's first event: actor none (the site), the rule's
name, and the reason; a held comment carries the reason as its `held_reason` too.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import posting, reports
from comments.errors import CommentError
from comments.models import Comment
from core.text import fold
from moderation import actions, rules, sanctions
from moderation.models import BlockedEmailDomain, BlockedTerm, Sanction

State = Comment.State


def _first_event(comment: Comment):
    event = comment.events.get()
    assert event.actor is None  # the site decided
    assert event.from_state == ""
    assert event.to_state == comment.state
    return event


def assert_decided(comment: Comment, state: str, rule: str, reason: str) -> None:
    comment.refresh_from_db()
    event = _first_event(comment)
    assert (comment.state, event.rule, event.reason) == (state, rule, reason)
    assert comment.held_reason == ("" if state == State.APPROVED else reason)
    assert event.actor_name == f"system ({rule})"


# 1. Sanctions ---------------------------------------------------------------------------


def test_a_suspended_author_is_refused_saying_why_and_until_when(trusted, moderator, post):
    sanction = sanctions.suspend_commenter(
        user=trusted, moderator=moderator, days=7, reason="Personal attacks"
    )
    with pytest.raises(CommentError) as caught:
        post(trusted, "Let me back in.")
    message = caught.value.message
    assert caught.value.code == "sanctioned"
    assert "suspended from commenting until" in message
    assert timezone.localtime(sanction.until).strftime("%-d %B %Y") in message
    assert "Personal attacks" in message
    assert not Comment.objects.filter(body="Let me back in.").exists()


def test_an_expired_suspension_no_longer_refuses(trusted, moderator, post):
    sanction = sanctions.suspend_commenter(
        user=trusted, moderator=moderator, days=1, reason="Cool down"
    )
    Sanction.objects.filter(pk=sanction.pk).update(until=timezone.now() - timedelta(minutes=1))
    assert post(trusted, "Back, calmer.").state == State.APPROVED


def test_a_banned_author_is_refused_for_good_until_lifted(trusted, moderator, post):
    ban = sanctions.ban_commenter(user=trusted, moderator=moderator, reason="Spam network")
    with pytest.raises(CommentError, match=r"banned from commenting.*Spam network"):
        post(trusted, "Buy now.")
    sanctions.lift_sanction(sanction=ban, moderator=moderator)
    assert post(trusted, "Sorry.").state == State.APPROVED


def test_a_ban_wins_over_a_suspension(trusted, moderator, post):
    sanctions.suspend_commenter(user=trusted, moderator=moderator, days=3, reason="First")
    sanctions.ban_commenter(user=trusted, moderator=moderator, reason="Then worse")
    with pytest.raises(CommentError, match="banned"):
        post(trusted, "Hello?")


def test_a_sanctioned_reader_can_neither_edit_nor_report(trusted, second_trusted, moderator, post):
    mine = post(trusted, "Mine.")
    theirs = post(second_trusted, "Theirs.")
    sanctions.suspend_commenter(user=trusted, moderator=moderator, days=2, reason="Heat")
    with pytest.raises(CommentError, match="suspended"):
        posting.edit_comment(comment=mine, editor=trusted, body="Changed.")
    with pytest.raises(CommentError, match="suspended"):
        reports.report_comment(comment=theirs, reporter=trusted, reason="spam")


def test_a_suspended_reader_sees_why_on_the_page_with_their_text_kept(
    client, trusted, moderator, piece_url, post_url
):
    sanctions.suspend_commenter(user=trusted, moderator=moderator, days=7, reason="Insults")
    client.force_login(trusted)
    response = client.post(post_url, {"body": "My carefully typed reply."})
    assert response["Location"] == f"{piece_url}#comment-form"
    page = client.get(piece_url)
    text = page.content.decode()
    assert "suspended from commenting until" in text
    assert "Insults" in text
    assert page.context["discussion"].draft_body == "My carefully typed reply."


# 2. Honeypot ----------------------------------------------------------------------------


def test_a_filled_honeypot_is_spam(trusted, piece):
    result = posting.post_comment(
        target=piece, author=trusted, body="Great post!", honeypot="http://spam.example"
    )
    assert result.decision == rules.Decision(State.SPAM, "Spam: honeypot field filled", "honeypot")
    assert_decided(result.comment, State.SPAM, "honeypot", "Spam: honeypot field filled")


def test_the_form_has_the_honeypot_and_a_robot_filling_it_is_spam(
    client, trusted, piece_url, post_url
):
    client.force_login(trusted)
    page = client.get(piece_url).content.decode()
    assert 'name="website"' in page
    assert 'tabindex="-1"' in page
    response = client.post(post_url, {"body": "Nice.", "website": "cheap-pills.example"})
    assert response["Location"] == f"{piece_url}#discussion"
    comment = Comment.objects.get(body="Nice.")
    assert comment.state == State.SPAM
    followed = client.get(piece_url).content.decode()
    assert "received and is held for review" in followed
    assert "Nice." not in followed  # not even its author sees it


# 3. Blocked terms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "You are an idiot.",
        "You are an IDIOT!",
        "You are an іdiot.",  # Cyrillic і
        "You are an idіоt.",  # Cyrillic і and о
        "You are an ιdiot.",  # Greek iota
        "You are an ｉｄｉｏｔ.",  # full width
        "You are an ídìöt.",  # accents
        "You are an 1d10t.",  # digits for letters
        "You are an id\u200biot.",  # a zero-width space inside
    ],
    ids=[
        "plain",
        "upper",
        "cyrillic-i",
        "cyrillic-io",
        "greek",
        "fullwidth",
        "accents",
        "leet",
        "zero-width",
    ],
)
def test_a_blocked_term_is_held_whatever_it_looks_like(body, trusted, post):
    BlockedTerm.objects.create(term="idiot")
    comment = post(trusted, body)
    assert_decided(comment, State.PENDING, "suspect_term", "Held: contains suspect term “idiot”")


@pytest.mark.parametrize("body", ["Idiotic policies.", "An idiotsavant?", "Fine words."])
def test_blocked_terms_match_whole_words_only(body, trusted, post):
    BlockedTerm.objects.create(term="idiot")
    assert post(trusted, body).state == State.APPROVED


def test_blocked_phrases_and_switched_off_terms(trusted, post):
    BlockedTerm.objects.create(term="buy  followers")
    BlockedTerm.objects.create(term="dolt", is_active=False)
    held = post(trusted, "Want to BUY\nfollowers cheap?")
    assert held.held_reason == "Held: contains suspect term “buy  followers”"
    assert post(trusted, "You dolt.").state == State.APPROVED


def test_fold_is_explicit_about_what_it_folds():
    assert fold("ＰａＹ ΡΑΥ раy Pay") == "pay pay pay pay"
    assert fold("Ｃafé") == "cafe"
    assert rules.find_blocked_term("so naïve", ["naive"]) == "naive"
    assert rules.find_blocked_term("scunthorpe", ["cunt"]) is None


def test_a_term_must_have_letters(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        BlockedTerm(term=" -- ").full_clean()
    BlockedTerm.objects.create(term="Idiot")
    with pytest.raises(ValidationError, match="already on the list"):
        BlockedTerm(term="idiot").full_clean()


# 4. Links ---------------------------------------------------------------------------------


def test_more_links_than_the_limit_are_held(settings, trusted, post):
    settings.COMMENTS_MAX_LINKS = 2
    body = "See [one](https://a.example), https://b.example, <https://c.example> and www.d.example."
    comment = post(trusted, body)
    assert_decided(comment, State.PENDING, "links", "Held: 4 links (limit 2)")
    assert (
        post(trusted, "Just [one](https://a.example) and https://b.example.").state
        == State.APPROVED
    )


def test_counting_links():
    assert rules.count_links("no links here, example.com is not one") == 0
    assert rules.count_links("[a](https://x.example) [b](/relative)") == 2
    assert rules.count_links("https://x.example/a?b=c http://y.example") == 2


# 5. Email domains -------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["someone@spam.example", "someone@mail.SPAM.example"])
def test_an_author_at_a_blocked_domain_is_held(email, make_trusted, post):
    author = make_trusted(email)
    BlockedEmailDomain.objects.create(domain="@Spam.Example.")
    comment = post(author, "Hello from a blocked domain.")
    assert_decided(
        comment,
        State.PENDING,
        "email_domain",
        "Held: email domain “spam.example” is on the blocklist",
    )


def test_a_domain_that_only_ends_alike_is_not_blocked(make_trusted, post):
    BlockedEmailDomain.objects.create(domain="spam.example")
    author = make_trusted("someone@notspam.example")
    assert post(author, "Hello.").state == State.APPROVED
    BlockedEmailDomain.objects.filter(domain="spam.example").update(is_active=False)
    blocked_once = make_trusted("other@spam.example")
    assert post(blocked_once, "Hello again.").state == State.APPROVED


# 6. First comments ------------------------------------------------------------------------


def test_a_readers_first_comment_is_held(reader, post):
    comment = post(reader, "Hello, first time.")
    assert_decided(comment, State.PENDING, "first_comments", "Held: first comment by this reader")


def test_the_first_n_is_a_setting(settings, reader, post, approve):
    settings.COMMENTS_HOLD_FIRST_N = 3
    first = approve(post(reader, "One."))
    assert first.state == State.APPROVED
    second = post(reader, "Two.")  # held although the first was approved
    assert second.held_reason == "Held: comment 2 of this reader’s first 3"
    approve(second)
    third = post(reader, "Three.")
    assert third.held_reason == "Held: comment 3 of this reader’s first 3"
    approve(third)
    assert post(reader, "Four.").state == State.APPROVED


# 7. Trusted authors -----------------------------------------------------------------------


@pytest.fixture
def veteran(make_user, post, approve, other_piece):
    user = make_user("veteran@example.com", display_name="Veteran")
    for n in range(5):
        approve(post(user, f"Approved comment {n}.", target=other_piece))
    return user


def test_a_trusted_reader_is_published_even_on_a_pre_moderated_piece(
    settings, veteran, post, piece
):
    settings.COMMENTS_TRUSTED_AFTER = 5
    piece.moderation_policy = "pre_moderate"
    piece.save()
    comment = post(veteran, "Trusted words.")
    assert_decided(
        comment,
        State.APPROVED,
        "trusted",
        "Published: trusted reader (5 approved, none rejected in 30 days)",
    )


def test_trust_needs_enough_approved_comments(settings, veteran, post, piece):
    settings.COMMENTS_TRUSTED_AFTER = 6
    piece.moderation_policy = "pre_moderate"
    piece.save()
    assert post(veteran, "Not yet trusted.").held_reason == "Held: pre-moderated piece"


def test_a_recent_rejection_or_spam_loses_trust_for_the_window(
    settings, veteran, moderator, post, piece
):
    settings.COMMENTS_TRUSTED_AFTER = 3
    piece.moderation_policy = "pre_moderate"
    piece.save()
    bad = post(veteran, "Rude words.")
    assert bad.state == State.APPROVED  # trusted so far
    actions.moderate(comment=bad, action="spam", moderator=moderator)
    assert post(veteran, "After the spam.").held_reason == "Held: pre-moderated piece"
    # Outside the window, trust comes back.
    bad.events.filter(to_state=State.SPAM).update(
        created_at=timezone.now() - timedelta(days=settings.COMMENTS_TRUST_WINDOW_DAYS + 1)
    )
    assert post(veteran, "Much later.").state == State.APPROVED


# 8. The piece's policy --------------------------------------------------------------------


def test_the_site_default_policy_is_first_time(settings, reader, post, approve):
    assert settings.COMMENTS_DEFAULT_POLICY == "first_time"
    post(reader, "First, held by the first-comment rule.")
    second = post(reader, "Second, while nothing is published.")
    assert_decided(
        second,
        State.PENDING,
        "policy",
        "Held: no published comment yet (first-time policy (site default))",
    )
    approve(second)
    third = post(reader, "Third.")
    assert_decided(
        third,
        State.APPROVED,
        "policy",
        "Published: the reader has a published comment (first-time policy (site default))",
    )


@pytest.mark.parametrize(
    ("policy", "state", "reason"),
    [
        ("pre_moderate", State.PENDING, "Held: pre-moderated piece"),
        ("post_moderate", State.APPROVED, "Published: post-moderated piece"),
        (
            "first_time",
            State.APPROVED,
            "Published: the reader has a published comment (first-time policy)",
        ),
    ],
)
def test_editors_choose_the_policy_per_piece(policy, state, reason, trusted, post, piece):
    piece.moderation_policy = policy
    piece.save()
    assert_decided(post(trusted, "On a chosen policy."), state, "policy", reason)


def test_the_site_default_is_a_setting(settings, trusted, post):
    settings.COMMENTS_DEFAULT_POLICY = "pre_moderate"
    comment = post(trusted, "Everything is held.")
    assert comment.held_reason == "Held: pre-moderated piece (site default)"


def test_post_moderation_still_holds_what_earlier_rules_catch(reader, post, piece):
    piece.moderation_policy = "post_moderate"
    piece.save()
    first = post(reader, "Hello.")
    assert first.held_reason == "Held: first comment by this reader"
    second = post(reader, "Published although the first waits.")
    assert second.state == State.APPROVED


# Order ------------------------------------------------------------------------------------


def test_the_rules_apply_in_order(settings, reader, moderator, post, piece):
    settings.COMMENTS_MAX_LINKS = 0
    BlockedTerm.objects.create(term="idiot")
    BlockedEmailDomain.objects.create(domain="example.com")  # the reader's domain
    body = "idiot https://x.example"
    # honeypot before blocked term, blocked term before links, links before domain …
    caught = posting.post_comment(target=piece, author=reader, body=body, honeypot="x")
    assert caught.comment.events.get().rule == "honeypot"
    assert post(reader, body + " 1").events.get().rule == "suspect_term"
    assert post(reader, "https://x.example 2").events.get().rule == "links"
    assert post(reader, "plain 3").events.get().rule == "email_domain"
    BlockedEmailDomain.objects.update(is_active=False)
    assert post(reader, "plain 4").events.get().rule == "policy"  # not the first any more
    sanctions.ban_commenter(user=reader, moderator=moderator, reason="Enough")
    with pytest.raises(CommentError, match="banned"):  # … and sanctions before all
        posting.post_comment(target=piece, author=reader, body=body, honeypot="x")
    assert [rule.__name__ for rule in rules.RULES] == [
        "refuse_sanctioned",
        "honeypot",
        "blocked_term",
        "too_many_links",
        "blocked_email_domain",
        "aliased_email",
        "repeat_post",
        "rejection_rate",
        "scored",
        "first_comments",
        "trusted_author",
        "article_policy",
    ]


def test_a_bad_default_policy_fails_the_system_check(settings):
    from moderation.checks import moderation_settings

    settings.COMMENTS_DEFAULT_POLICY = "hold-everything"
    settings.COMMENTS_MODERATOR_MAIL = "sometimes"
    assert {error.id for error in moderation_settings(None)} == {
        "comments.E001",
        "comments.E002",
    }


def test_the_held_message_on_the_page_is_kind(client, reader, piece_url, post_url):
    client.force_login(reader)
    response = client.post(post_url, {"body": "First words."})
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "held for review" in page
    assert reverse("comments:mine") in page

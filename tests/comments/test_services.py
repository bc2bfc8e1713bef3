"""The rules of a comment's life, through the service functions the views call."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import posting, recommendations, reports, states
from comments.errors import CommentError
from comments.models import Comment, CommentEvent, CommentRevision, Recommendation, Report

State = Comment.State


# Holding and publishing ---------------------------------------------------------------


def test_a_readers_first_comment_is_held_and_later_ones_published(reader, post, approve):
    first = post(reader, "First.")
    assert first.state == State.PENDING
    assert first.held_reason == "Held: first comment by this reader"

    # Still waiting: a second comment is held too (a spammer can't post once, then freely).
    second = post(reader, "Second, while the first waits.")
    assert second.state == State.PENDING
    assert second.held_reason.startswith("Held: no published comment yet (first-time policy")

    approve(first)
    third = post(reader, "Third, after approval.")
    assert third.state == State.APPROVED
    assert third.held_reason == ""


def test_every_change_of_state_is_recorded(reader, moderator, post):
    comment = post(reader)
    states.change_state(comment=comment, to_state=State.APPROVED, actor=moderator, reason="Fine.")
    states.change_state(
        comment=comment, to_state=State.REMOVED, actor=moderator, reason="Off topic."
    )
    events = list(comment.events.values_list("actor", "from_state", "to_state", "reason"))
    assert events[0][:3] == (None, "", State.PENDING)  # posted: decided by the site
    assert events[1:] == [
        (moderator.pk, State.PENDING, State.APPROVED, "Fine."),
        (moderator.pk, State.APPROVED, State.REMOVED, "Off topic."),
    ]
    comment.refresh_from_db()
    assert comment.state == State.REMOVED
    assert comment.body == "A thoughtful comment."  # nothing destroyed


def test_a_change_to_the_same_state_records_nothing(trusted, post):
    comment = post(trusted)
    assert states.change_state(comment=comment, to_state=State.APPROVED) is None
    assert comment.events.count() == 1


def test_removing_needs_a_reason(trusted, post):
    comment = post(trusted)
    with pytest.raises(CommentError, match="why"):
        states.change_state(comment=comment, to_state=State.REMOVED, reason="  ")
    comment.refresh_from_db()
    assert comment.state == State.APPROVED


def test_an_unknown_state_is_refused(trusted, post):
    with pytest.raises(CommentError):
        states.change_state(comment=post(trusted), to_state="deleted")


# Threads ------------------------------------------------------------------------------


def test_replies_thread_to_a_fixed_depth(trusted, second_trusted, post):
    top = post(trusted, "Top.")
    reply = post(second_trusted, "Reply.", parent=top)
    deepest = post(trusted, "Reply to the reply.", parent=reply)
    assert (top.depth, reply.depth, deepest.depth) == (0, 1, 2)
    assert reply.root == top
    assert deepest.root == top

    # A reply to the deepest level hangs from the deepest allowed ancestor, and remembers
    # whom it answered.
    too_deep = post(second_trusted, "And another.", parent=deepest)
    assert too_deep.parent == reply
    assert too_deep.in_reply_to == deepest
    assert too_deep.depth == 2
    assert too_deep.root == top


def test_the_depth_is_a_setting(settings, trusted, second_trusted, post):
    settings.COMMENTS_MAX_DEPTH = 2
    top = post(trusted, "Top.")
    reply = post(second_trusted, "Reply.", parent=top)
    deeper = post(trusted, "Deeper.", parent=reply)
    assert deeper.parent == top
    assert deeper.depth == 1
    assert deeper.in_reply_to == reply


def test_a_parent_on_another_piece_is_refused(trusted, post, other_piece):
    elsewhere = post(trusted, "Elsewhere.", target=other_piece)
    with pytest.raises(CommentError, match="this piece") as caught:
        post(trusted, "Reply.", parent=elsewhere)
    assert caught.value.field == "parent"
    assert not Comment.objects.filter(body="Reply.").exists()


@pytest.mark.parametrize("state", [State.PENDING, State.WITHDRAWN, State.REMOVED, State.SPAM])
def test_a_parent_that_is_not_published_is_refused(state, trusted, reader, post, moderator):
    parent = post(reader, "Parent.")
    states.change_state(comment=parent, to_state=state, actor=moderator, reason="Test.")
    with pytest.raises(CommentError, match="not published"):
        post(trusted, "Reply.", parent=parent)


def test_a_missing_parent_is_refused(trusted, post):
    with pytest.raises(CommentError, match="does not exist"):
        post(trusted, "Reply.", parent=999_999)


# The text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "empty"),
        (" \n\t  \r\n ", "empty"),
        ("x" * 5001, "too_long"),
        ("before\x00after", "control_character"),
        ("bell\x07", "control_character"),
        ("escape\x1b[31m", "control_character"),
    ],
    ids=["empty", "whitespace-only", "too-long", "nul", "bell", "escape"],
)
def test_bad_text_is_refused_with_a_reason(body, code, trusted, post):
    with pytest.raises(CommentError) as caught:
        post(trusted, body)
    assert caught.value.code == code
    assert caught.value.field == "body"
    assert caught.value.message
    assert not Comment.objects.filter(target__slug="axis").exists()


def test_the_limit_counts_characters_after_trimming(trusted, post):
    comment = post(trusted, "  \n" + "é" * 5000 + "\n  ")
    assert len(comment.body) == 5000


def test_tabs_newlines_and_windows_line_ends_are_fine(trusted, post):
    comment = post(trusted, "Line one\r\n\r\n\tLine two")
    assert comment.body == "Line one\n\n\tLine two"


def test_the_text_is_rendered_safely(trusted, post):
    comment = post(
        trusted,
        "<script>alert(1)</script> *emphasis* [a link](https://example.org) "
        '<a href="javascript:alert(1)">x</a>\n\n> quoted\n\n- one\n- two\n\n`code`',
    )
    html = comment.body_html
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="javascript' not in html
    assert "<em>emphasis</em>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener"' in html
    assert "<blockquote>" in html
    assert "<li>one</li>" in html
    assert "<code>code</code>" in html


# Closed discussions --------------------------------------------------------------------


def test_an_editor_closes_the_discussion(trusted, post, piece):
    piece.comments_open = False
    piece.save()
    with pytest.raises(CommentError, match="closed") as caught:
        post(trusted, "Too late.")
    assert caught.value.code == "closed"


def test_a_discussion_closes_by_itself_after_n_days(settings, trusted, make_article, post):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_article("Old", slug="old", publish_at=timezone.now() - timedelta(days=31))
    with pytest.raises(CommentError, match="30 days after"):
        post(trusted, "Late.", target=old)
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # never
    assert post(trusted, "Fine now.", target=old).pk


def test_an_unpublished_piece_takes_no_comments(trusted, make_article, post):
    draft = make_article("Draft", slug="draft", status="draft")
    with pytest.raises(CommentError, match="opens when the piece is published"):
        post(trusted, "Early.", target=draft)


# Who may post -------------------------------------------------------------------------


def test_an_unverified_reader_may_not_post(make_user, post):
    with pytest.raises(CommentError) as caught:
        post(make_user(verified=False))
    assert caught.value.code == "unverified"


def test_an_inactive_or_deleted_account_may_not_post(make_user, post):
    with pytest.raises(CommentError):
        post(make_user(is_active=False))
    deleted = make_user()
    deleted.is_deleted = True
    with pytest.raises(CommentError):
        post(deleted)


# Double submits ----------------------------------------------------------------------


def test_the_same_text_twice_in_quick_succession_posts_once(trusted, piece):
    first = posting.post_comment(target=piece, author=trusted, body="Same words.")
    again = posting.post_comment(target=piece, author=trusted, body="  Same words.\n")
    assert first.created
    assert not again.created
    assert again.comment == first.comment
    assert Comment.objects.filter(author=trusted, target=piece).count() == 1


def test_the_same_text_later_or_elsewhere_is_a_new_comment(settings, trusted, post, piece):
    first = post(trusted, "I agree.")
    assert post(trusted, "I agree.", parent=first).pk != first.pk  # a reply is another place
    Comment.objects.filter(pk=first.pk).update(
        created_at=timezone.now()
        - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS + 1)
    )
    assert post(trusted, "I agree.").pk != first.pk


def test_a_withdrawn_comment_is_not_a_duplicate(trusted, post):
    first = post(trusted, "Take two.")
    posting.withdraw_comment(comment=first, actor=trusted)
    assert post(trusted, "Take two.").pk != first.pk


# Editing ------------------------------------------------------------------------------


def test_the_author_edits_within_the_window_and_the_old_text_is_kept(trusted, post):
    comment = post(trusted, "Teh original.")
    edited = posting.edit_comment(comment=comment, editor=trusted, body="The original.")
    assert edited.body == "The original."
    assert "The original." in edited.body_html
    assert edited.edited_at is not None
    assert list(CommentRevision.objects.values_list("body", flat=True)) == ["Teh original."]


def test_editing_after_the_window_is_refused(settings, trusted, post):
    comment = post(trusted)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES + 1)
    )
    comment.refresh_from_db()
    with pytest.raises(CommentError, match="15 minutes"):
        posting.edit_comment(comment=comment, editor=trusted, body="Changed.")


def test_only_the_author_edits_and_only_live_comments(trusted, second_trusted, post):
    comment = post(trusted)
    with pytest.raises(CommentError):
        posting.edit_comment(comment=comment, editor=second_trusted, body="Mine now.")
    posting.withdraw_comment(comment=comment, actor=trusted)
    with pytest.raises(CommentError, match="withdrawn"):
        posting.edit_comment(comment=comment, editor=trusted, body="Back.")


def test_an_edit_keeps_the_same_rules_for_the_text(trusted, post):
    comment = post(trusted)
    with pytest.raises(CommentError, match="NUL"):
        posting.edit_comment(comment=comment, editor=trusted, body="\x00")


# Withdrawing --------------------------------------------------------------------------


def test_withdrawing_keeps_the_text_and_records_the_change(trusted, second_trusted, post):
    comment = post(trusted, "Second thoughts.")
    with pytest.raises(CommentError):
        posting.withdraw_comment(comment=comment, actor=second_trusted)
    posting.withdraw_comment(comment=comment, actor=trusted)
    comment.refresh_from_db()
    assert comment.state == State.WITHDRAWN
    assert comment.body == "Second thoughts."
    event = comment.events.last()
    assert (event.actor, event.from_state, event.to_state) == (
        trusted,
        State.APPROVED,
        State.WITHDRAWN,
    )
    with pytest.raises(CommentError, match="already withdrawn"):
        posting.withdraw_comment(comment=comment, actor=trusted)


# Reports and recommendations ---------------------------------------------------------


def test_a_reader_reports_a_comment_once(trusted, second_trusted, post):
    comment = post(trusted)
    report, created = reports.report_comment(
        comment=comment, reporter=second_trusted, reason=Report.Reason.ABUSE
    )
    assert created
    assert report.reason == "abuse"
    again, created = reports.report_comment(
        comment=comment, reporter=second_trusted, reason=Report.Reason.SPAM
    )
    assert not created
    assert again == report
    assert Report.objects.count() == 1


def test_reports_need_a_reason_and_not_ones_own_comment(trusted, second_trusted, post):
    comment = post(trusted)
    with pytest.raises(CommentError, match="own"):
        reports.report_comment(comment=comment, reporter=trusted, reason="spam")
    with pytest.raises(CommentError, match="reason"):
        reports.report_comment(comment=comment, reporter=second_trusted, reason="boring")
    with pytest.raises(CommentError, match="empty"):
        reports.report_comment(comment=comment, reporter=second_trusted, reason="other")


def test_a_reader_recommends_once_and_not_their_own(trusted, second_trusted, reader, post):
    comment = post(trusted)
    assert recommendations.recommend_comment(comment=comment, user=second_trusted)
    assert not recommendations.recommend_comment(comment=comment, user=second_trusted)
    assert recommendations.recommend_comment(comment=comment, user=reader)
    comment.refresh_from_db()
    assert comment.recommendation_count == 2 == Recommendation.objects.count()
    with pytest.raises(CommentError, match="own"):
        recommendations.recommend_comment(comment=comment, user=trusted)
    assert recommendations.unrecommend_comment(comment=comment, user=reader)
    assert not recommendations.unrecommend_comment(comment=comment, user=reader)
    comment.refresh_from_db()
    assert comment.recommendation_count == 1


def test_pending_comments_cannot_be_recommended_or_reported(reader, trusted, post):
    pending = post(reader)
    with pytest.raises(CommentError):
        recommendations.recommend_comment(comment=pending, user=trusted)
    with pytest.raises(CommentError):
        reports.report_comment(comment=pending, reporter=trusted, reason="spam")


# Reply notifications -----------------------------------------------------------------


@pytest.fixture
def opted_in(make_trusted):
    user = make_trusted("opted-in@example.com", display_name="Asks For Mail")
    user.notify_on_reply = True
    user.save()
    return user


def test_a_reply_mails_the_author_who_opted_in_after_the_commit(
    opted_in, second_trusted, post, mailoutbox, django_capture_on_commit_callbacks
):
    original = post(opted_in, "Original.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(second_trusted, "A reply with *words*.", parent=original)
    assert mailoutbox == []  # nothing before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["opted-in@example.com"]
    assert "Second Reader replied" in mail.subject
    assert "A reply with *words*." in mail.body
    assert "/comments/" in mail.body  # a link to the reply in its thread
    assert "second@example.com" not in mail.body  # never the replier's address


def test_the_deepest_reply_mails_whom_it_answered(
    opted_in, second_trusted, trusted, post, mailoutbox, django_capture_on_commit_callbacks
):
    top = post(trusted, "Top.")
    middle = post(second_trusted, "Middle.", parent=top)
    deepest = post(opted_in, "Deepest.", parent=middle)
    with django_capture_on_commit_callbacks(execute=True):
        post(second_trusted, "Answering the deepest.", parent=deepest)
    assert [m.to for m in mailoutbox] == [["opted-in@example.com"]]


def test_no_mail_without_opting_in_or_to_oneself(
    trusted, second_trusted, opted_in, post, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(second_trusted, "Reply.", parent=post(trusted, "Not opted in."))
        mine = post(opted_in, "Opted in.")
        post(opted_in, "Replying to myself.", parent=mine)
    assert mailoutbox == []


def test_a_held_reply_mails_once_when_approved(
    opted_in, reader, moderator, post, mailoutbox, django_capture_on_commit_callbacks
):
    original = post(opted_in, "Original.")

    def to_author():
        # The moderator is mailed that the reply waits; this is about the reply's mail.
        return [mail for mail in mailoutbox if mail.to == ["opted-in@example.com"]]

    with django_capture_on_commit_callbacks(execute=True):
        reply = post(reader, "A held reply.", parent=original)
    assert reply.state == State.PENDING
    assert to_author() == []
    with django_capture_on_commit_callbacks(execute=True):
        states.change_state(comment=reply, to_state=State.APPROVED, actor=moderator)
    assert len(to_author()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        states.change_state(comment=reply, to_state=State.REMOVED, actor=moderator, reason="x")
        states.change_state(comment=reply, to_state=State.APPROVED, actor=moderator)
    assert len(to_author()) == 1  # an undo does not mail again


def test_the_event_log_has_an_entry_per_change(trusted, post):
    comment = post(trusted)
    posting.withdraw_comment(comment=comment, actor=trusted)
    assert CommentEvent.objects.filter(comment=comment).count() == 2

"""What moderators do, through moderation.actions: each action and its audit record, bulk
actions, undo, sanctions, readers' reports hiding a comment, and featured comments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import states
from comments.errors import CommentError
from comments.models import Comment, CommentEvent, Report
from moderation import actions, queues, sanctions
from moderation.models import Sanction

State = Comment.State
Kind = CommentEvent.Kind


def last_event(comment: Comment) -> CommentEvent:
    return comment.events.order_by("-created_at", "-id").first()


# Each action, and its record ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "action", "end", "reason"),
    [
        ("held", "approve", State.APPROVED, ""),
        ("held", "reject", State.REJECTED, "Off topic."),
        ("held", "spam", State.SPAM, ""),
        ("published", "spam", State.SPAM, ""),
        ("published", "reject", State.REJECTED, ""),
        ("published", "remove", State.REMOVED, "Personal attack."),
    ],
)
def test_each_action_changes_the_state_and_records_the_moderator(
    request, start, action, end, reason, moderator
):
    comment = request.getfixturevalue(start)
    before = comment.state
    event = actions.moderate(
        comment=comment,
        action=action,
        moderator=moderator,
        expected_state=before,
        reason=reason,
        category="abuse",
    )
    comment.refresh_from_db()
    assert comment.state == end
    assert (event.actor, event.from_state, event.to_state, event.reason, event.kind) == (
        moderator,
        before,
        end,
        reason,
        Kind.STATE,
    )
    assert event.batch is not None
    assert last_event(comment) == event


@pytest.mark.parametrize("gone", [State.REJECTED, State.SPAM, State.REMOVED])
def test_restore_publishes_again_and_is_recorded(gone, published, moderator):
    action = {State.REJECTED: "reject", State.SPAM: "spam", State.REMOVED: "remove"}[gone]
    actions.moderate(
        comment=published, action=action, moderator=moderator, reason="Because.", category="other"
    )
    event = actions.moderate(
        comment=published, action="restore", moderator=moderator, expected_state=gone
    )
    published.refresh_from_db()
    assert published.state == State.APPROVED
    assert (event.actor, event.from_state, event.to_state) == (moderator, gone, State.APPROVED)


@pytest.mark.parametrize("action", ["reject", "remove"])
@pytest.mark.parametrize("category", ["", "not-on-the-list"])
def test_rejecting_or_removing_needs_a_reason_from_the_list(action, category, published, moderator):
    with pytest.raises(CommentError, match="Choose") as caught:
        actions.moderate(
            comment=published,
            action=action,
            category=category,
            moderator=moderator,
            reason="Words alone are not enough.",
        )
    assert caught.value.field == "category"
    published.refresh_from_db()
    assert published.state == State.APPROVED


def test_a_reason_from_the_list_with_optional_words_is_recorded(published, held, moderator):
    removed = actions.moderate(
        comment=published, action="remove", category="harassment", moderator=moderator
    )
    assert (removed.category, removed.reason) == ("harassment", "")
    spam = actions.moderate(comment=held, action="spam", moderator=moderator, reason="Ads.")
    assert (spam.category, spam.reason) == ("spam", "Ads.")  # spam says why by itself


def test_feature_and_unfeature_are_recorded_without_a_change_of_state(published, moderator):
    event = actions.moderate(comment=published, action="feature", moderator=moderator)
    published.refresh_from_db()
    assert published.is_featured
    assert published.featured_at is not None
    assert (event.kind, event.actor, event.from_state, event.to_state) == (
        Kind.FEATURE,
        moderator,
        State.APPROVED,
        State.APPROVED,
    )
    event = actions.moderate(comment=published, action="unfeature", moderator=moderator)
    published.refresh_from_db()
    assert not published.is_featured
    assert event.kind == Kind.UNFEATURE


def test_only_published_comments_are_featured(held, moderator):
    with pytest.raises(CommentError, match="Only published comments"):
        actions.moderate(comment=held, action="feature", moderator=moderator)
    assert not Comment.objects.get(pk=held.pk).is_featured


def test_an_action_that_does_not_apply_says_what_happened(held, moderator):
    actions.moderate(comment=held, action="reject", category="off_topic", moderator=moderator)
    with pytest.raises(CommentError, match=r"Already rejected by .* at \d\d:\d\d"):
        actions.moderate(comment=held, action="approve", moderator=moderator)


def test_readers_and_editors_cannot_use_the_service(held, reader, editor):
    for who in (reader, editor):
        with pytest.raises(CommentError, match="Only moderators"):
            actions.moderate(comment=held, action="approve", moderator=who)
    assert Comment.objects.get(pk=held.pk).state == State.PENDING


def test_the_audit_trail_reads_the_whole_story(held, moderator, second_moderator):
    actions.moderate(comment=held, action="approve", moderator=moderator)
    actions.moderate(comment=held, action="feature", moderator=second_moderator)
    actions.moderate(
        comment=held, action="remove", category="off_topic", moderator=moderator, reason="Doxxing."
    )
    trail = [
        (e.actor_name, e.kind, e.from_state, e.to_state, e.reason)
        for e in held.events.select_related("actor")
    ]
    assert trail == [
        (
            "system (first_comments)",
            Kind.STATE,
            "",
            State.PENDING,
            "Held: first comment by this reader",
        ),
        (moderator.public_name, Kind.STATE, State.PENDING, State.APPROVED, ""),
        ("Second Moderator", Kind.FEATURE, State.APPROVED, State.APPROVED, ""),
        (moderator.public_name, Kind.STATE, State.APPROVED, State.REMOVED, "Doxxing."),
    ]


# Bulk ---------------------------------------------------------------------------------------


def test_bulk_actions_do_what_applies_and_say_why_not_for_the_rest(
    make_user, post, moderator, published
):
    waiting = [post(make_user(), f"Waiting {n}.") for n in range(3)]
    result = actions.moderate_many(
        comments=[*waiting, published], action="reject", category="off_topic", moderator=moderator
    )
    assert {c.pk for c in result.done} == {c.pk for c in [*waiting, published]}
    result = actions.moderate_many(
        comments=[*waiting, published], action="approve", moderator=moderator
    )
    assert result.done == []
    assert len(result.refused) == 4
    assert all("Already rejected" in why for _, why in result.refused)
    assert len({e.batch for e in CommentEvent.objects.filter(to_state=State.REJECTED)}) == 1


# Undo -----------------------------------------------------------------------------------------


def test_undo_reverts_ones_last_action_and_records_it(held, moderator):
    approval = actions.moderate(comment=held, action="approve", moderator=moderator)
    result = actions.undo_last_action(moderator=moderator)
    held.refresh_from_db()
    assert held.state == State.PENDING
    assert result.undone == [approval]
    undo = last_event(held)
    assert (undo.actor, undo.from_state, undo.to_state, undo.undoes) == (
        moderator,
        State.APPROVED,
        State.PENDING,
        approval,
    )
    assert "Undo of approval" in undo.reason
    assert "Undone: approval of 1 comment" in result.message


def test_undo_walks_back_one_action_at_a_time_and_only_ones_own(
    held, published, moderator, second_moderator
):
    actions.moderate(comment=held, action="approve", moderator=moderator)
    actions.moderate(comment=published, action="feature", moderator=moderator)
    actions.moderate(comment=published, action="spam", moderator=second_moderator)
    # This moderator's latest action is the featuring (the spam is the other one's): undoing
    # it unfeatures the comment, whatever its state became since.
    actions.undo_last_action(moderator=moderator)
    published.refresh_from_db()
    assert not published.is_featured
    assert published.state == State.SPAM
    actions.undo_last_action(moderator=moderator)
    held.refresh_from_db()
    assert held.state == State.PENDING
    with pytest.raises(CommentError, match="no action to undo"):
        actions.undo_last_action(moderator=moderator)
    actions.undo_last_action(moderator=second_moderator)
    published.refresh_from_db()
    assert published.state == State.APPROVED


def test_undo_of_a_bulk_action_reverts_all_of_it(make_user, post, moderator):
    waiting = [post(make_user(), f"Waiting {n}.") for n in range(3)]
    actions.moderate_many(comments=waiting, action="spam", moderator=moderator)
    result = actions.undo_last_action(moderator=moderator)
    assert len(result.undone) == 3
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in waiting]).values_list("state", flat=True)
    ) == {State.PENDING}


def test_undo_leaves_what_another_moderator_changed_since(held, moderator, second_moderator):
    actions.moderate(comment=held, action="approve", moderator=moderator)
    actions.moderate(
        comment=held,
        action="remove",
        category="off_topic",
        moderator=second_moderator,
        reason="No.",
    )
    with pytest.raises(CommentError, match=r"can't be undone.*Already removed by Second Moderator"):
        actions.undo_last_action(moderator=moderator)
    held.refresh_from_db()
    assert held.state == State.REMOVED


def test_undo_of_a_removal_restores(published, moderator):
    actions.moderate(
        comment=published,
        action="remove",
        category="off_topic",
        moderator=moderator,
        reason="Rude.",
    )
    actions.undo_last_action(moderator=moderator)
    published.refresh_from_db()
    assert published.state == State.APPROVED


# Two moderators at once ----------------------------------------------------------------------


def test_the_second_moderator_is_told_what_the_first_did(held, moderator, second_moderator):
    """Both saw it pending; the first approves, the second's rejection changes nothing."""
    actions.moderate(
        comment=Comment.objects.get(pk=held.pk),
        action="approve",
        moderator=second_moderator,
        expected_state=State.PENDING,
    )
    stale = Comment.objects.get(pk=held.pk)
    with pytest.raises(CommentError) as caught:
        actions.moderate(
            comment=stale,
            action="reject",
            category="off_topic",
            moderator=moderator,
            expected_state=State.PENDING,
        )
    at = timezone.localtime(last_event(held).created_at).strftime("%H:%M")
    assert caught.value.message == f"Already approved by Second Moderator at {at}."
    assert caught.value.code == "conflict"
    held.refresh_from_db()
    assert held.state == State.APPROVED
    assert held.events.filter(actor__isnull=False).count() == 1


def test_featuring_twice_is_told_too(published, moderator, second_moderator):
    actions.moderate(comment=published, action="feature", moderator=second_moderator)
    with pytest.raises(CommentError, match="Already featured by Second Moderator"):
        actions.moderate(comment=published, action="feature", moderator=moderator)


# Reports ---------------------------------------------------------------------------------------


def test_reports_below_the_threshold_wait_in_the_reported_queue(
    settings, published, reporters, report
):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    report(published, reporters[0], "abuse")
    report(published, reporters[1], "spam")
    published.refresh_from_db()
    assert published.state == State.APPROVED

    (listed,) = queues.in_queue(queues.QUEUES["reported"])
    assert listed.open_report_count == 2
    assert queues.report_reasons(listed) == [
        ("Abusive, hateful or harassing", 1),
        ("Spam or advertising", 1),
    ]


def test_at_the_threshold_the_comment_is_hidden_until_a_moderator_decides(
    settings, published, reporters, report, moderator, client, piece_url
):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    for reporter in reporters[:3]:
        report(published, reporter, "abuse")
    published.refresh_from_db()
    assert published.state == State.PENDING
    assert published.held_reason == "Hidden: reported by 3 readers (threshold 3)"
    hide = last_event(published)
    assert (hide.actor, hide.rule, hide.from_state, hide.to_state) == (
        None,
        "report_threshold",
        State.APPROVED,
        State.PENDING,
    )
    assert "A published comment." not in client.get(piece_url).content.decode()

    # The moderator keeps it: published again, reports dealt with.
    approval = actions.moderate(
        comment=published, action="approve", moderator=moderator, expected_state=State.PENDING
    )
    published.refresh_from_db()
    assert published.state == State.APPROVED
    assert not Report.objects.filter(comment=published, resolution__isnull=True).exists()
    assert set(Report.objects.values_list("resolution", flat=True)) == {approval.pk}
    # One more report does not hide it again: the dealt-with ones don't count.
    report(published, reporters[3], "abuse")
    published.refresh_from_db()
    assert published.state == State.APPROVED


def test_approving_a_reported_published_comment_dismisses_the_reports(
    published, reporters, report, moderator
):
    report(published, reporters[0])
    event = actions.moderate(
        comment=published, action="approve", moderator=moderator, expected_state=State.APPROVED
    )
    assert (event.kind, event.actor) == (Kind.DISMISS, moderator)
    assert not Report.objects.filter(resolution__isnull=True).exists()
    actions.undo_last_action(moderator=moderator)
    assert Report.objects.filter(resolution__isnull=True).count() == 1  # open again


def test_undoing_a_decision_reopens_its_reports(settings, published, reporters, report, moderator):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    report(published, reporters[0])
    report(published, reporters[1])
    actions.moderate(comment=published, action="reject", category="off_topic", moderator=moderator)
    assert not Report.objects.filter(resolution__isnull=True).exists()
    actions.undo_last_action(moderator=moderator)
    published.refresh_from_db()
    assert published.state == State.PENDING  # hidden again, as before the decision
    assert Report.objects.filter(resolution__isnull=True).count() == 2


def test_a_threshold_of_zero_never_hides(settings, published, reporters, report):
    settings.COMMENTS_REPORT_THRESHOLD = 0
    for reporter in reporters:
        report(published, reporter)
    published.refresh_from_db()
    assert published.state == State.APPROVED


# Sanctions --------------------------------------------------------------------------------------


def test_suspending_records_who_why_and_until_when(reader, moderator):
    sanction = sanctions.suspend_commenter(
        user=reader, moderator=moderator, days=7, reason="Insults."
    )
    assert (sanction.kind, sanction.created_by, sanction.reason) == (
        Sanction.Kind.SUSPENSION,
        moderator,
        "Insults.",
    )
    assert abs(sanction.until - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert sanction.is_active()


@pytest.mark.parametrize("days", [0, -1, 99999, "soon"])
def test_a_suspension_needs_a_sensible_length_and_a_reason(days, reader, moderator):
    with pytest.raises(CommentError):
        sanctions.suspend_commenter(user=reader, moderator=moderator, days=days, reason="x")
    with pytest.raises(CommentError, match="reason"):
        sanctions.ban_commenter(user=reader, moderator=moderator, reason="  ")
    assert not Sanction.objects.exists()


def test_sanctioning_can_reject_everything_waiting_in_one_undoable_action(
    reader, post, approve, moderator, published
):
    first = post(reader, "Waiting one.")
    second = post(reader, "Waiting two.")
    kept = approve(post(reader, "Already published."))
    sanctions.ban_commenter(
        user=reader, moderator=moderator, reason="Spam network", reject_waiting=True
    )
    for comment in (first, second):
        comment.refresh_from_db()
        assert comment.state == State.REJECTED
        event = last_event(comment)
        assert event.actor == moderator
        assert event.reason == "Rejected with the author’s ban: Spam network"
    kept.refresh_from_db()
    assert kept.state == State.APPROVED  # published ones are judged one by one
    result = actions.undo_last_action(moderator=moderator)
    assert len(result.undone) == 2
    assert Sanction.objects.active().filter(user=reader).exists()  # lifting is separate


def test_lifting_a_sanction_is_recorded_and_happens_once(reader, moderator, second_moderator):
    ban = sanctions.ban_commenter(user=reader, moderator=moderator, reason="Abuse")
    sanctions.lift_sanction(sanction=ban, moderator=second_moderator)
    assert (ban.lifted_by, ban.is_active()) == (second_moderator, False)
    with pytest.raises(CommentError, match="already lifted"):
        sanctions.lift_sanction(sanction=ban, moderator=moderator)


def test_only_moderators_sanction_and_never_themselves(reader, editor, moderator):
    with pytest.raises(CommentError, match="Only moderators"):
        sanctions.ban_commenter(user=reader, moderator=editor, reason="No.")
    with pytest.raises(CommentError, match="yourself"):
        sanctions.ban_commenter(user=moderator, moderator=moderator, reason="Oops.")


# Featured comments on the piece ---------------------------------------------------------------


def test_featured_comments_show_first_under_the_prompt(
    client, trusted, second_trusted, post, moderator, piece_url
):
    early = post(trusted, "An early, ordinary comment.")
    picked = post(second_trusted, "A later comment, the editors' pick.")
    other = post(trusted, "Another pick, later still.")
    for comment in (other, picked):
        actions.moderate(comment=comment, action="feature", moderator=moderator)
    # The discussion itself (the page's structured data names its comments too, first).
    page = client.get(piece_url).content.decode().split('id="discussion"')[1]
    prompt = page.index("Is this axis here to stay?")
    picks = page.index("Editors’ picks")
    assert prompt < picks < page.index(early.body)
    section = page[picks : page.index('id="comment-form"')]
    # The picks in the order they were written, each linking to its place in the thread.
    assert section.index(picked.body) < section.index(other.body)
    assert picked.get_absolute_url() in section
    assert early.body not in section
    # In the thread, the picks keep their place, marked.
    assert page.count(f'id="comment-{picked.pk}"') == 1
    assert "Editors’ pick</span>" in page


def test_a_featured_comment_that_leaves_is_no_pick(client, published, moderator, piece_url):
    actions.moderate(comment=published, action="feature", moderator=moderator)
    actions.moderate(
        comment=published,
        action="remove",
        category="off_topic",
        moderator=moderator,
        reason="Leak.",
    )
    assert "Editors’ picks" not in client.get(piece_url).content.decode()


def test_every_change_readers_see_is_signalled_for_the_page_cache(
    published, held, reporters, report, moderator, settings
):
    from comments.signals import discussion_changed

    seen = []

    def receiver(sender, target_id, **kwargs):
        seen.append(target_id)

    discussion_changed.connect(receiver)
    try:
        actions.moderate(comment=published, action="feature", moderator=moderator)
        actions.moderate(comment=published, action="unfeature", moderator=moderator)
        actions.moderate(comment=held, action="approve", moderator=moderator)
        actions.undo_last_action(moderator=moderator)
        settings.COMMENTS_REPORT_THRESHOLD = 1
        report(published, reporters[0])  # hidden
        sanctions.ban_commenter(
            user=held.author, moderator=moderator, reason="x", reject_waiting=True
        )
    finally:
        discussion_changed.disconnect(receiver)
    assert seen == [published.target_id] * 6


def test_services_set_featured_refuses_a_comment_not_featured(published, moderator):
    with pytest.raises(CommentError, match="not featured"):
        states.set_featured(comment=published, featured=False, actor=moderator)


def test_a_partly_undone_action_is_done_with(make_user, post, moderator, second_moderator):
    first, second = (post(make_user(), f"Waiting {n}.") for n in range(2))
    earlier = post(make_user(), "Decided earlier.")
    actions.moderate(comment=earlier, action="reject", category="off_topic", moderator=moderator)
    actions.moderate_many(comments=[first, second], action="approve", moderator=moderator)
    actions.moderate(
        comment=second,
        action="remove",
        category="off_topic",
        moderator=second_moderator,
        reason="x",
    )
    result = actions.undo_last_action(moderator=moderator)
    assert [event.comment_id for event in result.undone] == [first.pk]
    assert [event.comment_id for event, _ in result.refused] == [second.pk]
    assert "Not undone, because they changed since" in result.message
    # The next undo reaches the action before, not the refused part again.
    actions.undo_last_action(moderator=moderator)
    earlier.refresh_from_db()
    assert earlier.state == State.PENDING


def test_a_reason_has_a_limit_and_is_kept_whole_below_it(published, moderator):
    with pytest.raises(CommentError, match="the limit is 1000") as caught:
        actions.moderate(
            comment=published,
            action="remove",
            category="off_topic",
            moderator=moderator,
            reason="x" * 1001,
        )
    assert caught.value.field == "reason"
    event = actions.moderate(
        comment=published,
        action="remove",
        category="off_topic",
        moderator=moderator,
        reason="  Off\ntopic.  ",
    )
    assert event.reason == "Off topic."

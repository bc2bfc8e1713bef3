"""Near-duplicate comments grouped in the queue (moderation.groups), and a group decided
with one action (moderation.actions.moderate_many, the states the moderator saw) that one
undo reverts whole."""

import pytest

from comments.models import Comment, CommentEvent
from moderation import actions, groups, queues

State = Comment.State

SAME = (
    "Sanctions never work against a regime that trades freely with all of its neighbours, "
    "as history shows us again and again."
)
# The same, a few words changed: 73% of its three-word shingles in common.
NEARLY = (
    "Sanctions never work against a regime that trades freely with all of its neighbours, "
    "as history shows us time and again!"
)
# The same once folded (case, accents, punctuation).
FOLDED = (
    "Sanctions NEVER work against a régime that trades freely with all of its neighbours; "
    "as history shows us again and again."
)
OTHER = "Buy cheap watches at the best prices online today, free shipping on every order."
OTHER_TOO = "The piece underrates how much Laos depends on Chinese credit for its railway."


def _cluster(anchors, others=None, threshold=0.6, min_chars=40):
    return groups.cluster(
        anchors=dict(enumerate(anchors, 1)),
        others={100 + n: body for n, body in enumerate(others or [])},
        threshold=threshold,
        min_chars=min_chars,
    )


# Which texts are near-duplicates -------------------------------------------------------


def test_near_duplicates_are_grouped_and_unrelated_texts_are_not():
    assert _cluster([SAME, OTHER, NEARLY, OTHER_TOO, FOLDED]) == [[1, 3, 5]]


def test_the_repeat_rules_threshold_decides():
    assert _cluster([SAME, NEARLY], threshold=0.7) == [[1, 2]]
    assert _cluster([SAME, NEARLY], threshold=0.75) == []


def test_short_texts_are_grouped_only_when_identical_once_folded():
    assert _cluster(["I agree!", "Spam spam", "i AGREE", "I agree, mostly."]) == [[1, 3]]
    assert _cluster(["!!!", "!!!"]) == []  # no words: nothing to compare


def test_comments_beyond_the_page_join_a_group_of_the_pages_never_one_of_their_own():
    found = _cluster([SAME, OTHER_TOO], others=[OTHER, NEARLY, OTHER, FOLDED])
    assert found == [[1, 101, 103]]  # the two copies of OTHER beyond the page stay apart


def test_a_comment_beyond_the_page_can_join_two_of_its_groups():
    bridge = SAME.replace("again and again", "again")
    assert _cluster([SAME, NEARLY], threshold=0.8, others=[bridge]) == [[1, 2, 100]]


# In the queue --------------------------------------------------------------------------


@pytest.fixture
def waiting(make_user, post, other_piece):
    """Pending comments by new readers: three near-duplicates on two pieces, two others."""
    return [
        post(make_user(display_name="Ana"), SAME),
        post(make_user(display_name="Ben"), OTHER),
        post(make_user(display_name="Cy"), NEARLY, target=other_piece),
        post(make_user(display_name="Di"), OTHER_TOO),
        post(make_user(display_name="Ed"), FOLDED),
    ]


def _page(queue="pending", size=20):
    current = queues.QUEUES[queue]
    return current, list(queues.in_queue(current)[:size])


def test_near_duplicates_by_other_readers_on_other_pieces_are_one_group(waiting):
    assert all(comment.state == State.PENDING for comment in waiting)
    queue, page = _page()
    [group] = groups.near_duplicates(page=page, queue=queue)
    assert [c.pk for c in group.members] == [waiting[0].pk, waiting[2].pk, waiting[4].pk]
    assert (group.on_page, group.beyond_page, group.key) == (3, 0, waiting[0].pk)
    assert len({c.author_id for c in group.members}) == 3
    assert len({c.target_id for c in group.members}) == 2
    entries = groups.arrange(page=page, groups=[group])
    assert entries == [group, waiting[1], waiting[3]]  # in the place of its first member


def test_members_beyond_the_page_are_found_among_the_newest_waiting(waiting):
    queue, page = _page(size=2)  # SAME and OTHER on this page
    [group] = groups.near_duplicates(page=page, queue=queue)
    assert [c.pk for c in group.members] == [waiting[0].pk, waiting[2].pk, waiting[4].pk]
    assert (group.on_page, group.beyond_page) == (1, 2)
    # Loaded with what a moderator reads beside each, like the page's own.
    assert hasattr(group.members[1], "author_published")
    # Bounded: only the `scan` newest beyond the page are compared.
    [group] = groups.near_duplicates(page=page, queue=queue, scan=1)
    assert [c.pk for c in group.members] == [waiting[0].pk, waiting[4].pk]


def test_only_comments_of_the_same_queue_are_grouped(waiting, moderator):
    actions.moderate(comment=waiting[2], action="approve", moderator=moderator)
    queue, page = _page()
    [group] = groups.near_duplicates(page=page, queue=queue)
    assert [c.pk for c in group.members] == [waiting[0].pk, waiting[4].pk]
    published, page = _page("published")
    assert groups.near_duplicates(page=page, queue=published) == []  # not grouped there


def test_the_reported_queue_groups_too(
    settings, trusted, second_trusted, post, approve, reporters, report
):
    settings.COMMENTS_REPORT_THRESHOLD = 0
    copies = [post(trusted, SAME), approve(post(second_trusted, NEARLY))]  # held: a repeat
    for comment in copies:
        report(comment, reporters[0])
    queue, page = _page("reported")
    [group] = groups.near_duplicates(page=page, queue=queue)
    assert {c.pk for c in group.members} == {c.pk for c in copies}


# Deciding a group -----------------------------------------------------------------------


def test_a_group_is_decided_as_seen_in_one_batch_and_undone_whole(
    waiting, moderator, second_moderator
):
    members = [waiting[0], waiting[2], waiting[4]]
    seen = {c.pk: c.state for c in members}
    # Meanwhile another moderator approved one of them.
    actions.moderate(comment=waiting[4], action="approve", moderator=second_moderator)
    result = actions.moderate_many(
        comments=members,
        action="reject",
        category="spam",
        moderator=moderator,
        expected_states=seen,
    )
    assert [c.pk for c in result.done] == [waiting[0].pk, waiting[2].pk]
    [(changed, why)] = result.refused
    assert changed.pk == waiting[4].pk
    assert why.startswith("Already approved by Second Moderator")
    rejections = CommentEvent.objects.filter(actor=moderator, to_state=State.REJECTED)
    assert {e.batch for e in rejections} == {result.batch}
    assert rejections.count() == 2

    undone = actions.undo_last_action(moderator=moderator)
    assert len(undone.undone) == 2
    states = dict(Comment.objects.filter(pk__in=seen).values_list("pk", "state"))
    assert states == {
        waiting[0].pk: State.PENDING,
        waiting[2].pk: State.PENDING,
        waiting[4].pk: State.APPROVED,
    }

"""A suspended or banned reader: every write they could make is refused (recommend,
un-recommend, report, edit, their public name), they are told why and until when before
they type (the comment box and the profile form), and they may still take their own
comment back (withdraw) and manage their mail."""

import html

import pytest
from django.urls import reverse

from comments import recommendations
from comments.errors import CommentError
from comments.models import Comment, Recommendation, Report
from moderation import sanctions


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(params=["suspension", "ban"])
def sanctioned(request, make_trusted, moderator):
    """A trusted reader (so their comments publish), then sanctioned, with `.sanction`."""
    user = make_trusted("sanctioned@example.com", display_name="Old Name")
    if request.param == "suspension":
        user.sanction = sanctions.suspend_commenter(
            user=user, moderator=moderator, days=7, reason="Insults in the thread"
        )
    else:
        user.sanction = sanctions.ban_commenter(
            user=user, moderator=moderator, reason="A spam network"
        )
    return user


@pytest.fixture
def others_comment(trusted, post):
    return post(trusted, "Someone else's published comment.")


def _told(text: str, sanction) -> None:
    assert sanction.reason in text
    if sanction.until is not None:
        assert "suspended" in text
        assert str(sanction.until.year) in text  # until when
    else:
        assert "banned" in text


def test_recommending_and_taking_it_back_are_refused(client, sanctioned, others_comment):
    Recommendation.objects.create(comment=others_comment, user=sanctioned)  # from before
    client.force_login(sanctioned)
    url = reverse("comments:recommend", args=[others_comment.pk])
    client.post(url, {"undo": "1"})
    assert Recommendation.objects.filter(user=sanctioned).count() == 1
    Recommendation.objects.all().delete()
    response = client.post(url, follow=True)
    assert not Recommendation.objects.filter(user=sanctioned).exists()
    _told(_text(response), sanctioned.sanction)


def test_the_services_refuse_them_too(sanctioned, others_comment):
    with pytest.raises(CommentError):
        recommendations.recommend_comment(comment=others_comment, user=sanctioned)
    Recommendation.objects.create(comment=others_comment, user=sanctioned)
    with pytest.raises(CommentError):
        recommendations.unrecommend_comment(comment=others_comment, user=sanctioned)
    assert Recommendation.objects.filter(user=sanctioned).count() == 1


def test_reporting_is_refused(client, sanctioned, others_comment):
    client.force_login(sanctioned)
    form = client.get(reverse("comments:report", args=[others_comment.pk]))
    _told(_text(form), sanctioned.sanction)
    assert "Send report" not in _text(form)  # told before they type
    response = client.post(
        reverse("comments:report", args=[others_comment.pk]), {"reason": "abuse"}, follow=True
    )
    assert not Report.objects.exists()
    _told(_text(response), sanctioned.sanction)


def test_editing_is_refused_and_withdrawing_is_not(client, sanctioned):
    own = Comment.objects.get(author=sanctioned)  # published before the sanction
    client.force_login(sanctioned)
    client.post(reverse("comments:edit", args=[own.pk]), {"body": "Rewritten after the ban."})
    own.refresh_from_db()
    assert own.body != "Rewritten after the ban."
    client.post(reverse("comments:withdraw", args=[own.pk]))
    own.refresh_from_db()
    assert own.state == Comment.State.WITHDRAWN  # taking one's words back is always allowed


def test_their_public_name_cannot_change(client, sanctioned):
    client.force_login(sanctioned)
    page = client.get(reverse("accounts:profile"))
    _told(_text(page), sanctioned.sanction)
    assert "You can't change your display name" in _text(page)
    client.post(reverse("accounts:profile"), {"display_name": "New Name", "notify_on_reply": "on"})
    sanctioned.refresh_from_db()
    assert sanctioned.display_name == "Old Name"
    assert sanctioned.notify_on_reply is True  # their mail is still theirs to manage


def test_the_piece_tells_them_before_they_type(client, sanctioned, piece, others_comment):
    client.force_login(sanctioned)
    page = _text(client.get(piece.get_absolute_url()))
    _told(page, sanctioned.sanction)
    assert 'id="comment-body"' not in page  # no box to type into
    assert "Post comment" not in page
    assert reverse("comments:recommend", args=[others_comment.pk]) not in page
    assert reverse("comments:report", args=[others_comment.pk]) not in page


def test_a_lifted_sanction_gives_everything_back(
    client, sanctioned, moderator, piece, others_comment
):
    sanctions.lift_sanction(sanction=sanctioned.sanction, moderator=moderator)
    client.force_login(sanctioned)
    page = _text(client.get(piece.get_absolute_url()))
    assert 'id="comment-body"' in page
    client.post(reverse("comments:recommend", args=[others_comment.pk]))
    assert Recommendation.objects.filter(user=sanctioned).exists()
    client.post(reverse("accounts:profile"), {"display_name": "New Name"})
    sanctioned.refresh_from_db()
    assert sanctioned.display_name == "New Name"

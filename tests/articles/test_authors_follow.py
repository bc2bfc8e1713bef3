"""Authors who opt in follow their pieces' discussions as readers do: the same mail, the
same one-click stop for a piece, set by an editor in the admin."""

import pytest
from django.urls import reverse

from comments import follows
from comments.models import Follow


@pytest.fixture
def writer(make_user, make_author):
    account = make_user("writer@example.com", display_name="Wen Writer")
    return make_author("Wen Writer", account=account)


def test_an_editor_opts_an_author_in_and_their_pieces_are_followed(
    client, editor, writer, make_article, admin_post
):
    old_piece = make_article(authors=[writer])
    client.force_login(editor)
    url = reverse("admin:articles_author_change", args=[writer.pk])
    response = admin_post(client, url, follows_discussions=Follow.Mode.DAILY)
    assert response.status_code == 302
    followed = Follow.objects.get(user=writer.account)
    assert (followed.target_id, followed.mode) == (old_piece.pk, Follow.Mode.DAILY)

    new_piece = make_article(authors=[writer])  # a new piece of theirs: followed at once
    assert set(Follow.objects.values_list("target_id", flat=True)) == {old_piece.pk, new_piece.pk}


def test_an_author_who_stopped_a_piece_is_not_followed_again_by_an_unrelated_edit(
    client, editor, writer, make_article, admin_post
):
    writer.follows_discussions = Follow.Mode.EACH
    writer.save()
    piece = make_article(authors=[writer])
    assert Follow.objects.filter(user=writer.account, target_id=piece.pk).exists()
    follows.unsubscribe(
        follows.read_unsubscribe_token(follows.unsubscribe_token(user=writer.account, target=piece))
    )
    client.force_login(editor)
    admin_post(client, reverse("admin:articles_author_change", args=[writer.pk]), bio="New bio.")
    assert not Follow.objects.exists()


def test_without_a_sign_in_or_the_choice_nobody_follows(make_author, make_article):
    make_article(authors=[make_author(follows_discussions=Follow.Mode.EACH)])  # no account
    assert not Follow.objects.exists()

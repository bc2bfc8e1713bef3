"""The editor never loses work: a save from a form opened before someone else's save is
stopped, with who saved, when and what differs, until the editor chooses to replace their
changes; and what an editor types is autosaved as their draft, offered back in a later
session, never shown to readers, and gone once they save."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleDraft
from core.roles import EDITORS
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece(make_article, make_topic):
    """A draft two editors work on (a published piece's edits also ask what they are:
    test_corrections.py)."""
    return make_article(
        "Original headline",
        body="First line.\n\nSecond line.",
        topics=[make_topic("Laos")],
        status=Article.Status.DRAFT,
    )


@pytest.fixture
def colleague(make_user):
    return make_user(
        "colleague@example.com", groups=[EDITORS], is_staff=True, display_name="Alex Colleague"
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_a_save_from_a_form_opened_before_someone_elses_is_stopped_with_what_differs(
    editor, colleague, piece
):
    mine, theirs = signed_in(editor), signed_in(colleague)
    my_form, their_form = mine.get(change_url(piece)), theirs.get(change_url(piece))
    saved = theirs.post(change_url(piece), admin_form_data(their_form, title="Their headline"))
    assert saved.status_code == 302

    mine_data = admin_form_data(my_form, body="First line.\n\nMy <em>better</em> second line.")
    response = mine.post(change_url(piece), mine_data)
    assert response.status_code == 200  # refused, the form shown again
    piece.refresh_from_db()
    assert (piece.title, piece.body) == ("Their headline", "First line.\n\nSecond line.")
    html = response.content.decode()
    assert re.search(r"Alex Colleague saved this piece at \d+ \w+, \d\d:\d\d, after you", html)
    form = response.context["adminform"].form
    assert form["body"].value() == "First line.\n\nMy <em>better</em> second line."  # kept
    # What differs, theirs beside mine, escaped: their headline against the one I still had.
    differences = {d.label: d.changes for d in form.conflict.differences}
    assert set(differences) == {"Title", "Body"}
    assert (differences["Title"][0].theirs, differences["Title"][0].yours) == (
        "Their headline",
        "Original headline",
    )
    assert (differences["Body"][0].theirs, differences["Body"][0].yours) == (
        "Second line.",
        "My <em>better</em> second line.",
    )
    assert "<ins>My &lt;em&gt;better&lt;/em&gt; second line.</ins>" in html
    assert "<del>Second line.</del>" in html
    assert '<th scope="col">Saved by Alex Colleague</th>' in html
    assert "Save mine anyway, replacing their changes" in html

    # Ticking the box (its value: the version I have now seen) saves mine over theirs.
    overwrite = mine.post(
        change_url(piece), {**mine_data, "replace_version": str(form.conflict.version)}
    )
    assert overwrite.status_code == 302
    piece.refresh_from_db()
    assert (piece.title, piece.body) == (
        "Original headline",
        "First line.\n\nMy <em>better</em> second line.",
    )


def test_replacing_one_version_does_not_replace_a_save_made_after_it(editor, colleague, piece):
    mine, theirs = signed_in(editor), signed_in(colleague)
    my_data = admin_form_data(mine.get(change_url(piece)), title="Mine")
    theirs.post(change_url(piece), admin_form_data(theirs.get(change_url(piece)), title="One"))
    seen = mine.post(change_url(piece), my_data).context["adminform"].form.conflict.version
    theirs.post(change_url(piece), admin_form_data(theirs.get(change_url(piece)), title="Two"))

    response = mine.post(change_url(piece), {**my_data, "replace_version": str(seen)})
    assert response.status_code == 200
    assert response.context["adminform"].form.conflict.version == seen + 1
    piece.refresh_from_db()
    assert piece.title == "Two"


def test_every_save_counts_and_a_revert_never_brings_an_old_number_back(
    editor, colleague, piece, admin_post
):
    assert piece.version == 1
    client = signed_in(editor)
    admin_post(client, change_url(piece), title="Second")
    admin_post(client, change_url(piece), title="Third")
    piece.refresh_from_db()
    assert piece.version == 3
    opened_before_the_revert = admin_form_data(signed_in(colleague).get(change_url(piece)))

    second = Version.objects.get_for_object(piece).last()  # stored at version 2
    revert_url = reverse("admin:articles_article_revision", args=[piece.pk, second.pk])
    assert admin_post(client, revert_url).status_code == 302  # no lock in the way
    piece.refresh_from_db()
    assert piece.title == "Second"
    assert piece.version > 3

    response = signed_in(colleague).post(change_url(piece), opened_before_the_revert)
    assert response.status_code == 200
    assert response.context["adminform"].form.conflict is not None


# Autosave ----------------------------------------------------------------------------------


def autosave(client, url: str, page, **changes):
    """What admin-autosave.js sends: the form as it stands, to the page's autosave URL."""
    return client.post(url, admin_form_data(page, **changes))


def test_a_draft_is_offered_in_a_new_session_and_restores_what_was_typed(editor, piece, make_topic):
    sanctions = make_topic("Sanctions")
    first_session = signed_in(editor)
    page = first_session.get(change_url(piece))
    response = autosave(
        first_session,
        reverse("admin:articles_article_autosave", args=[piece.pk]),
        page,
        title="Typed headline",
        body="Typed *body*,\n\nwith <b>markup</b> kept as typed.",
        comments_open=False,
        topics=[str(sanctions.pk)],
    )
    assert response.status_code == 200
    assert re.fullmatch(r"Draft saved \d\d:\d\d", response.json()["status"])
    piece.refresh_from_db()
    assert piece.title == "Original headline"  # a draft, not a save

    later = signed_in(editor)  # the tab closed; a new sign-in
    offer = later.get(change_url(piece)).content.decode()
    assert re.search(r"You have unsaved changes from \d+ \w+, \d\d:\d\d\.", offer)
    assert f'href="{change_url(piece)}?restore_draft=1"' in offer
    restored = later.get(change_url(piece), {"restore_draft": "1"})
    form = restored.context["adminform"].form
    assert form["title"].value() == "Typed headline"
    assert form["body"].value() == "Typed *body*,\n\nwith <b>markup</b> kept as typed."
    assert form["comments_open"].value() is False
    assert [str(pk) for pk in form["topics"].value()] == [str(sanctions.pk)]
    assert "Your unsaved changes are restored below" in restored.content.decode()

    # Saving the restored form saves the piece and deletes the draft.
    assert later.post(change_url(piece), admin_form_data(restored)).status_code == 302
    piece.refresh_from_db()
    assert piece.title == "Typed headline"
    assert not piece.comments_open
    assert list(piece.topics.all()) == [sanctions]
    assert not ArticleDraft.objects.exists()
    assert "You have unsaved changes" not in later.get(change_url(piece)).content.decode()


def test_a_draft_is_never_published_nor_offered_to_anyone_else(editor, colleague, client, piece):
    piece.status = Article.Status.PUBLISHED
    piece.save()
    mine = signed_in(editor)
    url = reverse("admin:articles_article_autosave", args=[piece.pk])
    autosave(mine, url, mine.get(change_url(piece)), body="Secret unsaved zebra.")
    assert "zebra" not in client.get(piece.get_absolute_url()).content.decode()
    preview = reverse("articles:preview", kwargs={"slug": piece.slug})
    assert "zebra" not in mine.get(preview).content.decode()
    assert (
        "You have unsaved changes"
        not in signed_in(colleague).get(change_url(piece)).content.decode()
    )


def test_a_draft_typed_before_someone_elses_save_restores_into_the_conflict(
    editor, colleague, piece
):
    mine, theirs = signed_in(editor), signed_in(colleague)
    url = reverse("admin:articles_article_autosave", args=[piece.pk])
    autosave(mine, url, mine.get(change_url(piece)), body="My unsaved body.")
    theirs.post(change_url(piece), admin_form_data(theirs.get(change_url(piece)), title="Theirs"))

    later = signed_in(editor)
    assert "saved by someone else since you typed them" in (
        later.get(change_url(piece)).content.decode()
    )
    restored = later.get(change_url(piece), {"restore_draft": "1"})
    response = later.post(change_url(piece), admin_form_data(restored))
    assert response.status_code == 200  # their save is not replaced unseen
    assert "Alex Colleague saved this piece" in response.content.decode()
    piece.refresh_from_db()
    assert piece.title == "Theirs"


def test_a_new_piece_has_its_draft_too_and_discarding_forgets_it(editor):
    client = signed_in(editor)
    add_url = reverse("admin:articles_article_add")
    page = client.get(add_url)
    autosave_url = reverse("admin:articles_article_autosave")
    assert autosave(client, autosave_url, page, title="Not saved yet").status_code == 200
    assert autosave(client, autosave_url, page, title="Not saved yet, longer").status_code == 200
    assert ArticleDraft.objects.get(article=None).fields["title"] == "Not saved yet, longer"

    assert "You have unsaved changes" in signed_in(editor).get(add_url).content.decode()
    restored = client.get(add_url, {"restore_draft": "1"})
    assert restored.context["adminform"].form["title"].value() == "Not saved yet, longer"

    response = client.post(reverse("admin:articles_article_discard_draft"))
    assert response.status_code == 302
    assert not ArticleDraft.objects.exists()
    assert "You have unsaved changes" not in client.get(add_url).content.decode()


def test_saving_a_new_piece_deletes_its_draft(editor):
    client = signed_in(editor)
    add_url = reverse("admin:articles_article_add")
    page = client.get(add_url)
    autosave(client, reverse("admin:articles_article_autosave"), page, title="Fresh")
    data = admin_form_data(
        page, title="Fresh", slug="fresh", standfirst="Short.", body="Text.", kind="analysis"
    )
    assert client.post(add_url, data).status_code == 302
    assert Article.objects.filter(slug="fresh").exists()
    assert not ArticleDraft.objects.exists()


def test_only_those_who_may_change_the_piece_autosave_it(moderator, editor, piece):
    url = reverse("admin:articles_article_autosave", args=[piece.pk])
    page = signed_in(editor).get(change_url(piece))
    assert autosave(signed_in(moderator), url, page).status_code == 403
    assert signed_in(editor).get(url).status_code == 405
    missing = reverse("admin:articles_article_autosave", args=[piece.pk + 1000])
    assert autosave(signed_in(editor), missing, page).status_code == 404
    assert not ArticleDraft.objects.exists()

"""Staff preview drafts; readers get 404. Editors have exactly the permissions they need."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article
from core.roles import EDITORS, MODERATORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_article):
    return make_article("Draft for preview", slug="draft-preview", status=Article.Status.DRAFT)


def preview_url(article: Article) -> str:
    return reverse("articles:preview", kwargs={"slug": article.slug})


def test_editor_previews_a_draft_as_readers_will_see_it(client, editor, draft):
    client.force_login(editor)
    response = client.get(preview_url(draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft for preview" in body
    assert "this draft is not published" in body
    assert '<meta name="robots" content="noindex">' in body
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_readers_get_404_for_a_draft_and_its_preview(client, reader, draft, who):
    if who == "reader":
        client.force_login(reader)
    assert client.get(preview_url(draft)).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_admin_view_on_site_goes_to_the_preview_for_unpublished_pieces(client, editor, draft):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert preview_url(draft) in response.content.decode()


def test_editors_have_exactly_their_permissions():
    editors = Group.objects.get(name=EDITORS)
    article_perms = set(
        editors.permissions.filter(content_type__app_label="articles").values_list(
            "codename", flat=True
        )
    )
    assert article_perms == {
        "view_article", "add_article", "change_article", "publish_article",
        "view_topic", "add_topic", "change_topic",
        "view_author", "add_author", "change_author",
        "view_relatedguide", "add_relatedguide", "change_relatedguide", "delete_relatedguide",
        "view_correction", "add_correction", "change_correction",  # never deleted: on record
    }  # fmt: skip
    all_codenames = set(editors.permissions.values_list("codename", flat=True))
    assert "delete_article" not in all_codenames
    assert not any(code.endswith("_comment") and code != "view_comment" for code in all_codenames)


def test_editor_can_write_in_admin_but_not_delete_pieces(client, editor, make_article):
    piece = make_article()
    client.force_login(editor)
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
    assert client.get(reverse("admin:articles_article_delete", args=[piece.pk])).status_code == 403


def test_moderators_cannot_edit_pieces(client, moderator, make_article):
    piece = make_article()
    client.force_login(moderator)
    assert Group.objects.filter(name=MODERATORS).exists()
    assert client.get(reverse("admin:articles_article_change", args=[piece.pk])).status_code == 403
    assert client.get(reverse("admin:articles_article_add")).status_code == 403


def test_readers_cannot_reach_the_admin(client, reader):
    client.force_login(reader)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:articles_article_changelist") not in response.content.decode()

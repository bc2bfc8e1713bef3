"""Editors' tools in the admin: lists, filters, search, autocomplete and revision history."""

from datetime import timedelta

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece(make_article, make_topic, make_author):
    return make_article(
        "Original headline", topics=[make_topic("Laos")], authors=[make_author("Kim Writer")]
    )


def test_changelist_filters_and_search(client, editor, piece, make_article):
    make_article("A draft about Vietnam", status=Article.Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    assert "A draft about Vietnam" in client.get(url, {"status__exact": "draft"}).content.decode()
    assert "Original headline" not in client.get(url, {"status__exact": "draft"}).content.decode()
    assert "Original headline" in client.get(url, {"q": "original"}).content.decode()
    html = client.get(url).content.decode()
    for label in ("By status", "By kind", "By topics", "By authors"):
        assert label in html


def test_autocomplete_offers_only_guides_as_related_guides(client, editor, piece, make_article):
    make_article("Handy guide", kind=Article.Kind.GUIDE)
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "relatedguide",
            "field_name": "guide",
            "term": "",
        },
    )
    titles = [result["text"] for result in response.json()["results"]]
    assert titles == ["Handy guide"]


def test_editor_creates_a_piece_with_prepopulated_slug_field(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'id="django-admin-prepopulated-fields-constants"' in html
    assert "&quot;#id_slug&quot;" in html
    assert 'name="body_html"' not in html  # the rendered HTML is never edited by hand


def test_revision_history_restores_an_earlier_version(client, editor, piece, admin_post):
    client.force_login(editor)
    change_url = reverse("admin:articles_article_change", args=[piece.pk])
    # A published piece: each text change says what it is (test_corrections.py).
    typo = {"change_kind": "typo"}
    assert admin_post(client, change_url, body="First edited body.", **typo).status_code == 302
    assert admin_post(client, change_url, title="Second headline", **typo).status_code == 302
    piece.refresh_from_db()
    assert piece.title == "Second headline"

    versions = Version.objects.get_for_object(piece)
    assert versions.count() == 2
    earliest = versions.last()  # newest first
    history = client.get(reverse("admin:articles_article_history", args=[piece.pk]))
    assert history.status_code == 200
    assert f'href="{reverse("admin:articles_article_revision", args=[piece.pk, earliest.pk])}"' in (
        history.content.decode()
    )

    revert_url = reverse("admin:articles_article_revision", args=[piece.pk, earliest.pk])
    assert admin_post(client, revert_url).status_code == 302
    piece.refresh_from_db()
    assert piece.title == "Original headline"
    assert piece.body == "First edited body."
    assert "First edited body." in piece.body_html  # restored text is rendered again


def test_reverting_restores_the_related_guides_too(client, editor, piece, make_article, admin_post):
    guide = make_article("Kept guide", kind=Article.Kind.GUIDE)
    piece.guide_links.create(guide=guide, position=0)
    client.force_login(editor)
    change_url = reverse("admin:articles_article_change", args=[piece.pk])
    admin_post(client, change_url, body="With a guide.", change_kind="typo")  # version 1: with it
    admin_post(client, change_url, **{"guide_links-0-DELETE": "on"})  # version 2: without
    assert not piece.guide_links.exists()
    with_guide = Version.objects.get_for_object(piece).last()
    revert_url = reverse("admin:articles_article_revision", args=[piece.pk, with_guide.pk])
    admin_post(client, revert_url)
    assert list(piece.guide_links.values_list("guide__title", flat=True)) == ["Kept guide"]
    assert reversion.is_registered(Article)


def test_reverting_restores_the_text_and_keeps_the_pieces_state(
    client, editor, make_article, admin_post
):
    """A revert brings back words, not the past: a published piece reverted to a version
    from its draft days stays published, at the time it was published."""
    piece = make_article("Draft headline", status=Article.Status.DRAFT, body="Draft body.")
    client.force_login(editor)
    change_url = reverse("admin:articles_article_change", args=[piece.pk])
    assert admin_post(client, change_url, body="Body before publishing.").status_code == 302
    draft_days = Version.objects.get_for_object(piece).first()
    published_at = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    Article.objects.filter(pk=piece.pk).update(
        status=Article.Status.PUBLISHED, publish_at=published_at
    )
    typo = {"change_kind": "typo"}
    assert admin_post(client, change_url, body="Body as published.", **typo).status_code == 302
    revert_url = reverse("admin:articles_article_revision", args=[piece.pk, draft_days.pk])
    assert admin_post(client, revert_url, **typo).status_code == 302
    piece.refresh_from_db()
    assert piece.body == "Body before publishing."
    assert piece.status == Article.Status.PUBLISHED
    assert piece.publish_at == published_at

"""A link to a piece readers cannot see renders as plain text, and the editor is warned."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def linking_pieces(make_article):
    target = make_article("Upcoming guide", slug="upcoming-guide", status=Article.Status.DRAFT)
    source = make_article(
        "Source",
        slug="source",
        body="Read [the upcoming guide](/articles/upcoming-guide/) and [elsewhere](https://example.org/).",
    )
    return source, target


def test_internal_links_are_recorded_on_save(linking_pieces):
    source, _ = linking_pieces
    assert source.linked_slugs == ["upcoming-guide"]


def test_link_to_unpublished_piece_shows_plain_text(client, linking_pieces):
    source, _ = linking_pieces
    body = client.get(source.get_absolute_url()).content.decode()
    assert "the upcoming guide" in body
    assert '/articles/upcoming-guide/"' not in body
    assert 'href="https://example.org/"' in body


def test_link_works_once_the_target_is_published(client, linking_pieces):
    source, target = linking_pieces
    target.status = Article.Status.PUBLISHED
    target.save()
    body = client.get(source.get_absolute_url()).content.decode()
    assert '<a href="http://testserver/articles/upcoming-guide/">the upcoming guide</a>' in body


def test_admin_warns_the_editor_about_links_readers_cannot_follow(
    client, editor, linking_pieces, admin_post
):
    source, _ = linking_pieces
    client.force_login(editor)
    response = admin_post(client, reverse("admin:articles_article_change", args=[source.pk]))
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("/articles/upcoming-guide/" in w and "cannot see" in w for w in warnings)


def test_a_link_by_the_sites_full_address_is_an_internal_link_too(
    client, settings, make_article, linking_pieces
):
    settings.SITE_URL = "https://meridian.example"
    source = make_article(body="See [it](https://meridian.example/articles/upcoming-guide/).")
    assert source.linked_slugs == ["upcoming-guide"]
    body = client.get(source.get_absolute_url()).content.decode()
    assert "See it." in body  # readers get the words, not a link to a page that is not there

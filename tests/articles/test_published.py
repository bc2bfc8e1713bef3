"""Drafts and future pieces never reach readers, on any surface; published ones do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def surfaces(make_article, make_topic, make_author, draft_and_scheduled):
    topic, author = make_topic("Zebras", slug="zebras"), make_author("Ann Writer", slug="ann")
    live = make_article("Live zebra piece", slug="live-piece", topics=[topic], authors=[author])
    for piece in draft_and_scheduled:
        piece.topics.set([topic])
        piece.authors.set([author])
    return {
        "live": live,
        "hidden": draft_and_scheduled,
        "urls": [
            reverse("articles:home"),
            reverse("articles:topic", kwargs={"slug": "zebras"}),
            reverse("articles:author", kwargs={"slug": "ann"}),
            reverse("articles:feed"),
            reverse("sitemap"),
            reverse("articles:search") + "?q=zebra",
        ],
    }


def test_published_queryset_excludes_drafts_and_future_pieces(surfaces):
    assert list(Article.objects.published()) == [surfaces["live"]]


@pytest.mark.parametrize("surface", range(6))
def test_every_listing_shows_the_live_piece_and_hides_the_others(client, surfaces, surface):
    url = surfaces["urls"][surface]
    body = client.get(url).content.decode()
    assert surfaces["live"].get_absolute_url() in body, url
    for hidden in surfaces["hidden"]:
        assert hidden.get_absolute_url() not in body, url
        assert hidden.title not in body, url


def test_guessing_the_url_of_a_draft_or_scheduled_piece_gives_404(client, surfaces):
    for hidden in surfaces["hidden"]:
        assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(surfaces["live"].get_absolute_url()).status_code == 200


def test_a_scheduled_piece_appears_by_itself_when_its_time_comes(client, surfaces):
    _, scheduled = surfaces["hidden"]
    assert scheduled.status == Article.Status.SCHEDULED
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    # Time passes: nothing runs, nothing is saved but the clock moving past publish_at.
    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert scheduled.title in client.get(reverse("articles:home")).content.decode()


def test_publishing_with_a_future_time_is_saved_as_scheduled(make_article):
    piece = make_article(status=Article.Status.PUBLISHED, publish_at=timezone.now() + timedelta(1))
    assert piece.status == Article.Status.SCHEDULED
    assert not piece.is_published


def test_publishing_without_a_time_publishes_now(make_article):
    piece = make_article(status=Article.Status.PUBLISHED, publish_at=None)
    assert piece.status == Article.Status.PUBLISHED
    assert piece.publish_at <= timezone.now()
    assert piece.is_published


def test_related_guides_box_lists_only_published_guides(client, make_article):
    piece = make_article()
    live_guide = make_article("Live guide", kind=Article.Kind.GUIDE)
    draft_guide = make_article("Draft guide", kind=Article.Kind.GUIDE, status=Article.Status.DRAFT)
    piece.guide_links.create(guide=draft_guide, position=0)
    piece.guide_links.create(guide=live_guide, position=1)
    body = client.get(piece.get_absolute_url()).content.decode()
    assert "Live guide" in body
    assert "Draft guide" not in body

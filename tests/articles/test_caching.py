"""articles.caching on its own: which change purges which keys from the HTTP caches in
front and renews which version in the app, once it commits; the keys a piece's page names;
how long a shared page stays right by the clock.

The pages themselves, before and after each change, are in test_page_cache.py.
"""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from articles import caching
from articles.models import Article, RelatedGuide
from comments.models import Comment
from comments.signals import discussion_changed
from core import http_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece(make_article, make_topic, make_author):
    return make_article("Keyed piece", slug="keyed", topics=[make_topic()], authors=[make_author()])


@pytest.fixture
def change(committed, purges):
    """Run `make` as a change that commits; the keys purged and whether the editorial
    version (`site`) and the piece's discussion version were renewed."""

    def run(make, *, slug: str = "keyed") -> tuple[set[str], bool, bool]:
        names = ["site", f"discussion-{slug}"]
        before = http_cache.current_versions(names)
        purges.clear()
        with committed():
            make()
        after = http_cache.current_versions(names)
        return set().union(*purges), after[0] != before[0], after[1] != before[1]

    return run


# Editorial changes ---------------------------------------------------------------------


def test_saving_or_deleting_a_piece_purges_its_page_and_the_lists(piece, change):
    assert change(piece.save) == ({f"article-{piece.pk}", "listing"}, True, False)
    pk = piece.pk
    assert change(piece.delete) == ({f"article-{pk}", "listing"}, True, False)


def test_a_topic_or_an_author_purges_the_pieces_that_name_them(piece, change):
    topic, author = piece.topics.get(), piece.authors.get()
    assert change(topic.save) == ({f"topic-{topic.pk}", "topics", "listing"}, True, False)
    assert change(author.save) == ({f"author-{author.pk}", "listing"}, True, False)


def test_a_related_guide_purges_the_piece_it_is_shown_beside(piece, make_article, change):
    guide = make_article(kind=Article.Kind.GUIDE)
    keys, renewed, _ = change(lambda: RelatedGuide.objects.create(article=piece, guide=guide))
    assert keys == {f"article-{piece.pk}", "listing"}
    assert renewed


def test_an_faq_item_purges_its_piece_and_the_faq_and_both_pieces_when_moved(
    piece, make_article, make_faq_item, change
):
    item = make_faq_item(article=piece)
    other = make_article()
    item.article = other
    assert change(item.save)[0] == {"faq", f"faq-{piece.pk}", f"faq-{other.pk}"}
    item.article = None
    assert change(item.save)[0] == {"faq", f"faq-{other.pk}"}  # now site-wide
    assert change(item.save)[0] == {"faq"}
    assert change(item.delete) == ({"faq"}, True, False)


def test_topics_added_or_taken_from_either_side_purge_those_pieces(
    piece, make_article, make_topic, change
):
    second = make_article()
    topic = make_topic()
    expected = {"listing", f"article-{piece.pk}"}
    assert change(lambda: piece.topics.add(topic)) == (expected, True, False)
    both = {"listing", f"article-{piece.pk}", f"article-{second.pk}"}
    assert change(lambda: topic.articles.add(second))[0] == {"listing", f"article-{second.pk}"}
    assert change(topic.articles.clear)[0] == both  # the pieces about to leave
    assert change(lambda: piece.authors.remove(piece.authors.get()))[0] == expected


def test_a_change_that_never_commits_purges_nothing(piece, purges):
    piece.save()
    assert purges == []
    assert http_cache.current_versions(["site"]) == ("0",)


# The discussion ------------------------------------------------------------------------


def test_a_discussion_change_renews_only_that_discussion(piece, change):
    def discussion():
        discussion_changed.send(sender=Comment, target_id=piece.pk)

    assert change(discussion) == ({f"discussion-{piece.pk}"}, False, True)


def test_a_discussion_change_of_a_deleted_piece_renews_no_version(change):
    def gone():
        discussion_changed.send(sender=Comment, target_id=987_654)

    assert change(gone, slug="gone") == ({"discussion-987654"}, False, False)


# What a page names, and for how long ---------------------------------------------------


def test_a_piece_names_its_parts_and_the_lists_only_when_it_links_to_pieces(piece, make_article):
    topic, author = piece.topics.get(), piece.authors.get()
    own = {
        "site",
        f"article-{piece.pk}",
        f"discussion-{piece.pk}",
        f"faq-{piece.pk}",
        f"topic-{topic.pk}",
        f"author-{author.pk}",
    }
    assert set(caching.article_keys(piece, related_guides=[])) == own
    guide = make_article(kind=Article.Kind.GUIDE)
    with_guide = caching.article_keys(piece, related_guides=[guide])
    assert set(with_guide) == own | {"listing"}
    linking = make_article(body="See [the guide](/articles/a-guide/).")
    assert "listing" in caching.article_keys(linking, related_guides=[])


def test_a_shared_list_lasts_until_the_next_scheduled_piece_goes_live(make_article):
    assert caching.shared_seconds() == http_cache.SAFETY_NET
    make_article(status=Article.Status.DRAFT, publish_at=timezone.now() + timedelta(seconds=20))
    assert caching.shared_seconds() == http_cache.SAFETY_NET  # a draft never goes live
    make_article(publish_at=timezone.now() + timedelta(seconds=100))
    assert 90 < caching.shared_seconds() <= 100


def test_a_piece_page_lasts_until_its_discussion_closes(make_article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 1
    closing = make_article(publish_at=timezone.now() - timedelta(days=1, seconds=-60))
    closing = Article.objects.with_next_change().get(pk=closing.pk)
    assert 50 < caching.shared_seconds(closing) <= 60


def test_a_listing_view_is_shared_only_when_it_answers(make_article):
    def view(request, status=200):
        return HttpResponse(status=status)

    shared = caching.shared_listing(view)
    request = RequestFactory().get("/feed/")
    answer = shared(request)
    assert answer["Cache-Control"].startswith("public")
    assert {"site", "listing", "faq"} == set(answer[http_cache.KEY_HEADER].split())
    missing = shared(request, status=404)
    assert http_cache.KEY_HEADER not in missing

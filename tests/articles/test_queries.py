"""Page query counts do not grow with a piece's topics, authors or related guides."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.queries import cold_cost_of

pytestmark = pytest.mark.django_db

# Article page for an anonymous reader, first view, every query and cache operation
# counted: its versions and the page cache's look-up and store; the piece, its authors,
# topics, published related guides, the check of which linked pieces are live, its FAQ;
# the discussion's counts, page of threads and replies. Home: the page of pieces with their
# comment counts, their authors and topics, and when the next scheduled piece goes live.
ARTICLE_PAGE_BUDGET = 12
HOME_PAGE_BUDGET = 5


def count_queries(client, url: str) -> int:
    return cold_cost_of(client, url).total


def enrich(piece: Article, n: int, make_topic, make_author, make_article) -> None:
    piece.topics.add(*[make_topic() for _ in range(n)])
    piece.authors.add(*[make_author() for _ in range(n)])
    for position in range(n):
        guide = make_article(kind=Article.Kind.GUIDE)
        piece.guide_links.create(guide=guide, position=position)


def test_article_page_query_count_is_constant(client, make_article, make_topic, make_author):
    small = make_article(body="Links to [a guide](/articles/nowhere/).")
    large = make_article(body="Links to [a guide](/articles/nowhere/).")
    enrich(small, 1, make_topic, make_author, make_article)
    enrich(large, 8, make_topic, make_author, make_article)
    few = count_queries(client, small.get_absolute_url())
    many = count_queries(client, large.get_absolute_url())
    assert few == many
    assert many <= ARTICLE_PAGE_BUDGET


def test_home_page_query_count_is_constant(client, make_article, make_topic, make_author):
    make_article(topics=[make_topic()], authors=[make_author()])
    few = count_queries(client, reverse("articles:home"))
    for _ in range(9):
        make_article(topics=[make_topic(), make_topic()], authors=[make_author(), make_author()])
    many = count_queries(client, reverse("articles:home"))
    assert few == many
    assert many <= HOME_PAGE_BUDGET


def test_topic_author_and_search_pages_are_constant(client, make_article, make_topic, make_author):
    topic, author = make_topic(slug="t"), make_author(slug="a")
    make_article(topics=[topic], authors=[author])
    urls = [
        reverse("articles:topic", kwargs={"slug": "t"}),
        reverse("articles:author", kwargs={"slug": "a"}),
        reverse("articles:search") + "?q=piece",
    ]
    few = [count_queries(client, url) for url in urls]
    for _ in range(6):
        make_article(topics=[topic, make_topic()], authors=[author, make_author()])
    assert [count_queries(client, url) for url in urls] == few


def test_a_pieces_notes_cost_one_query_whatever_their_number(client, make_article):
    """Corrections and updates are read in one query with the piece's other parts, and only
    for a piece that has some (its public revision time says so): most pieces, never
    corrected, pay nothing for them."""
    plain, few, many = make_article(), make_article(), make_article()
    few.corrections.create(text="One correction.")
    for n in range(6):
        many.corrections.create(kind="update" if n % 2 else "correction", text=f"Note {n}.")
    never = count_queries(client, plain.get_absolute_url())
    assert count_queries(client, few.get_absolute_url()) == never + 1
    assert count_queries(client, many.get_absolute_url()) == never + 1
    assert never <= ARTICLE_PAGE_BUDGET

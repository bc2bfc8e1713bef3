"""/faq/: every published item, grouped by piece, deep-linkable, filterable by topic."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .pages import faq_page_ld, ld_questions, visible_questions, visible_text

pytestmark = pytest.mark.django_db

FAQ_URL = "/faq/"


def faq_page(client, query: str = "") -> str:
    response = client.get(FAQ_URL + query)
    assert response.status_code == 200
    return response.content.decode()


def question_texts(html: str) -> list[str]:
    return [q["text"] for q in visible_questions(html)]


def test_the_faq_answers_at_its_address_with_or_without_the_slash(client, make_faq_item):
    make_faq_item("Where is the FAQ?")
    typed = client.get("/faq")
    assert (typed.status_code, typed.headers["Location"]) == (301, FAQ_URL)
    assert "Where is the FAQ?" in faq_page(client)


def test_groups_by_piece_newest_first_then_site_wide(client, make_article, make_faq_item):
    older = make_article("Older piece", publish_at=timezone.now() - timedelta(days=3))
    newer = make_article("Newer piece", publish_at=timezone.now() - timedelta(days=1))
    make_faq_item("Site-wide question?")
    make_faq_item("Older, second?", article=older, order=2)
    make_faq_item("Older, first?", article=older, order=1)
    make_faq_item("Newer question?", article=newer)
    html = faq_page(client)
    assert question_texts(html) == [
        "Newer question?",
        "Older, first?",
        "Older, second?",
        "Site-wide question?",
    ]
    text = visible_text(html)
    assert text.index("Newer piece") < text.index("Older piece") < text.index("General questions")
    assert (
        f'<h2 class="faq-group__title" id="faq-on-{older.slug}">'
        f'<a href="{older.get_absolute_url()}">Older piece</a></h2>'
    ) in html
    assert f'<section class="faq-group" aria-labelledby="faq-on-{older.slug}">' in html


def test_each_item_has_an_anchor_and_a_link_back_to_its_piece(client, launched, make_faq_item):
    site_wide = make_faq_item("How do I comment?")
    html = faq_page(client)
    for item in launched.faq_items.all():
        assert f'id="faq-{item.pk}"' in html
        assert f'<a href="{launched.get_absolute_url()}#faq-{item.pk}">' in html
    assert f'id="faq-{site_wide.pk}"' in html
    assert site_wide.get_absolute_url() == f"{FAQ_URL}#faq-{site_wide.pk}"


def test_json_ld_parses_and_matches_the_visible_items(client, launched, make_faq_item):
    make_faq_item("A site-wide question?", answer="With a [link](/articles/x/) & more.")
    html = faq_page(client)
    data = faq_page_ld(html)
    assert data["@type"] == "FAQPage"
    pairs = ld_questions(html)
    assert [name for name, _ in pairs] == question_texts(html)
    assert len(pairs) == 5
    assert pairs[-1] == (
        "A site-wide question?",
        '<p>With a <a href="/articles/x/">link</a> &amp; more.</p>',
    )


def test_empty_faq_page_says_so_and_has_no_data(client, db):
    html = faq_page(client)
    assert "No questions have been answered here yet." in html
    assert faq_page_ld(html) is None


@pytest.fixture
def hidden_items(make_article, make_faq_item, draft_and_scheduled):
    """One item of every kind readers must never see, each with "zebra" in its question."""
    draft, scheduled = draft_and_scheduled
    live = make_article()
    return [
        make_faq_item("Unpublished zebra on a live piece?", article=live, is_published=False),
        make_faq_item("Unpublished site-wide zebra?", is_published=False),
        make_faq_item("Published zebra on a draft?", article=draft),
        make_faq_item("Published zebra on a scheduled piece?", article=scheduled),
    ]


def test_hidden_items_never_appear_on_the_faq_page(client, hidden_items, make_faq_item):
    make_faq_item("Visible?")
    html = faq_page(client)
    assert "zebra" not in html
    assert question_texts(html) == ["Visible?"]
    assert [name for name, _ in ld_questions(html)] == ["Visible?"]
    assert "Secret draft" not in html
    assert "Future scheduled" not in html


def test_topic_filter_lists_only_topics_with_published_items(
    client, make_topic, make_article, make_faq_item
):
    on_piece, on_item, on_draft, unused = (
        make_topic("Piece topic"),
        make_topic("Item topic"),
        make_topic("Draft zebra topic"),
        make_topic("Unused zebra topic"),
    )
    make_faq_item(article=make_article(topics=[on_piece]))
    make_faq_item("Site-wide, tagged?", topic=on_item)
    make_faq_item("Unpublished, tagged?", topic=unused, is_published=False)
    make_faq_item(article=make_article(topics=[on_draft], status=Article.Status.DRAFT))
    html = faq_page(client)
    assert '<form class="faq-filter" method="get" action="/faq/"' in html
    assert f'<option value="{on_item.slug}">Item topic</option>' in html
    assert f'<option value="{on_piece.slug}">Piece topic</option>' in html
    assert "zebra" not in html


def test_topic_filter_shows_items_on_the_topic_or_on_its_pieces(
    client, make_topic, make_article, make_faq_item
):
    sanctions, laos = make_topic("Sanctions"), make_topic("Laos")
    piece = make_article(topics=[sanctions, laos])
    make_faq_item("On a sanctions piece?", article=piece)
    make_faq_item("Tagged sanctions, site-wide?", topic=sanctions)
    make_faq_item("Tagged Laos, site-wide?", topic=laos)
    make_faq_item("Untagged, site-wide?")

    html = faq_page(client, f"?topic={sanctions.slug}")
    assert question_texts(html) == ["On a sanctions piece?", "Tagged sanctions, site-wide?"]
    assert [name for name, _ in ld_questions(html)] == question_texts(html)
    assert f'<option value="{sanctions.slug}" selected>Sanctions</option>' in html
    assert "Show all questions" in html
    # One topic, one row per item, however many topics its piece has.
    html = faq_page(client, f"?topic={laos.slug}")
    assert question_texts(html) == ["On a sanctions piece?", "Tagged Laos, site-wide?"]
    # The canonical page is the unfiltered one.
    assert '<link rel="canonical" href="http://testserver/faq/">' in html


def test_unknown_topic_gets_a_message_and_every_question(client, make_faq_item):
    make_faq_item("Still shown?")
    html = faq_page(client, "?topic=%3Cb%3Enope%3C%2Fb%3E")
    assert "There are no questions on “&lt;b&gt;nope&lt;/b&gt;”" in html
    assert question_texts(html) == ["Still shown?"]


def test_query_count_is_constant_in_the_number_of_items_and_pieces(
    client, make_article, make_topic, make_faq_item, django_assert_num_queries
):
    # Three queries, whatever the content: the topics for the filter, every published item
    # with its piece (one JOIN), and when the next scheduled piece goes live (its items
    # join the page then). An anonymous reader has no session to load.
    make_faq_item(article=make_article(topics=[make_topic()]))
    with django_assert_num_queries(3):
        faq_page(client)
    for _ in range(6):
        piece = make_article(topics=[make_topic(), make_topic()])
        for _ in range(4):
            make_faq_item(article=piece, topic=make_topic())
    make_faq_item()
    with django_assert_num_queries(3):
        html = faq_page(client)
    assert len(visible_questions(html)) == 26
    topic = piece.topics.first()
    # Filtered: the same three queries (the topic comes from the filter's list).
    with django_assert_num_queries(3):
        faq_page(client, f"?topic={topic.slug}")


def test_faq_page_is_in_the_sitemap_once_it_has_published_items(client, make_faq_item):
    make_faq_item("Not yet?", is_published=False)
    assert "/faq/" not in client.get("/sitemap.xml").content.decode()
    make_faq_item("Now?")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/faq/</loc>" in sitemap


def test_hidden_items_never_put_the_faq_page_in_the_sitemap(client, hidden_items):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/faq/" not in sitemap
    assert "zebra" not in sitemap


def test_header_links_to_the_faq(client, db):
    assert f'<a href="{FAQ_URL}">FAQ</a>' in client.get("/").content.decode()

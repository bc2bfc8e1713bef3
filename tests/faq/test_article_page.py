"""A piece's page: its FAQ section, table-of-contents entry and FAQPage data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.queries import cold_cost_of

from .pages import faq_page_ld, ld_questions, visible_questions

pytestmark = pytest.mark.django_db


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_faq_section_has_a_heading_with_an_id_listed_in_the_contents(client, launched):
    html = page(client, launched)
    assert '<section class="faq" aria-labelledby="faq">' in html
    assert '<h2 id="faq" class="faq__title">Frequently Asked Questions</h2>' in html
    toc_start = html.index('<nav class="toc"')
    toc = html[toc_start : html.index("</nav>", toc_start)]
    assert '<a href="#faq">Frequently Asked Questions</a>' in toc


def test_each_question_is_a_heading_readers_can_link_to(client, launched):
    html = page(client, launched)
    items = list(launched.faq_items.all())
    assert [q["id"] for q in visible_questions(html)] == [f"faq-{item.pk}" for item in items]
    assert items[0].get_absolute_url() == f"{launched.get_absolute_url()}#faq-{items[0].pk}"
    # Answers are in the page, not behind a script.
    assert items[0].answer_html in html


def test_json_ld_parses_and_matches_the_visible_items(client, launched):
    html = page(client, launched)
    data = faq_page_ld(html)
    assert data["@context"] == "https://schema.org"
    assert all(q["@type"] == "Question" for q in data["mainEntity"])
    assert all(q["acceptedAnswer"]["@type"] == "Answer" for q in data["mainEntity"])
    items = list(launched.faq_items.all())
    assert ld_questions(html) == [(item.question, item.answer_html) for item in items]
    assert [q["text"] for q in visible_questions(html)] == [name for name, _ in ld_questions(html)]


def test_unpublished_items_and_other_pieces_items_are_not_shown(
    client, make_article, make_faq_item
):
    piece, other = make_article(), make_article()
    shown = make_faq_item("Shown on the piece?", article=piece)
    make_faq_item("Unpublished zebra?", article=piece, is_published=False)
    make_faq_item("Another piece's zebra?", article=other)
    make_faq_item("Site-wide zebra?")
    html = page(client, piece)
    assert "zebra" not in html
    assert [q["text"] for q in visible_questions(html)] == [shown.question]
    assert [name for name, _ in ld_questions(html)] == [shown.question]


def test_a_piece_without_published_items_has_no_faq_section_or_data(
    client, make_article, make_faq_item
):
    piece = make_article()
    make_faq_item("Hidden zebra?", article=piece, is_published=False)
    html = page(client, piece)
    assert 'id="faq"' not in html
    assert 'href="#faq"' not in html
    assert faq_page_ld(html) is None
    assert "zebra" not in html


def test_items_follow_the_editors_order(client, make_article, make_faq_item):
    piece = make_article()
    make_faq_item("Third?", article=piece, order=3)
    make_faq_item("First?", article=piece, order=1)
    make_faq_item("Second, added before its equal?", article=piece, order=2)
    make_faq_item("Second, added after its equal?", article=piece, order=2)
    expected = [
        "First?",
        "Second, added before its equal?",
        "Second, added after its equal?",
        "Third?",
    ]
    html = page(client, piece)
    assert [q["text"] for q in visible_questions(html)] == expected
    assert [name for name, _ in ld_questions(html)] == expected


def test_a_scheduled_pieces_items_appear_when_it_goes_live(client, make_article, make_faq_item):
    piece = make_article(publish_at=timezone.now() + timedelta(hours=1))
    make_faq_item("Scheduled question?", article=piece)
    assert client.get(piece.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=piece.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    html = client.get(piece.get_absolute_url()).content.decode()
    assert [q["text"] for q in visible_questions(html)] == ["Scheduled question?"]


def test_staff_preview_of_a_draft_shows_the_faq_it_will_go_live_with(
    client, editor, make_article, make_faq_item
):
    draft = make_article(status=Article.Status.DRAFT)
    make_faq_item("Ready to go?", article=draft)
    make_faq_item("Not ready zebra?", article=draft, is_published=False)
    client.force_login(editor)
    html = client.get(reverse("articles:preview", kwargs={"slug": draft.slug})).content.decode()
    assert [q["text"] for q in visible_questions(html)] == ["Ready to go?"]
    assert "zebra" not in html


def test_query_count_does_not_grow_with_the_number_of_items(client, make_article, make_faq_item):
    # The FAQ adds one query to the page (its items), whatever their number.
    few, many = make_article(), make_article()
    make_faq_item(article=few)
    for _ in range(8):
        make_faq_item(article=many)

    def count(article) -> int:
        return cold_cost_of(client, article.get_absolute_url()).total

    assert count(few) == count(many)

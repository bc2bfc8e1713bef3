"""FAQ items: the rendered answer, what counts as published, where an item lives."""

import pytest

from articles.models import Article
from faq.models import FaqItem

pytestmark = pytest.mark.django_db


def test_answer_is_rendered_through_the_article_pipeline_when_saved(make_faq_item):
    item = make_faq_item("Formatted?", answer="A **bold** claim, [sourced](https://example.org/).")
    assert item.answer_html == (
        '<p>A <strong>bold</strong> claim, <a href="https://example.org/">sourced</a>.</p>'
    )
    item.answer = "Revised."
    item.save(update_fields=["answer"])  # the rendered answer is saved along with it
    item.refresh_from_db()
    assert item.answer_html == "<p>Revised.</p>"


def test_published_excludes_unpublished_items_and_items_of_unpublished_pieces(
    make_article, make_faq_item, draft_and_scheduled
):
    draft, scheduled = draft_and_scheduled
    live = make_article()
    visible = [make_faq_item(article=live), make_faq_item()]
    make_faq_item(article=live, is_published=False)
    make_faq_item(is_published=False)
    make_faq_item(article=draft)
    make_faq_item(article=scheduled)
    assert set(FaqItem.objects.published()) == set(visible)
    # The piece's state is read from the articles app's own rule at query time.
    Article.objects.filter(pk=scheduled.pk).update(publish_at=live.publish_at)
    assert FaqItem.objects.published().count() == 3


def test_topics_and_on_topic_count_each_item_once(make_topic, make_article, make_faq_item):
    first, second = make_topic("First"), make_topic("Second")
    piece = make_article(topics=[first, second])
    item = make_faq_item(article=piece, topic=first)
    assert list(FaqItem.objects.on_topic(first)) == [item]
    assert list(FaqItem.objects.on_topic(second)) == [item]
    assert list(FaqItem.objects.published().topics()) == [first, second]


def test_an_items_link_leads_to_the_page_that_shows_it(client, make_article, make_faq_item):
    piece = make_article(slug="a-piece")
    on_piece = make_faq_item("On the piece?", article=piece)
    site_wide = make_faq_item("Site-wide?")
    assert str(on_piece) == "On the piece?"
    assert on_piece.get_absolute_url() == f"/articles/a-piece/#faq-{on_piece.pk}"
    assert site_wide.get_absolute_url() == f"/faq/#faq-{site_wide.pk}"
    for item in (on_piece, site_wide):
        page, anchor = item.get_absolute_url().split("#")
        html = client.get(page).content.decode()
        assert f'id="{anchor}"' in html
        assert item.question in html

"""Editor-supplied text is inert wherever a question or answer appears."""

import pytest
from django.urls import reverse

from .pages import faq_page_ld, json_ld, ld_questions, script_tags, visible_questions

pytestmark = pytest.mark.django_db

HOSTILE = "Is this safe? </script><script>alert(1)</script> & <b>bold</b>"


@pytest.fixture
def hostile_item(make_article, make_faq_item):
    piece = make_article("Hostile host")
    return make_faq_item(
        HOSTILE,
        article=piece,
        answer="Fine. <script>alert(2)</script><img src=x onerror=alert(3)> "
        "[click](javascript:alert(4)) </script><script>alert(5)</script>",
    )


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    # Every inline script element on the page is structured data, and each block still
    # parses: had the question closed one early, the JSON cut short would not.
    assert all('type="application/ld+json"' in tag or " src=" in tag for tag in script_tags(html))
    assert len(json_ld(html)) >= 1


@pytest.mark.parametrize("where", ["piece", "faq"])
def test_hostile_question_is_inert_on_the_page_and_in_json_ld(client, hostile_item, where):
    url = hostile_item.article.get_absolute_url() if where == "piece" else reverse("faq:index")
    html = client.get(url).content.decode()
    assert_inert(html)
    # Shown as the text the editor typed...
    assert [q["text"] for q in visible_questions(html)] == [HOSTILE]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold" in html
    # ...and in the structured data, where it parses back to exactly that text.
    assert ld_questions(html)[0][0] == HOSTILE
    assert r"\u003C/script\u003E\u003Cscript\u003Ealert(1)" in html
    assert faq_page_ld(html)["mainEntity"][0]["acceptedAnswer"]["text"] == hostile_item.answer_html


def test_hostile_answer_is_sanitized_when_saved(hostile_item):
    html = hostile_item.answer_html
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert html.startswith("<p>Fine.")


def test_hostile_question_is_inert_in_the_admin(client, editor, hostile_item):
    client.force_login(editor)
    for url in (
        reverse("admin:faq_faqitem_changelist"),
        reverse("admin:faq_faqitem_change", args=[hostile_item.pk]),
        reverse("admin:articles_article_change", args=[hostile_item.article.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html, url

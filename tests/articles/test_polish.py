"""Small things readers and editors notice: headline typography, the 403 page, admin help."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_headlines_get_the_same_curly_quotes_and_dashes_as_the_text(
    client, make_article, make_topic
):
    topic = make_topic("Sanctions", slug="sanctions")
    piece = make_article(
        'North Korea\'s "New" Strategy -- and Laos', slug="nk", topics=[topic], body="It's here."
    )
    page = client.get(piece.get_absolute_url()).content.decode()
    curly = "North Korea’s “New” Strategy – and Laos"
    assert f'<h1 id="article-title" class="article__title">{curly}</h1>' in page
    assert f"<title>{curly} — " in page
    assert "It’s here." in page  # the body, as before
    for listing in (reverse("articles:home"), topic.get_absolute_url()):
        assert (
            f'<a href="{piece.get_absolute_url()}">{curly}</a>'
            in client.get(listing).content.decode()
        )
    search = client.get(reverse("articles:search"), {"q": "Laos"}).content.decode()
    assert curly in search
    piece.refresh_from_db()
    assert piece.title == 'North Korea\'s "New" Strategy -- and Laos'  # stored as typed


def test_headline_typography_shows_markup_as_typed(client, make_article):
    piece = make_article("*Not* <b>bold</b> & # [1](/x)", slug="typed")
    page = client.get(piece.get_absolute_url()).content.decode()
    assert (
        '<h1 id="article-title" class="article__title">'
        "*Not* &lt;b&gt;bold&lt;/b&gt; &amp; # [1](/x)</h1>" in page
    )


def test_a_refused_page_is_the_sites_own(client, make_user):
    reader = make_user(display_name="Plain Reader")
    client.force_login(reader)
    response = client.get(reverse("moderation:queue"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert "You don’t have access to this page" in text_of(html)
    assert 'name="robots" content="noindex"' in html
    assert f'href="{reverse("articles:home")}"' in html


def test_the_admin_slug_help_shows_the_address_pattern(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "/articles//" not in text_of(html).replace(" ", "")
    assert "/articles/the-slug/" in text_of(html)

"""What readers and crawlers get from the article page, lists, search, feed and sitemap."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece(make_article, make_topic, make_author):
    return make_article(
        "Sanctions & <the> Region",
        slug="sanctions-region",
        standfirst="A short summary about sanctions.",
        body="## First section\n\nWords about laos and vietnam.\n\n### Detail\n\nMore.\n\n"
        "## Second\n\nEnd.",
        topics=[make_topic("Sanctions", slug="sanctions")],
        authors=[make_author("Jo Analyst", slug="jo")],
        discussion_prompt="What do you think?",
    )


def json_ld_blocks(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_article_page_structure(client, piece):
    html = client.get(piece.get_absolute_url()).content.decode()
    assert html.startswith('<!doctype html>\n<html lang="en">')
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "Sanctions &amp; &lt;the&gt; Region</h1>" in html
    assert "A short summary about sanctions." in html
    assert '<a href="/authors/jo/" rel="author">Jo Analyst</a>' in html
    assert '<a href="/topics/sanctions/">Sanctions</a>' in html
    assert "min read" in html
    assert f'datetime="{piece.publish_at.isoformat()}"' in html
    # The table of contents links to the heading ids in the body.
    for heading_id in ("first-section", "detail", "second"):
        assert f'href="#{heading_id}"' in html
        assert f'id="{heading_id}"' in html
    assert 'class="skip-link" href="#main"' in html
    assert "What do you think?" in html


def test_article_meta_tags_and_canonical(client, piece):
    html = client.get(piece.get_absolute_url()).content.decode()
    url = "http://testserver/articles/sanctions-region/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta name="description" content="A short summary about sanctions.">' in html
    assert '<meta property="og:title" content="Sanctions &amp; &lt;the&gt; Region">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_article_json_ld(client, piece):
    html = client.get(piece.get_absolute_url()).content.decode()
    (data,) = [block for block in json_ld_blocks(html) if "headline" in block]
    assert data["headline"] == "Sanctions & <the> Region"
    assert data["author"][0]["name"] == "Jo Analyst"
    assert data["publisher"]["name"]
    published = data["datePublished"]
    assert published == piece.publish_at.isoformat()
    assert published.endswith("+00:00")  # dates carry their time zone
    assert "<the>" not in html.split('<script type="application/ld+json">')[1].split("</script>")[0]


def test_home_lists_latest_first_and_paginates(client, make_article):
    for n in range(12):
        make_article(f"Numbered {n:02d}", publish_at=timezone.now() - timedelta(days=n))
    first = client.get(reverse("articles:home")).content.decode()
    assert first.index("Numbered 00") < first.index("Numbered 01")
    assert "Numbered 11" not in first
    second = client.get(reverse("articles:home") + "?page=2").content.decode()
    assert "Numbered 11" in second
    # Nonsense page numbers fall back to a real page instead of an error.
    assert client.get(reverse("articles:home") + "?page=abc").status_code == 200
    assert client.get(reverse("articles:home") + "?page=999").status_code == 200


def test_search_ranks_highlights_and_escapes(client, piece, make_article):
    make_article("Other piece", body="Nothing about that country except laos once.")
    response = client.get(reverse("articles:search"), {"q": "laos <script>alert(1)</script>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    # Every word must match on SQLite and PostgreSQL alike, so "script" filters everything.
    assert "No published pieces match" in html

    html = client.get(reverse("articles:search"), {"q": "laos"}).content.decode()
    assert "<mark>laos</mark>" in html
    assert "2 results" in html


def test_search_ranks_title_matches_first(client, make_article):
    make_article("Body mention", body="A long text that mentions sanctions in passing.")
    make_article("Sanctions in the title", body="Nothing else.")
    html = client.get(reverse("articles:search"), {"q": "sanctions"}).content.decode()
    assert html.index("Sanctions in the title") < html.index("Body mention")


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "Type a word or two"), ("a", "at least two letters"), ("zzzqqq", "No published pieces")],
)
def test_search_empty_and_no_result_states(client, piece, query, message):
    html = client.get(reverse("articles:search"), {"q": query}).content.decode()
    assert message in html


def test_feed_is_valid_atom_with_published_pieces(client, piece):
    response = client.get(reverse("articles:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Sanctions & <the> Region"]
    assert entries[0].find("a:author/a:name", ns).text == "Jo Analyst"


def test_sitemap_lists_pieces_and_topics_with_lastmod(client, piece):
    # Published three days ago and never corrected: lastmod is when readers were told of a
    # change (its publication), not the internal time of its last save.
    published = timezone.now() - timedelta(days=3)
    Article.objects.filter(pk=piece.pk).update(publish_at=published)
    root = ET.fromstring(client.get(reverse("sitemap")).content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {u.find("s:loc", ns).text: u.find("s:lastmod", ns) for u in root.findall("s:url", ns)}
    assert "http://testserver/articles/sanctions-region/" in urls
    assert "http://testserver/topics/sanctions/" in urls
    lastmod = urls["http://testserver/articles/sanctions-region/"].text
    assert lastmod.startswith(published.date().isoformat())


def test_designed_404_page(client):
    response = client.get("/articles/does-not-exist/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert 'role="search"' in html


@override_settings(DEBUG=False)
def test_designed_500_page(client):
    from core.views import server_error

    response = server_error(client.get("/").wsgi_request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()

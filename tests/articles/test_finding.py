"""Finding things: the topics index, author pages in the sitemap, whole pieces in the feed."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_topics_index_lists_every_topic_with_its_count_of_published_pieces(
    client, make_article, make_topic
):
    sanctions = make_topic("Sanctions", slug="sanctions")
    laos = make_topic("Laos", slug="laos")
    quiet = make_topic("Quiet topic", slug="quiet")
    make_article(topics=[sanctions, laos])
    make_article(topics=[sanctions])
    make_article(topics=[sanctions], status=Article.Status.DRAFT)
    make_article(topics=[laos], publish_at=timezone.now() + timedelta(days=1))

    response = client.get(reverse("articles:topics"))

    assert response.status_code == 200
    html = response.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Laos 1 piece" in text
    assert "Sanctions 2 pieces" in text
    assert "Quiet topic No pieces yet" in text
    assert html.index(">Laos<") < html.index(">Quiet topic<") < html.index(">Sanctions<")
    assert f'href="{sanctions.get_absolute_url()}"' in html
    assert f'href="{quiet.get_absolute_url()}"' in html


def test_topics_index_is_a_shared_page_purged_with_topics_and_lists(client, make_topic):
    make_topic("Sanctions")
    response = client.get("/topics/")
    assert "public" in response["Cache-Control"]
    assert {"topics", "listing", "site"} <= set(response["Surrogate-Key"].split())


def test_every_page_links_to_the_topics_index(client):
    html = client.get(reverse("articles:home")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'href="{reverse("articles:topics")}"' in footer


def test_sitemap_lists_author_pages_with_published_pieces(client, make_article, make_author):
    jo = make_author("Jo Analyst", slug="jo")
    unpublished = make_author("Not Yet", slug="not-yet")
    make_article(authors=[jo])
    make_article(authors=[unpublished], status=Article.Status.DRAFT)
    root = ET.fromstring(client.get(reverse("sitemap")).content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
    assert "http://testserver/authors/jo/" in urls
    assert "http://testserver/authors/not-yet/" not in urls


def test_feed_carries_each_pieces_whole_text_as_html(client, make_article):
    make_article("Unpublished", slug="unpublished", status=Article.Status.DRAFT)
    make_article(
        "Whole text",
        slug="whole-text",
        standfirst="The summary <b>stays text</b>.",
        body="## A section\n\nIt's *all* here, with [a link](/articles/whole-text/) and "
        "[one to a draft](/articles/unpublished/).\n\n<script>alert(1)</script>",
    )
    root = ET.fromstring(client.get(reverse("articles:feed")).content)
    entry = root.find("a:entry", ATOM)
    content = entry.find("a:content", ATOM)
    assert content.get("type") == "html"
    html = content.text
    assert '<h2 id="a-section">A section</h2>' in html
    assert "It’s <em>all</em> here" in html
    # Links work from a feed reader (absolute), and none leads to an unpublished piece.
    assert '<a href="http://testserver/articles/whole-text/">a link</a>' in html
    assert "one to a draft" in html
    assert "/articles/unpublished/" not in html
    assert "<script" not in html
    assert entry.find("a:summary", ATOM).text == "The summary &lt;b&gt;stays text&lt;/b&gt;."


def test_feed_reads_linked_pieces_once_whatever_the_number_of_pieces(
    client, make_article, django_assert_max_num_queries
):
    for n in range(6):
        make_article(body=f"Text linking [elsewhere](/articles/piece-x{n}/).")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("articles:feed")).status_code == 200


def test_the_piece_body_links_to_full_addresses(client, make_article):
    other = make_article("Other", slug="other")
    piece = make_article(body=f"See [the other]({other.get_absolute_url()}) and [a](#part).")
    html = client.get(piece.get_absolute_url()).content.decode()
    assert '<a href="http://testserver/articles/other/">the other</a>' in html
    assert '<a href="#part">a</a>' in html

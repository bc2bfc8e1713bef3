"""Beside the Markdown in the admin: a preview of what is typed, without saving, rendered as
readers get it (a page of its own, or the live pane's JSON); the piece's figures; and
whether its links answer (internal ones at once, on save and in the preview)."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import figures, link_checks
from articles.models import Article

pytestmark = pytest.mark.django_db

PREVIEW = "admin:articles_article_preview"
TYPED = {
    "title": "Ports and 'sanctions'",
    "standfirst": "Where trade is thick.",
    "kind": "guide",
    "body": "## The river\n\nTrade has *doubled*. See [the guide](/articles/hidden-guide/) and "
    "[nowhere](/no-such-page/).\n\n<script>alert(1)</script>",
}


@pytest.fixture
def hidden_guide(make_article):
    return make_article("Hidden guide", slug="hidden-guide", status=Article.Status.DRAFT)


def test_the_preview_renders_what_is_typed_as_readers_get_it_and_saves_nothing(
    client, editor, hidden_guide, make_topic, make_author
):
    topic, author = make_topic("Mekong"), make_author("Kim Writer")
    client.force_login(editor)
    before = Article.objects.count()
    response = client.post(
        reverse(PREVIEW), {**TYPED, "topics": [topic.pk], "authors": [author.pk]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert Article.objects.count() == before  # nothing saved
    assert "Preview of unsaved changes" in html
    assert '<meta name="robots" content="noindex">' in html
    assert {"private", "no-store"} <= set(response.headers["Cache-Control"].split(", "))
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "Ports and ‘sanctions’" in html  # the headline's typography, as readers get it
    assert '<h2 id="the-river">The river</h2>' in html
    assert "<em>doubled</em>" in html
    assert "<script>alert" not in html  # sanitised by the same pipeline
    assert "Mekong" in html
    assert "Kim Writer" in html
    assert "Guide" in html
    # Readers would see the unpublished guide's words without a link; the editor is told.
    assert 'href="http://testserver/articles/hidden-guide/"' not in html
    assert "a piece not published yet" in html
    assert "/no-such-page/</code>: no such page" in html


def test_the_live_pane_gets_the_body_and_figures_as_json(client, editor, hidden_guide):
    client.force_login(editor)
    response = client.post(reverse(PREVIEW) + "?fragment=1", TYPED)
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response.headers["Cache-Control"].split(", "))
    data = response.json()
    assert '<h2 id="the-river">The river</h2>' in data["body"]
    assert "<script>" not in data["body"]
    assert "words · 1 min read · " in data["figures"]
    assert "Flesch reading ease" in data["figures"]
    assert "/no-such-page/" in data["figures"]


def test_bad_input_gets_a_preview_not_an_error(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse(PREVIEW) + "?fragment=1", {"kind": "nonsense", "topics": ["x", "999999"]}
    )
    assert response.status_code == 200
    assert "0 words · 1 min read" in response.json()["figures"]


def test_the_preview_is_for_those_who_write_pieces(client, editor, moderator, reader):
    url = reverse(PREVIEW)
    assert client.post(url, TYPED).status_code == 302  # to sign in
    client.force_login(reader)
    assert client.post(url, TYPED).status_code == 302
    client.force_login(moderator)
    assert client.post(url, TYPED).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 405  # only the form's POST


def test_the_change_form_shows_figures_links_and_the_preview_button(
    client, editor, make_article, hidden_guide
):
    words = " ".join(["word"] * 460)
    piece = make_article(body=f"{words}.\n\n[guide](/articles/hidden-guide/)")
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[piece.pk])).content.decode()
    assert "461 words · 3 min read · " in html
    assert f'formaction="{reverse(PREVIEW)}" formtarget="_blank"' in html
    assert "a piece not published yet" in html
    assert "admin-preview.js" in html
    assert "defer" in html


def test_saving_names_the_internal_links_that_do_not_answer(
    client, editor, make_article, hidden_guide, admin_post
):
    piece = make_article()
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[piece.pk])
    body = "[a](/articles/hidden-guide/), [b](/topics/nothing-here/) and [c](/faq/)."
    response = admin_post(client, url, body=body, change_kind="typo", _continue="1")
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("cannot see yet: /articles/hidden-guide/" in m for m in shown)
    assert any("do not exist: /topics/nothing-here/." in m for m in shown)


def test_figures_follow_the_rendering(make_article):
    piece = make_article(body="## Heading\n\n" + "A short plain line. " * 300)
    measured = figures.of_piece(article=piece)
    assert measured.words == piece.word_count == 1201
    assert measured.minutes == piece.reading_minutes == 6
    assert measured.reading_ease > 80
    assert measured.reading_ease_band in {"easy", "very easy"}


def test_internal_links_are_the_sites_own_paths_and_address(settings, make_article, make_topic):
    settings.SITE_URL = "https://meridian.example"
    make_topic("Laos", slug="laos")
    make_article("Live", slug="live")
    piece = make_article(
        body="[1](/articles/live/) [2](https://meridian.example/articles/gone/) "
        "[3](/topics/laos/) [4](/authors/nobody/) [5](https://other.example/page) "
        "[6](#notes) [7](mailto:desk@example.org)"
    )
    problems = link_checks.internal_link_problems(article=piece)
    assert problems == [
        link_checks.InternalLink("https://meridian.example/articles/gone/", "missing"),
        link_checks.InternalLink("/authors/nobody/", "missing"),
    ]
    assert link_checks.external_links(html=piece.body_html) == ["https://other.example/page"]


def test_an_address_python_cannot_split_is_reported_not_a_500(client, editor, make_article):
    piece = make_article(body="[odd](http://[not-a-host/page)")
    assert link_checks.internal_link_problems(article=piece) == []
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[piece.pk])
    assert client.get(url).status_code == 200


def test_checking_internal_links_costs_the_same_for_one_link_or_many(
    make_article,
):
    def queries_for(links: int) -> int:
        body = " ".join(f"[t{n}](/topics/t-{n}/) [a{n}](/articles/p-{n}/)" for n in range(links))
        piece = make_article(body=body)
        with CaptureQueriesContext(connection) as captured:
            problems = link_checks.internal_link_problems(article=piece)
        assert len(problems) == 2 * links
        return len(captured)

    assert queries_for(1) == queries_for(6)

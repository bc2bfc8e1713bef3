"""Corrections and updates on the record (issue 15, point 1): dated notes to readers on a
published piece, on its page (updates at the top, corrections at the end), on
/corrections/, in the feed and in the piece's JSON-LD; the piece's public "Updated" time
moves with them and never with a typo fix, which the editor chooses in the admin and the
revision history records."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import caching
from articles.models import Article, Correction
from core import http_cache
from tests.admin_forms import admin_form_data
from tests.security.html_safety import json_scripts

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}
PUBLISHED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CORRECTED = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)
UPDATED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def piece(make_article):
    return make_article(
        "Axis of pragmatism",
        slug="axis",
        publish_at=PUBLISHED,
        body="## Trade\n\nTrade rose by 12 per cent.",
    )


@pytest.fixture
def corrected(piece):
    """The piece with a correction, then an update."""
    piece.corrections.create(
        kind=Correction.Kind.CORRECTION,
        text="An earlier version said trade rose by 21 per cent; it rose by 12 < 21.\n"
        "We regret the error.",
        published_at=CORRECTED,
    )
    piece.corrections.create(
        kind=Correction.Kind.UPDATE,
        text="The summit has been postponed to March.",
        published_at=UPDATED,
    )
    piece.refresh_from_db()
    return piece


def page(client, article: Article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def feed_entries(client) -> dict[str, ET.Element]:
    root = ET.fromstring(client.get(reverse("articles:feed")).content)
    return {entry.find("a:title", ATOM).text: entry for entry in root.findall("a:entry", ATOM)}


# The public "Updated" time ---------------------------------------------------------------


def test_a_typo_fix_is_no_update_for_readers(client, piece):
    piece.body = "## Trade\n\nTrade rose by 12 percent."
    piece.save()  # internally changed (caches follow updated_at) ...
    piece.refresh_from_db()
    assert piece.updated_at > PUBLISHED
    assert piece.revised_at is None  # ... publicly not
    html = page(client, piece)
    assert "Updated" not in html
    assert f'content="{PUBLISHED.isoformat()}"' in html  # og article:modified_time


def test_a_note_dates_the_pieces_update_and_its_removal_undoes_it(client, piece, committed):
    note = piece.corrections.create(text="A name was misspelt.", published_at=CORRECTED)
    piece.refresh_from_db()
    assert piece.revised_at == CORRECTED
    html = page(client, piece)
    assert f'Updated <time datetime="{CORRECTED.isoformat()}">28 November 2026</time>' in html
    with committed():
        note.delete()
    piece.refresh_from_db()
    assert piece.revised_at is None
    assert "Updated" not in page(client, piece)


def test_the_newest_note_is_the_update_time(corrected):
    assert corrected.revised_at == UPDATED
    assert corrected.modified_at == UPDATED
    assert [note.kind for note in corrected.corrections.all()] == ["update", "correction"]


def test_a_note_cannot_be_dated_in_the_future(piece):
    note = Correction(article=piece, text="Not yet.", published_at=timezone.now() + timedelta(1))
    with pytest.raises(ValidationError) as refused:
        note.full_clean()
    assert "future" in str(refused.value)


def test_a_note_is_addressed_on_its_piece(corrected):
    note = corrected.corrections.get(kind=Correction.Kind.CORRECTION)
    assert note.get_absolute_url() == f"/articles/axis/#correction-{note.pk}"
    assert str(note) == "Correction of 28 Nov 2026 to Axis of pragmatism"


# The piece's page ------------------------------------------------------------------------


def test_updates_show_under_the_byline_and_corrections_at_the_end(client, corrected):
    update = corrected.corrections.get(kind=Correction.Kind.UPDATE)
    correction = corrected.corrections.get(kind=Correction.Kind.CORRECTION)
    html = page(client, corrected)
    byline, body = html.index("article__meta"), html.index("Trade rose by 12 per cent.")
    update_at = html.index(f'id="correction-{update.pk}"')
    box = html.index('aria-labelledby="corrections-title"')
    assert byline < update_at < body < box < html.index(f'id="correction-{correction.pk}"')
    assert (
        f'<strong>Updated <time datetime="{UPDATED.isoformat()}">30 Nov 2026</time>:</strong> '
        "The summit has been postponed to March." in html
    )
    # Plain text, escaped; its line breaks kept.
    assert "it rose by 12 &lt; 21.<br>We regret the error." in html
    assert f'<time class="corrections-box__date" datetime="{CORRECTED.isoformat()}">' in html
    assert '<a href="#corrections-title">Corrections</a>' in html  # in the contents


def test_json_ld_of_a_corrected_piece(client, corrected):
    correction = corrected.corrections.get(kind=Correction.Kind.CORRECTION)
    data = next(item for item in json_scripts(page(client, corrected)) if "headline" in item)
    assert data["datePublished"] == PUBLISHED.isoformat()
    assert data["dateModified"] == UPDATED.isoformat()  # the update moved it too
    # schema.org's `correction` is for corrections: the update is not one.
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": CORRECTED.isoformat(),
            "url": f"http://testserver/articles/axis/#correction-{correction.pk}",
        }
    ]


def test_json_ld_of_a_piece_never_corrected(client, piece):
    piece.save()  # a typo fix
    data = next(item for item in json_scripts(page(client, piece)) if "headline" in item)
    assert data["dateModified"] == PUBLISHED.isoformat()
    assert "correction" not in data


# The feed --------------------------------------------------------------------------------


def test_feed_entry_of_an_updated_piece(client, corrected, make_article):
    make_article("Never corrected", publish_at=PUBLISHED - timedelta(days=1)).save()
    entries = feed_entries(client)
    entry = entries["Axis of pragmatism"]
    assert entry.find("a:updated", ATOM).text == UPDATED.isoformat()
    assert entry.find("a:published", ATOM).text == PUBLISHED.isoformat()
    content = entry.find("a:content", ATOM).text
    # The notes first, newest first, escaped; then the piece.
    assert content.startswith(
        "<p><strong>Update, 30 November 2026:</strong> The summit has been postponed to March."
        "</p>\n<p><strong>Correction, 28 November 2026:</strong> An earlier version said trade "
        "rose by 21 per cent; it rose by 12 &lt; 21.<br>We regret the error.</p>"
    )
    assert '<h2 id="trade">Trade</h2>' in content
    # A piece saved since it went live, with no note, is not sent again as updated.
    plain = entries["Never corrected"]
    assert plain.find("a:updated", ATOM).text == plain.find("a:published", ATOM).text


def test_sitemap_lastmod_is_the_public_update(client, piece):
    def lastmod() -> str:
        root = ET.fromstring(client.get(reverse("sitemap")).content)
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        urls = {u.find("s:loc", ns).text: u.find("s:lastmod", ns).text for u in root}
        return urls["http://testserver/articles/axis/"]

    piece.save()
    assert lastmod().startswith("2026-11-20")
    piece.corrections.create(text="A date was wrong.", published_at=CORRECTED)
    assert lastmod().startswith("2026-11-28")


# /corrections/ ---------------------------------------------------------------------------


def test_corrections_page_lists_notes_on_published_pieces_newest_first(
    client, corrected, make_article, draft_and_scheduled, settings
):
    for unpublished in draft_and_scheduled:
        unpublished.corrections.create(text=f"Secret note on {unpublished.slug}.")
    other = make_article("Second piece", slug="second")
    newest = other.corrections.create(kind="update", text="Newest <b>note</b>.")
    response = client.get(reverse("articles:corrections"))
    html = response.content.decode()
    assert "Secret note" not in html
    texts = re.findall(r'<p class="correction-list__text">(.*?)</p>', html, re.S)
    assert texts == [
        "Newest &lt;b&gt;note&lt;/b&gt;.",
        "The summit has been postponed to March.",
        "An earlier version said trade rose by 21 per cent; it rose by 12 &lt; 21.<br>We "
        "regret the error.",
    ]
    assert f'<a href="/articles/second/#correction-{newest.pk}">Second piece</a>' in html
    assert '<span class="correction-list__kind">Update</span>' in html
    # Shared like the other lists, purged by its own key.
    assert "public" in response["Cache-Control"]
    assert "corrections" in response[http_cache.KEY_HEADER].split()
    # Paginated like them.
    settings.ARTICLES_PER_PAGE = 2
    second = client.get(reverse("articles:corrections"), {"page": 2}).content.decode()
    assert "We regret the error." in second
    assert "Page 2 of 2" in second


def test_corrections_page_without_notes_and_the_footer_link(client, piece):
    html = client.get(reverse("articles:corrections")).content.decode()
    assert "No corrections or updates yet." in html
    home = client.get(reverse("articles:home")).content.decode()
    assert f'<a href="{reverse("articles:corrections")}">Corrections</a>' in home


# Caches ----------------------------------------------------------------------------------


def test_a_note_purges_its_piece_the_lists_and_the_corrections_page(piece, committed, purges):
    before = http_cache.current_versions(caching.EDITORIAL)
    with committed():
        note = piece.corrections.create(text="A figure was wrong.")
    assert set().union(*purges) == {f"article-{piece.pk}", "listing", "corrections"}
    assert http_cache.current_versions(caching.EDITORIAL) != before
    purges.clear()
    with committed():
        note.delete()
    assert set().union(*purges) == {f"article-{piece.pk}", "listing", "corrections"}


@pytest.mark.usefixtures("page_cache")
def test_a_cached_page_shows_a_new_note(client, piece, committed):
    assert "A figure was wrong." not in page(client, piece)  # now kept
    with committed():
        piece.corrections.create(text="A figure was wrong.")
    assert "A figure was wrong." in page(client, piece)
    with committed():
        piece.corrections.update(text="Unseen")  # no signal: proves the page above was kept
    assert "Unseen" not in page(client, piece)


def test_a_note_moves_the_pieces_last_modified(client, piece):
    """Conditional GETs (the feed's Last-Modified) answer a new note, not a stale 304."""
    before = Article.objects.published().last_modified()
    piece.corrections.create(text="A figure was wrong.")
    assert Article.objects.published().last_modified() > before


# The editor's choice in the admin ----------------------------------------------------------


@pytest.fixture
def change_url(piece):
    return reverse("admin:articles_article_change", args=[piece.pk])


def note_data(kind: str = "correction", text: str = "It rose by 12 per cent, not 21.") -> dict:
    return {
        "corrections-TOTAL_FORMS": "1",
        "corrections-0-kind": kind,
        "corrections-0-published_at_0": "2026-11-29",
        "corrections-0-published_at_1": "10:00:00",
        "corrections-0-text": text,
    }


def comment_of_last_revision(piece: Article) -> str:
    return Version.objects.get_for_object(piece).first().revision.comment


def test_changing_a_published_piece_asks_what_the_change_is(client, editor, change_url, admin_post):
    client.force_login(editor)
    response = admin_post(client, change_url, body="Trade rose by 13 per cent.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "you changed its text: choose whether this is a typo or style fix" in html
    assert "Trade rose by 13 per cent.</textarea>" in html  # what they typed is kept
    assert Article.objects.get(slug="axis").body.endswith("12 per cent.")


def test_a_typo_fix_saves_without_a_note_and_says_so_in_the_history(
    client, editor, piece, change_url, admin_post
):
    client.force_login(editor)
    response = admin_post(client, change_url, body="Trade rose by 12 percent.", change_kind="typo")
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.body == "Trade rose by 12 percent."
    assert piece.revised_at is None
    assert comment_of_last_revision(piece) == (
        "Changed Body. Typo or style fix: no note to readers."
    )


def test_a_correction_saves_with_its_note_and_says_so_in_the_history(
    client, editor, piece, change_url, admin_post
):
    client.force_login(editor)
    response = admin_post(
        client, change_url, body="Trade rose by 12 per cent.", change_kind="note", **note_data()
    )
    assert response.status_code == 302
    note = piece.corrections.get()
    assert (note.kind, note.created_by, note.text) == (
        "correction",
        editor,
        "It rose by 12 per cent, not 21.",
    )
    piece.refresh_from_db()
    assert piece.revised_at == datetime(2026, 11, 29, 10, tzinfo=UTC)
    comment = comment_of_last_revision(piece)
    assert "Added correction or update" in comment
    assert comment.endswith("Correction or update: a note to readers.")


def test_a_correction_without_its_note_is_refused_keeping_the_text(
    client, editor, piece, change_url, admin_post
):
    client.force_login(editor)
    response = admin_post(client, change_url, body="Trade rose by 13 per cent.", change_kind="note")
    assert response.status_code == 200
    html = response.content.decode()
    assert "add the note for readers here" in html
    assert "Trade rose by 13 per cent.</textarea>" in html
    assert not piece.corrections.exists()


def test_a_note_alone_needs_no_choice(client, editor, piece, change_url, admin_post):
    client.force_login(editor)
    assert (
        admin_post(client, change_url, **note_data("update", "Talks resumed.")).status_code == 302
    )
    assert piece.corrections.get().kind == "update"


def test_unpublished_pieces_are_edited_as_before(client, editor, make_article, admin_post):
    draft = make_article("A draft", status=Article.Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    assert "What is this change?" not in client.get(url).content.decode()
    assert admin_post(client, url, body="Rewritten at will.").status_code == 302


def test_the_choice_is_offered_on_published_pieces(client, editor, change_url):
    client.force_login(editor)
    html = client.get(change_url).content.decode()
    assert "What is this change?" in html
    assert "Typo or style fix (no note to readers)" in html
    assert "Corrections and updates" in html  # the notes' inline


def test_saving_a_published_piece_untouched_asks_nothing(client, editor, change_url):
    """A browser sends the text back with CRLF line ends: no change for all that."""
    client.force_login(editor)
    data = admin_form_data(client.get(change_url))
    data["body"] = data["body"].replace("\n", "\r\n") + "\r\n"
    assert client.post(change_url, data).status_code == 302


def test_a_revert_never_drops_a_note_editors_cannot_delete(
    client, editor, piece, change_url, admin_post
):
    client.force_login(editor)
    admin_post(client, change_url, body="Trade rose by 12 percent.", change_kind="typo")
    before = Version.objects.get_for_object(piece).first()
    admin_post(client, change_url, **note_data())
    revert = reverse("admin:articles_article_revision", args=[piece.pk, before.pk])
    response = client.get(revert, follow=True)
    assert "which you may not delete" in response.content.decode()
    assert piece.corrections.count() == 1

"""Reverting a piece (django-reversion's "revert to this version") deletes the rows of
every inline it follows that the chosen version lacks. It never deletes what the person
reverting may not delete: editors lack `delete_faqitem`, so a revert that would delete FAQ
items is refused before anything changes and says why; related-guide links, which
editors may delete, go as before; a superuser's revert restores the version exactly."""

import html

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from faq.models import FaqItem
from tests.admin_forms import admin_form_data

LAUNCH_GUIDE = "effectiveness-of-international-sanctions"


@pytest.fixture
def piece_with_history(launched, make_article):
    """The launch piece with a version before a fifth FAQ item and a guide link were added."""
    with reversion.create_revision():
        launched.save()
    before = Version.objects.get_for_object(launched).first()
    guide = make_article("A later guide", kind=Article.Kind.GUIDE)
    with reversion.create_revision():
        FaqItem.objects.create(article=launched, question="Added later?", answer="Yes.", order=9)
        launched.guide_links.create(guide=guide, position=0)
        launched.save()
    return launched, before


def _revert(client, piece, version):
    url = reverse("admin:articles_article_revision", args=[piece.pk, version.pk])
    page = client.get(url)
    if page.status_code != 200:
        return page, client.post(url, {})
    return page, client.post(url, admin_form_data(page))


def test_an_editor_cannot_delete_faq_items_by_reverting(client, editor, piece_with_history):
    piece, before = piece_with_history
    count = piece.faq_items.count()
    client.force_login(editor)
    shown, posted = _revert(client, piece, before)
    assert shown.status_code == 302  # told before they press Save
    assert piece.faq_items.count() == count
    assert piece.faq_items.filter(question="Added later?").exists()
    assert posted.status_code == 302
    assert piece.faq_items.count() == count
    told = html.unescape(client.get(shown["Location"]).content.decode())
    assert "FAQ item" in told
    assert "Added later?" in told
    assert "may not delete" in told


def test_related_guide_links_editors_may_delete_are_reverted_as_before(
    client, editor, launched, make_article
):
    guide = make_article("A guide", kind=Article.Kind.GUIDE)
    with reversion.create_revision():
        launched.save()
    before = Version.objects.get_for_object(launched).first()
    with reversion.create_revision():
        launched.guide_links.create(guide=guide, position=0)
        launched.save()
    client.force_login(editor)
    shown, posted = _revert(client, launched, before)
    assert shown.status_code == 200
    assert posted.status_code == 302
    assert list(launched.guide_links.values_list("guide__slug", flat=True)) == [LAUNCH_GUIDE]
    assert launched.faq_items.count() == 4  # the version had them all


def test_a_superuser_reverts_exactly(client, make_user, piece_with_history):
    piece, before = piece_with_history
    client.force_login(make_user(is_staff=True, is_superuser=True))
    _, posted = _revert(client, piece, before)
    assert posted.status_code == 302
    assert not piece.faq_items.filter(question="Added later?").exists()
    assert list(piece.guide_links.values_list("guide__slug", flat=True)) == [LAUNCH_GUIDE]

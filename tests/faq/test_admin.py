"""Editors manage FAQ items in the admin, on a piece's page and on their own; moderators cannot."""

import pytest
import reversion
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from core.roles import EDITORS, MODERATORS
from faq.models import FaqItem
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


def test_editors_have_exactly_view_add_change_and_moderators_nothing():
    def faq_perms(group: str) -> set[str]:
        return set(
            Group.objects.get(name=group)
            .permissions.filter(content_type__app_label="faq")
            .values_list("codename", flat=True)
        )

    assert faq_perms(EDITORS) == {"view_faqitem", "add_faqitem", "change_faqitem"}
    assert faq_perms(MODERATORS) == set()


def test_editor_finds_items_by_search_and_filters(client, editor, make_article, make_faq_item):
    piece = make_article("Sanctions explained")
    make_faq_item("Do sanctions work?", article=piece)
    make_faq_item("Hidden question?", article=piece, is_published=False)
    make_faq_item("How do I comment?")
    client.force_login(editor)
    url = reverse("admin:faq_faqitem_changelist")

    def listed(query: str) -> set[str]:
        response = client.get(url + query)
        assert response.status_code == 200
        return {str(item) for item in response.context["cl"].result_list}

    assert listed("") == {"Do sanctions work?", "Hidden question?", "How do I comment?"}
    assert listed("?q=sanctions") == {"Do sanctions work?", "Hidden question?"}
    assert listed("?is_published__exact=0") == {"Hidden question?"}
    assert listed(f"?article__id__exact={piece.pk}") == {"Do sanctions work?", "Hidden question?"}
    assert listed("?article__isnull=True") == {"How do I comment?"}


def test_editor_adds_an_item_whose_answer_is_rendered(client, editor, make_article):
    piece = make_article()
    client.force_login(editor)
    add_url = reverse("admin:faq_faqitem_add")
    form_html = client.get(add_url).content.decode()
    assert 'name="answer_html"' not in form_html
    response = client.post(
        add_url,
        {
            "question": "What is new?",
            "answer": "*Much* is new.",
            "article": piece.pk,
            "order": 5,
            "is_published": "on",
            "answer_html": "<script>alert(1)</script>",  # not a field: ignored
        },
    )
    assert response.status_code == 302
    item = FaqItem.objects.get(question="What is new?")
    assert item.answer_html == "<p><em>Much</em> is new.</p>"
    assert (item.article, item.order, item.is_published) == (piece, 5, True)


def test_view_on_site_goes_to_the_question_or_to_a_drafts_preview(
    client, editor, make_article, make_faq_item
):
    live = make_faq_item(article=make_article(slug="live"))
    draft = make_faq_item(article=make_article(slug="draft", status=Article.Status.DRAFT))
    client.force_login(editor)
    for item, expected in (
        (live, f"/articles/live/#faq-{live.pk}"),
        (draft, f"/articles/draft/preview/#faq-{draft.pk}"),
    ):
        html = client.get(reverse("admin:faq_faqitem_change", args=[item.pk])).content.decode()
        assert f'href="{expected}"' in html


def test_editor_cannot_delete_items_but_can_unpublish_them(client, editor, make_faq_item):
    item = make_faq_item()
    client.force_login(editor)
    assert client.get(reverse("admin:faq_faqitem_delete", args=[item.pk])).status_code == 403
    assert not editor.has_perm("faq.delete_faqitem")
    page = client.get(reverse("admin:faq_faqitem_change", args=[item.pk])).content.decode()
    assert "Items are not deleted: unpublish an item instead" in page  # told where it matters


def test_moderators_cannot_manage_faq_items(client, moderator, make_faq_item):
    item = make_faq_item()
    client.force_login(moderator)
    for url in (
        reverse("admin:faq_faqitem_changelist"),
        reverse("admin:faq_faqitem_add"),
        reverse("admin:faq_faqitem_change", args=[item.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_article_admin_shows_the_faq_as_an_ordered_inline(client, editor, launched):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[launched.pk]))
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    faq = formsets["faq_items"]
    assert [form.instance.question for form in faq.forms] == [
        item.question for item in launched.faq_items.all()
    ]
    assert "answer_html" not in faq.forms[0].fields
    assert not faq.can_delete  # editors unpublish instead


def test_editor_rewords_and_reorders_items_in_the_article_admin(client, editor, launched):
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[launched.pk])
    last = list(launched.faq_items.all())[-1]
    data = admin_form_data(
        client.get(url),
        **{
            "faq_items-0-question": "Why is Pyongyang courting Southeast Asia?",
            "faq_items-3-order": 0,
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    questions = list(launched.faq_items.values_list("question", flat=True))
    assert questions[0] == last.question
    assert questions[1] == "Why is Pyongyang courting Southeast Asia?"
    assert FaqItem.objects.count() == 4


def test_reverting_a_piece_restores_its_faq(client, editor, launched):
    with reversion.create_revision():
        launched.save()  # a revision of the piece, following its FAQ items
    item = launched.faq_items.first()
    original = item.question
    item.question = "A later edit?"
    item.save()

    version = Version.objects.get_for_object(launched).first()
    version.revision.revert(delete=True)

    item.refresh_from_db()
    assert item.question == original
    assert item.answer_html  # the rendered answer is restored with it

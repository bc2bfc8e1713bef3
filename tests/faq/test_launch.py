"""The launch piece's four questions, word for word and in order, loaded once."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import launch
from core.markdown import html_to_text
from faq.models import FaqItem

from .pages import ld_questions, visible_questions

pytestmark = pytest.mark.django_db

SEED_QUESTIONS = [
    "What is driving North Korea’s interest in Southeast Asia?",
    "Are Vietnam and Laos risking international repercussions by cooperating with North Korea?",
    "Could this trend lead to a weakening of international sanctions against North Korea?",
    "What is the role of China in this evolving dynamic?",
]


def test_seed_has_four_questions_without_their_markers():
    faq = launch.read_seed().faq
    assert [question for question, _ in faq] == SEED_QUESTIONS
    assert all(not answer.startswith("A:") for _, answer in faq)
    assert faq[1][1].startswith("Yes, they face the risk of secondary sanctions")


def test_loader_creates_the_four_items_word_for_word_in_the_seeds_order(launched):
    items = list(launched.faq_items.all())
    seed = launch.read_seed().faq
    assert [(item.question, item.answer) for item in items] == seed
    assert [html_to_text(item.answer_html) for item in items] == [a for _, a in seed]
    assert all(item.is_published for item in items)
    assert [item.order for item in items] == [1, 2, 3, 4]


def test_management_command_loads_the_faq_once(db):
    call_command("load_launch_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_launch_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert FaqItem.objects.filter(article__slug=launch.ARTICLE_SLUG).count() == 4


def test_loading_twice_still_makes_four_items(launched):
    before = list(FaqItem.objects.values_list("pk", "question", "answer", "order", "updated_at"))
    report, _piece = launch.load()
    assert FaqItem.objects.count() == 4
    assert list(FaqItem.objects.values_list("pk", "question", "answer", "order", "updated_at")) == (
        before
    )
    assert f"FAQ of {launch.ARTICLE_SLUG}" in report.kept


def test_rerun_keeps_an_editors_edits_unpublishing_and_order(client, launched):
    first, second, _third, fourth = launched.faq_items.all()
    first.question = "Why is Pyongyang courting Southeast Asia?"
    first.save()
    second.is_published = False
    second.save()
    fourth.order = 0
    fourth.save()

    launch.load()

    assert FaqItem.objects.count() == 4
    html = client.get(launched.get_absolute_url()).content.decode()
    assert [q["text"] for q in visible_questions(html)] == [
        SEED_QUESTIONS[3],
        "Why is Pyongyang courting Southeast Asia?",
        SEED_QUESTIONS[2],
    ]
    assert [name for name, _ in ld_questions(html)] == [q["text"] for q in visible_questions(html)]


def test_four_launch_items_on_the_piece_and_on_the_faq_page_in_order(client, launched):
    piece_html = client.get(launched.get_absolute_url()).content.decode()
    faq_html = client.get(reverse("faq:index")).content.decode()
    for html in (piece_html, faq_html):
        assert [q["text"] for q in visible_questions(html)] == SEED_QUESTIONS
        assert [name for name, _ in ld_questions(html)] == SEED_QUESTIONS

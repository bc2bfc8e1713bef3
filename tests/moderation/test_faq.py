"""Promote to FAQ: a reader's question in the discussion becomes a draft FAQ item on the
piece, credited by display name when the reader agreed; readers see where it came from."""

import html

import pytest
from django.urls import reverse

from accounts.services import delete_account
from comments import posting
from comments.models import Comment
from faq.models import FaqItem
from faq.services import PromotionError, promote_comment_to_faq

State = Comment.State


@pytest.fixture
def question(trusted, piece):
    """A published question whose reader agreed to be credited."""
    return posting.post_comment(
        target=piece,
        author=trusted,
        body="Does *ASEAN* have a common position on North Korea?",
        allow_faq_credit=True,
    ).comment


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_form_asks_readers_whether_they_may_be_credited(client, trusted, piece_url, post_url):
    client.force_login(trusted)
    page = _text(client.get(piece_url))
    assert "If my question is chosen for the FAQ, credit me by my display name" in page
    client.post(post_url, {"body": "A question?", "allow_faq_credit": "1"})
    client.post(post_url, {"body": "Another question?"})
    assert Comment.objects.get(body="A question?").allow_faq_credit
    assert not Comment.objects.get(body="Another question?").allow_faq_credit


def test_promoting_makes_a_draft_on_the_piece_crediting_the_reader(question, editor, piece):
    item, created = promote_comment_to_faq(comment=question, editor=editor, credit=True)
    assert created
    assert (item.article, item.source_comment, item.is_published, item.answer) == (
        piece,
        question,
        False,
        "",
    )
    assert item.question == "Does ASEAN have a common position on North Korea?"
    assert item.credit_name == "Trusted Reader"
    again, created = promote_comment_to_faq(comment=question, editor=editor, credit=True)
    assert (again, created) == (item, False)


def test_no_credit_unless_the_reader_agreed(trusted, piece, editor):
    shy = posting.post_comment(target=piece, author=trusted, body="Is this legal?").comment
    with pytest.raises(PromotionError, match="did not agree"):
        promote_comment_to_faq(comment=shy, editor=editor, credit=True)
    item, _ = promote_comment_to_faq(comment=shy, editor=editor, credit=False)
    assert item.credit_name == ""


def test_only_editors_promote_and_only_published_questions(question, moderator, editor, held):
    with pytest.raises(PromotionError, match="Only editors"):
        promote_comment_to_faq(comment=question, editor=moderator, credit=False)
    with pytest.raises(PromotionError, match="published comment"):
        promote_comment_to_faq(comment=held, editor=editor, credit=False)
    assert not FaqItem.objects.exists()


def test_an_editor_promotes_from_the_admin_answers_and_publishes(
    client, editor, question, piece, piece_url, committed
):
    client.force_login(editor)
    changelist = reverse("admin:comments_comment_changelist")
    response = client.post(
        f"{changelist}?queue=published",
        {"action": "promote_to_faq", "_selected_action": [question.pk], "index": 0},
    )
    promote_url = reverse("admin:faq_faqitem_promote", args=[question.pk])
    assert response["Location"] == promote_url
    form = _text(client.get(promote_url))
    assert "Does ASEAN have a common position on North Korea?" in form
    assert "They agreed: “Asked by Trusted Reader in the discussion”." in form
    response = client.post(
        promote_url, {"question": "Does ASEAN agree on North Korea?", "credit": "on"}
    )
    item = FaqItem.objects.get()
    assert response["Location"] == reverse("admin:faq_faqitem_change", args=[item.pk])
    assert "write the answer" in _text(client.get(response["Location"]))
    assert "Does ASEAN agree on North Korea?" not in _text(client.get(piece_url))  # a draft

    # The editor answers and publishes it in the admin; readers see where it came from.
    item.answer = "Not yet: members differ."
    item.is_published = True
    with committed():  # as the admin's save does: cached pages learn of it on commit
        item.save()
    page = _text(client.get(piece_url))
    assert "Does ASEAN agree on North Korea?" in page
    locate = reverse("comments:locate", args=[question.pk])
    assert f'Asked by Trusted Reader in <a href="{locate}">the discussion</a>.' in page
    assert "Asked by Trusted Reader" in _text(client.get(reverse("faq:index")))


def test_an_uncredited_question_still_says_where_it_came_from(
    client, trusted, piece, editor, piece_url
):
    comment = posting.post_comment(target=piece, author=trusted, body="Why now?").comment
    item, _ = promote_comment_to_faq(comment=comment, editor=editor, credit=False)
    item.answer = "Because."
    item.is_published = True
    item.save()
    page = _text(client.get(piece_url))
    assert "A reader’s question from" in page
    assert "Trusted Reader" not in page.split('class="faq"')[1].split("</section>")[0]


def test_moderators_cannot_promote(client, moderator, question):
    client.force_login(moderator)
    assert client.get(reverse("admin:faq_faqitem_promote", args=[question.pk])).status_code == 403
    changelist = client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert "promote_to_faq" not in changelist


def test_a_reader_who_deletes_their_account_is_no_longer_credited(question, editor):
    item, _ = promote_comment_to_faq(comment=question, editor=editor, credit=True)
    delete_account(user=question.author)
    item.refresh_from_db()
    assert item.credit_name == ""
    assert item.source_comment == question

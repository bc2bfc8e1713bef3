"""FAQ items made from what readers asked in a piece's discussion."""

from django.db import transaction
from django.db.models import Max

from comments.models import Comment
from core.markdown import html_to_text

from .models import FaqItem

QUESTION_MAX_LENGTH = FaqItem._meta.get_field("question").max_length


class PromotionError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def suggested_question(comment: Comment) -> str:
    """The comment's text as one line, cut at a word to fit a question."""
    text = html_to_text(comment.body_html) or " ".join(comment.body.split())
    if len(text) <= QUESTION_MAX_LENGTH:
        return text
    return text[: QUESTION_MAX_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def can_credit(comment: Comment) -> bool:
    """The reader agreed to be credited, and their account still exists."""
    author = comment.author
    return bool(comment.allow_faq_credit and not getattr(author, "is_deleted", False))


def promote_comment_to_faq(
    *, comment: Comment, editor, credit: bool, question: str | None = None
) -> tuple[FaqItem, bool]:
    """A draft FAQ item on the comment's piece from a reader's published question.

    Unpublished and without an answer: the editor writes the answer and publishes it in
    the admin. Credited by the reader's display name only when `credit` and the reader
    agreed. A comment already promoted gives its item back. Returns (item, created).
    """
    if not editor.has_perm("faq.add_faqitem"):
        raise PromotionError("Only editors can add FAQ items.")
    if comment.state != Comment.State.APPROVED:
        raise PromotionError(
            "Only a published comment can become an FAQ item; this one is "
            f"{comment.get_state_display().lower()}."
        )
    if credit and not can_credit(comment):
        raise PromotionError(
            "The reader did not agree to be credited by name, so the item can't credit them."
        )
    question = " ".join((question or suggested_question(comment)).split())
    if not question:
        raise PromotionError("Write the question.")
    if len(question) > QUESTION_MAX_LENGTH:
        raise PromotionError(
            f"The question is {len(question)} characters long; the limit is "
            f"{QUESTION_MAX_LENGTH}. Shorten it."
        )
    with transaction.atomic():
        existing = FaqItem.objects.filter(source_comment=comment).first()
        if existing is not None:
            return existing, False
        last = FaqItem.objects.filter(article_id=comment.target_id).aggregate(n=Max("order"))["n"]
        item = FaqItem.objects.create(
            article_id=comment.target_id,
            question=question,
            answer="",
            is_published=False,
            order=(last or 0) + 1,
            source_comment=comment,
            credit_name=comment.author.public_name if credit else "",
        )
    return item, True

import itertools

import pytest

from articles import launch
from faq.models import FaqItem

_sequence = itertools.count(1)


@pytest.fixture
def make_faq_item(db):
    """A published item; site-wide unless given a piece."""

    def make(question: str | None = None, *, article=None, **fields) -> FaqItem:
        n = next(_sequence)
        return FaqItem.objects.create(
            question=question or f"Question number {n}?",
            answer=fields.pop("answer", f"Answer number {n}."),
            article=article,
            **fields,
        )

    return make


@pytest.fixture
def launched(db):
    """The launch content, loaded as `make run` loads it; returns the launch piece."""
    _report, piece = launch.load()
    return piece

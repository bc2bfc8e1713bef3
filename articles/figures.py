"""What the editor sees beside the Markdown: the piece's figures (words, reading time, how
hard it reads), computed from the same rendering readers get (Article.render)."""

import re
from dataclasses import dataclass

from core.markdown import html_to_text
from core.text import flesch_band, flesch_reading_ease

from .models import Article

# Where one block of the rendered body ends: a heading or a list item ends a sentence for
# readability even without a full stop.
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre|figcaption|td|th)>")


@dataclass(frozen=True)
class Figures:
    words: int
    minutes: int
    reading_ease: int | None  # None: no words to measure
    reading_ease_band: str


def of_piece(*, article: Article) -> Figures:
    """The figures of `article` as rendered (call Article.render first on an unsaved one)."""
    blocks = "\n".join(html_to_text(block) for block in _BLOCK_END.split(article.body_html))
    score = flesch_reading_ease(blocks)
    return Figures(
        words=article.word_count,
        minutes=article.reading_minutes,
        reading_ease=None if score is None else round(score),
        reading_ease_band="" if score is None else flesch_band(score),
    )

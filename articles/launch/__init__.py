"""The launch content: the publisher's piece, word for word, and the guide it links to.

`load()` fills in what is missing and never touches what exists. An editor owns a piece
from the moment it is created, so a piece, topic or author is matched by its slug and
left as it is when found; a related-guide link is added only to a piece created now.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.db import transaction
from django.urls import reverse

from articles.models import Article, Author, RelatedGuide, Topic
from faq.models import FaqItem

HERE = Path(__file__).resolve().parent
ARTICLE_SLUG = "north-korea-southeast-asia-strategy"
GUIDE_SLUG = "effectiveness-of-international-sanctions"
GUIDE_LINK_TEXT = "our guide on the effectiveness of international sanctions"
FAQ_HEADING = "Frequently Asked Questions"
# In the publisher's text a section heading is a line of its own, far shorter than any
# paragraph; the longest heading has 58 characters, the shortest paragraph over 150.
HEADING_MAX_LENGTH = 90

TOPICS = {
    "north-korea": (
        "North Korea",
        "The Democratic People's Republic of Korea: its strategy, "
        "economy and relations with the world.",
    ),
    "southeast-asia": (
        "Southeast Asia",
        "The ten ASEAN states and Timor-Leste, and the powers "
        "that compete for influence among them.",
    ),
    "sanctions": (
        "Sanctions",
        "How economic and diplomatic sanctions are designed, enforced "
        "and evaded, and whether they work.",
    ),
}
AUTHOR = (
    "analysis-desk",
    "Analysis Desk",
    "Meridian's editorial team, writing analysis and explainers on international affairs.",
)


@dataclass
class SeedArticle:
    title: str
    blocks: list[tuple[str, str]]  # ("h2" | "p", text), in reading order
    faq: list[tuple[str, str]]
    prompt: str

    @property
    def headings(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "h2"]

    @property
    def paragraphs(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "p"]


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def parse_seed(text: str) -> SeedArticle:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title, rest = lines[0], lines[1:]
    faq_at = rest.index(FAQ_HEADING)
    blocks = [("h2" if len(line) <= HEADING_MAX_LENGTH else "p", line) for line in rest[:faq_at]]
    faq_lines, prompt = rest[faq_at + 1 : -1], rest[-1]
    faq = [
        (question.removeprefix("Q:").strip(), answer.removeprefix("A:").strip())
        for question, answer in zip(faq_lines[::2], faq_lines[1::2], strict=True)
    ]
    return SeedArticle(title=title, blocks=blocks, faq=faq, prompt=prompt)


def read_seed() -> SeedArticle:
    return parse_seed((HERE / f"{ARTICLE_SLUG}.txt").read_text(encoding="utf-8"))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def seed_markdown(seed: SeedArticle) -> str:
    """The piece as Markdown: its words unchanged, its headings as ##, one link added."""
    guide_url = reverse("articles:detail", kwargs={"slug": GUIDE_SLUG})
    parts = []
    for kind, text in seed.blocks:
        text = _escape_markdown(text)
        if kind == "h2":
            parts.append(f"## {text}")
        else:
            parts.append(text.replace(GUIDE_LINK_TEXT, f"[{GUIDE_LINK_TEXT}]({guide_url})"))
    return "\n\n".join(parts) + "\n"


def _topics(report: LoadReport) -> dict[str, Topic]:
    topics = {}
    for slug, (name, description) in TOPICS.items():
        topic, created = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        (report.created if created else report.kept).append(f"topic {slug}")
        topics[slug] = topic
    return topics


def _article(report: LoadReport, slug: str, defaults: dict) -> tuple[Article, bool]:
    article = Article.objects.filter(slug=slug).first()
    if article:
        report.kept.append(f"piece {slug}")
        return article, False
    with reversion.create_revision():
        reversion.set_comment("Loaded as launch content.")
        article = Article.objects.create(slug=slug, status=Article.Status.PUBLISHED, **defaults)
    report.created.append(f"piece {slug}")
    return article, True


@transaction.atomic
def load() -> tuple[LoadReport, Article]:
    report = LoadReport()
    topics = _topics(report)
    author, created = Author.objects.get_or_create(
        slug=AUTHOR[0], defaults={"name": AUTHOR[1], "bio": AUTHOR[2]}
    )
    (report.created if created else report.kept).append(f"author {author.slug}")

    guide, guide_created = _article(
        report,
        GUIDE_SLUG,
        {
            "title": "Do International Sanctions Work? A Guide",
            "kind": Article.Kind.GUIDE,
            "standfirst": "What sanctions are for, when they change a government’s behaviour, "
            "and why North Korea has withstood nearly two decades of them.",
            "body": (HERE / f"{GUIDE_SLUG}.md").read_text(encoding="utf-8"),
            "discussion_prompt": "Have sanctions worked anywhere you follow closely? "
            "Tell us where, and why.",
        },
    )
    if guide_created:
        guide.topics.set([topics["sanctions"], topics["north-korea"]])
        guide.authors.set([author])

    seed = read_seed()
    article, created = _article(
        report,
        ARTICLE_SLUG,
        {
            "title": seed.title,
            "kind": Article.Kind.ANALYSIS,
            "standfirst": "Vietnam and Laos are offering Pyongyang legitimacy, labour markets "
            "and routes around sanctions. What the regime wants from Southeast Asia, and "
            "what it could cost the region.",
            "body": seed_markdown(seed),
            "discussion_prompt": seed.prompt,
        },
    )
    if created:
        article.topics.set(topics.values())
        article.authors.set([author])
        RelatedGuide.objects.create(article=article, guide=guide, position=0)
    _faq(report, article, seed.faq)
    return report, article


def _faq(report: LoadReport, article: Article, faq: list[tuple[str, str]]) -> None:
    """The seed's questions as the piece's FAQ items, in the seed's order.

    They are created only when the piece has no FAQ items at all, published or not. From
    then on the FAQ is the editors': a rerun never restores a question they reworded, an
    item they unpublished or removed, or an order they changed. (Only a piece left with no
    items at all, which editors cannot do since they unpublish rather than delete, would
    get the seed's four again.)
    """
    if article.faq_items.exists():
        report.kept.append(f"FAQ of {article.slug}")
        return
    with reversion.create_revision():
        reversion.set_comment("Launch FAQ loaded.")
        for position, (question, answer) in enumerate(faq, start=1):
            # The question is plain text; the answer is Markdown, so its words are escaped.
            FaqItem.objects.create(
                article=article, question=question, answer=_escape_markdown(answer), order=position
            )
    report.created.append(f"{len(faq)} FAQ items on {article.slug}")

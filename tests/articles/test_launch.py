"""The launch content: the publisher's piece word for word, its guide, safe to load twice."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import launch
from articles.models import Article, RelatedGuide, Topic

pytestmark = pytest.mark.django_db

SEED_FILE = Path(launch.__file__).parent / "north-korea-southeast-asia-strategy.txt"


def seed_lines() -> list[str]:
    return [line.strip() for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line]


def visible_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def loaded(db):
    call_command("load_launch_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Article.objects.get(slug=launch.ARTICLE_SLUG)


def test_the_shipped_seed_is_the_publishers_text():
    shared = Path(__file__).resolve().parents[3] / "shared" / "seed"
    if not shared.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    original = next(shared.glob("*.txt")).read_text(encoding="utf-8")
    assert SEED_FILE.read_text(encoding="utf-8") == original


def test_piece_page_has_every_heading_and_paragraph_word_for_word(client, loaded):
    html = client.get(reverse("articles:detail", kwargs={"slug": launch.ARTICLE_SLUG})).content
    html = html.decode()
    lines = seed_lines()
    seed = launch.read_seed()
    assert lines[0] == seed.title
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == [seed.title]
    h2_texts = [unescape(t) for t in re.findall(r'<h2 id="[^"]+">(.*?)</h2>', loaded.body_html)]
    assert h2_texts == seed.headings
    assert len(seed.headings) == 6
    page_text = visible_text(html)
    for paragraph in seed.paragraphs:
        assert paragraph in page_text
    assert seed.prompt in page_text
    assert seed.prompt == lines[-1]


def test_every_seed_line_is_accounted_for(loaded):
    seed = launch.read_seed()
    accounted = [seed.title, *seed.headings, *seed.paragraphs, launch.FAQ_HEADING, seed.prompt]
    accounted += [f"Q: {q}" for q, _ in seed.faq] + [f"A: {a}" for _, a in seed.faq]
    assert sorted(accounted) == sorted(seed_lines())


def test_sentence_links_to_the_published_guide(client, loaded):
    guide = Article.objects.published().get(slug=launch.GUIDE_SLUG)
    assert guide.kind == Article.Kind.GUIDE
    guide_url = reverse("articles:detail", kwargs={"slug": launch.GUIDE_SLUG})
    assert guide_url == "/articles/effectiveness-of-international-sanctions/"
    html = client.get(loaded.get_absolute_url()).content.decode()
    assert (
        f'See <a href="http://testserver{guide_url}">our guide on the effectiveness of '
        "international sanctions</a> for a deeper dive." in html
    )
    assert client.get(guide_url).status_code == 200
    assert list(
        RelatedGuide.objects.filter(article=loaded).values_list("guide__slug", flat=True)
    ) == [launch.GUIDE_SLUG]


def test_topics_and_prompt(loaded):
    assert {"North Korea", "Southeast Asia", "Sanctions"} <= set(
        loaded.topics.values_list("name", flat=True)
    )
    assert loaded.discussion_prompt.startswith("What are your thoughts on North Korea’s")


def test_loading_twice_changes_nothing(loaded):
    def snapshot():
        return (
            list(Article.objects.values_list("slug", "title", "body", "updated_at")),
            list(Topic.objects.values_list("slug", "name")),
            list(RelatedGuide.objects.values_list("article_id", "guide_id")),
        )

    before = snapshot()
    call_command("load_launch_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == before


def test_loader_never_overwrites_an_editors_edits(loaded):
    loaded.title = "An editor's better headline"
    loaded.save()
    loaded.guide_links.all().delete()
    launch.load()
    loaded.refresh_from_db()
    assert loaded.title == "An editor's better headline"
    assert not loaded.guide_links.exists()

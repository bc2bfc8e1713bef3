"""An editor writes a piece in the admin in Markdown (with a pull-quote), previews it,
attaches an FAQ item and a related guide, schedules it, and it then publishes itself: it
appears on the front page, its topic's page, the feed and search."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from core.roles import EDITORS

from .conftest import PASSWORD, screenshot, sign_in

pytestmark = pytest.mark.browser

BODY = """Mekong states trade with everyone, and sanctions run through their ports.

## The river economy

Trade along the Mekong has doubled in a decade.

> [!pullquote]
> Sanctions leak where trade is thickest and oversight thinnest.
>
> -- Dr Lena Park, Mekong Institute

## What enforcement would take

Monitoring, and penalties for those who help evade them.
"""


def _autocomplete(page, field_id: str, text: str) -> None:
    """Pick `text` in one of the admin's autocomplete (select2) fields."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_writes_previews_schedules_and_the_piece_publishes_itself(
    new_page, make_user, make_topic, make_article
):
    make_user("editor@example.com", password=PASSWORD, groups=[EDITORS], is_staff=True)
    make_topic("Mekong", slug="mekong")
    make_article(
        "How Sanctions Are Enforced",
        slug="how-sanctions-are-enforced",
        kind=Article.Kind.GUIDE,
        standfirst="Monitoring, penalties and the people who evade them.",
    )

    editor = new_page()
    sign_in(editor, "editor@example.com", next_url="/admin/articles/article/add/")
    assert editor.url.endswith("/admin/articles/article/add/")

    # Write the piece in Markdown; the slug fills itself in from the title.
    editor.get_by_label("Title:").press_sequentially("Sanctions and the Mekong")
    assert editor.get_by_label("Slug:").input_value() == "sanctions-and-the-mekong"
    editor.get_by_label("Standfirst:").fill("Where trade is thick, sanctions leak.")
    editor.get_by_label("Body:").fill(BODY)
    _autocomplete(editor, "id_topics", "Mekong")

    # Attach an FAQ item and a related guide.
    editor.get_by_role("button", name="Add another FAQ item").click()
    editor.locator("#id_faq_items-0-question").fill("Who enforces sanctions on the Mekong?")
    editor.locator("#id_faq_items-0-answer").fill("Mostly the *ports*, and not very hard.")
    editor.locator("#id_faq_items-0-is_published").check()
    editor.get_by_role("button", name=re.compile("^Add another related guide", re.I)).click()
    _autocomplete(editor, "id_guide_links-0-guide", "How Sanctions Are Enforced")

    editor.get_by_role("button", name="Save and continue editing").click()
    editor.wait_for_load_state()
    assert editor.locator(".errornote").count() == 0, editor.locator(".errornote").inner_text()
    piece = Article.objects.get(slug="sanctions-and-the-mekong")
    assert piece.status == Article.Status.DRAFT

    # Preview it as readers will see it (a new tab).
    with editor.context.expect_page() as opened:
        editor.get_by_role("link", name=re.compile("^Preview this version")).click()
    preview = opened.value
    preview.wait_for_load_state()
    assert "this draft is not published" in preview.locator(".preview-banner").inner_text()
    quote = preview.locator("blockquote.pull-quote")
    assert "Sanctions leak where trade is thickest" in quote.inner_text()
    assert quote.locator("cite").inner_text() == "— Dr Lena Park, Mekong Institute"
    assert preview.get_by_role("heading", name="Who enforces sanctions on the Mekong?").count()
    assert "How Sanctions Are Enforced" in preview.locator(".related").inner_text()
    assert preview.get_by_role("navigation", name="Contents").get_by_role("link").count() >= 3
    screenshot(preview, "editor-preview-desktop-light")
    preview.close()

    # Readers cannot see a draft.
    reader = new_page()
    assert reader.goto(piece.get_absolute_url()).status == 404
    reader.console_errors.clear()  # the browser logs the 404 it was sent

    # A reviewer approved it (test_review_flow.py shows how); schedule it for tomorrow:
    # still hidden.
    Article.objects.filter(pk=piece.pk).update(status=Article.Status.APPROVED)
    editor.reload()
    tomorrow = timezone.localtime() + timedelta(days=1)
    editor.locator("#id_publish_at_0").fill(tomorrow.strftime("%Y-%m-%d"))
    editor.locator("#id_publish_at_1").fill(tomorrow.strftime("%H:%M:%S"))
    editor.get_by_role("button", name="Publish or schedule").click()
    editor.wait_for_load_state()
    piece.refresh_from_db()
    assert piece.status == Article.Status.SCHEDULED
    assert "Scheduled for" in editor.locator(".field-state").inner_text()
    reader.goto("/")
    assert "Sanctions and the Mekong" not in reader.locator("main").inner_text()

    # Bring it forward to a few seconds from now: it appears by itself, no job needed.
    soon = timezone.localtime() + timedelta(seconds=3)
    editor.locator("#id_publish_at_0").fill(soon.strftime("%Y-%m-%d"))
    editor.locator("#id_publish_at_1").fill(soon.strftime("%H:%M:%S"))
    editor.get_by_role("button", name="Save and continue editing").click()
    editor.wait_for_load_state()
    piece.refresh_from_db()
    assert piece.status == Article.Status.SCHEDULED
    for _ in range(40):
        reader.goto("/")
        if "Sanctions and the Mekong" in reader.locator("main").inner_text():
            break
        reader.wait_for_timeout(250)
    assert reader.locator(".card__title", has_text="Sanctions and the Mekong").count() == 1

    # It is on its topic's page, in the feed and in search.
    reader.goto("/topics/mekong/")
    assert reader.locator(".card__title", has_text="Sanctions and the Mekong").count() == 1
    assert "Sanctions and the Mekong" in reader.request.get("/feed/").text()
    reader.goto("/search/?q=Mekong")
    assert reader.locator(".search-result h2", has_text="Sanctions and the Mekong").count() == 1
    reader.goto(piece.get_absolute_url())
    assert reader.locator("blockquote.pull-quote cite").is_visible()
    # The admin's pages have no icon link, so the browser asks for /favicon.ico (404).
    assert [e for e in editor.console_errors if "404 (Not Found)" not in e] == []
    assert reader.console_errors == []
    for page in (editor, reader):
        assert page.outside_requests == []

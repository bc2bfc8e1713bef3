"""An editor loses the tab while writing: the typed text was autosaved, and after signing in
again in a new browser session the draft is offered and restored, then saved."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, ArticleDraft
from core.roles import EDITORS

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def test_an_editor_who_loses_the_tab_gets_the_draft_back(new_page, make_user, make_article):
    make_user("editor@example.com", password=PASSWORD, groups=[EDITORS], is_staff=True)
    piece = make_article("Mekong trade", body="The first paragraph.", status=Article.Status.DRAFT)
    change_url = f"/admin/articles/article/{piece.pk}/change/"

    editor = new_page()
    sign_in(editor, "editor@example.com", next_url=change_url)
    editor.wait_for_timeout(2500)  # longer than the wait after a change
    assert not ArticleDraft.objects.exists()  # nothing typed, nothing sent
    editor.get_by_label("Title:").fill("Mekong trade, revisited")
    body = editor.get_by_label("Body:")
    body.click()
    body.press("End")
    body.press_sequentially("\n\nA second paragraph, typed <b>by hand</b>.")
    expect(editor.get_by_role("status")).to_have_text(re.compile(r"^Draft saved \d\d:\d\d$"))
    assert [e for e in editor.console_errors if "404 (Not Found)" not in e] == []
    editor.context.close()  # the tab is lost, and the session with it

    again = new_page()
    sign_in(again, "editor@example.com", next_url=change_url)
    offer = again.get_by_role("region", name=re.compile("You have unsaved changes from"))
    expect(offer).to_be_visible()
    offer.get_by_role("link", name="Restore them").click()
    expect(again.get_by_label("Title:")).to_have_value("Mekong trade, revisited")
    expect(again.get_by_label("Body:")).to_have_value(
        "The first paragraph.\n\nA second paragraph, typed <b>by hand</b>."
    )
    piece.refresh_from_db()
    assert piece.title == "Mekong trade"  # nothing saved until the editor saves

    again.get_by_role("button", name="Save and continue editing").click()
    again.wait_for_load_state()
    piece.refresh_from_db()
    assert piece.title == "Mekong trade, revisited"
    assert piece.body.endswith("typed <b>by hand</b>.")
    assert not ArticleDraft.objects.exists()
    expect(again.get_by_role("region", name=re.compile("unsaved changes"))).to_have_count(0)
    assert Article.objects.count() == 1
    assert [e for e in again.console_errors if "404 (Not Found)" not in e] == []
    assert again.outside_requests == []

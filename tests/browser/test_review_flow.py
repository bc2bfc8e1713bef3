"""A piece goes through review in the browser: the editor sends it with a note, a reviewer
finds it waiting, sends it back with what to fix, the editor fixes it and sends it again,
the reviewer approves, and the editor publishes it."""

import pytest

from articles.models import Article
from core.roles import EDITORS, REVIEWERS

from .conftest import PASSWORD, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_reviewer_sends_a_piece_back_and_then_approves_it(new_page, make_user, make_article):
    make_user("editor@example.com", password=PASSWORD, groups=[EDITORS], is_staff=True)
    make_user("reviewer@example.com", password=PASSWORD, groups=[REVIEWERS], is_staff=True)
    piece = make_article(
        "Hanoi's Quiet Hedge",
        slug="hanois-quiet-hedge",
        status=Article.Status.DRAFT,
        body="Vietnam trades with Pyongyang at 2 billion dollars a year.",
    )
    change = f"/admin/articles/article/{piece.pk}/change/"

    editor = new_page()
    sign_in(editor, "editor@example.com", next_url=change)
    editor.get_by_label("Note for the team").fill("Ready for a fact-check.")
    editor.get_by_role("button", name="Send for review").click()
    editor.wait_for_load_state()
    assert "Sent for review" in editor.locator(".messagelist").inner_text()
    assert editor.locator(".field-state .readonly").inner_text() == "In review"

    reviewer = new_page()
    sign_in(reviewer, "reviewer@example.com", next_url="/admin/")
    reviewer.get_by_role("link", name="Waiting for review: 1").click()
    reviewer.get_by_role("link", name="Hanoi's Quiet Hedge").click()
    record = reviewer.locator(".editorial-record")
    assert "Ready for a fact-check." in record.inner_text()
    assert reviewer.get_by_role("button", name="Publish or schedule").count() == 0

    # Sending back without saying why is refused, and nothing typed is lost.
    reviewer.get_by_label("Body").fill("Vietnam trades with Pyongyang, by one estimate.")
    reviewer.get_by_role("button", name="Send back with your note").click()
    reviewer.wait_for_load_state()
    assert "Say in the note" in reviewer.locator(".errorlist.nonfield").inner_text()
    assert reviewer.get_by_label("Body").input_value().endswith("by one estimate.")
    reviewer.get_by_label("Note for the team").fill("The 2 billion figure needs a source.")
    reviewer.get_by_role("button", name="Send back with your note").click()
    reviewer.wait_for_load_state()
    assert "Sent back" in reviewer.locator(".messagelist").inner_text()
    screenshot(reviewer, "admin-review-sent-back")

    editor.reload()
    assert editor.locator(".field-state .readonly").inner_text() == "Draft"
    assert (
        "The 2 billion figure needs a source." in editor.locator(".editorial-record").inner_text()
    )
    editor.get_by_label("Body").fill("Vietnam trades with Pyongyang (UN panel, 2024).")
    editor.get_by_label("Note for the team").fill("Sourced to the UN panel.")
    editor.get_by_role("button", name="Send for review").click()
    editor.wait_for_load_state()

    reviewer.reload()
    reviewer.get_by_role("button", name="Approve for publishing").click()
    reviewer.wait_for_load_state()
    assert reviewer.locator(".field-state .readonly").inner_text() == "Approved"

    editor.reload()
    editor.get_by_role("button", name="Publish or schedule").click()
    editor.wait_for_load_state()
    assert editor.locator(".field-state .readonly").inner_text() == "Published"
    readers = new_page()
    readers.goto(piece.get_absolute_url())
    assert "UN panel, 2024" in readers.locator("main").inner_text()
    for page in (editor, reviewer, readers):
        assert page.outside_requests == []

"""Review before publishing, through the admin as editors and reviewers use it: the steps,
the editorial record, and pieces that come down by their time with nothing running."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditorNote
from core.roles import EDITORS, REVIEWERS

pytestmark = pytest.mark.django_db
Status, Action = Article.Status, EditorNote.Action


@pytest.fixture
def draft(make_article, editor):
    return make_article("A piece to review", slug="to-review", status=Status.DRAFT)


def change_url(piece) -> str:
    return reverse("admin:articles_article_change", args=[piece.pk])


def refusal(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def step(client, admin_post, piece, move: str, **changes):
    response = admin_post(client, change_url(piece), _move=move, **changes)
    piece.refresh_from_db()
    return response


def test_a_piece_goes_from_draft_through_review_to_readers(
    client, admin_post, draft, editor, reviewer
):
    client.force_login(editor)
    page = client.get(change_url(draft)).content.decode()
    assert 'value="send_for_review"' in page
    assert 'value="approve"' not in page
    response = step(client, admin_post, draft, "send_for_review", note="Ready: please check.")
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    assert draft.status == Status.IN_REVIEW

    client.force_login(reviewer)
    in_review = client.get(
        reverse("admin:articles_article_changelist"), {"status__exact": "in_review"}
    )
    assert "A piece to review" in in_review.content.decode()
    page = client.get(change_url(draft)).content.decode()
    assert 'value="approve"' in page
    assert 'value="send_back"' in page
    assert 'value="publish"' not in page  # reviewers approve, editors publish
    step(client, admin_post, draft, "approve")
    assert draft.status == Status.APPROVED
    assert client.get(draft.get_absolute_url()).status_code == 404  # approved is not public

    client.force_login(editor)
    step(client, admin_post, draft, "publish")
    assert draft.status == Status.PUBLISHED
    assert draft.is_published
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 200

    record = list(draft.editor_notes.values_list("action", "author__email", "text"))
    assert record == [
        (Action.SENT_FOR_REVIEW, "editor@example.com", "Ready: please check."),
        (Action.APPROVED, "reviewer@example.com", ""),
        (Action.PUBLISHED, "editor@example.com", ""),
    ]


def test_the_editorial_record_shows_who_did_what_and_when_only_in_the_admin(
    client, admin_post, draft, editor
):
    client.force_login(editor)
    admin_post(client, change_url(draft), note="Check the Cogan quote <b>before</b> Friday.")
    page = client.get(change_url(draft)).content.decode()
    assert "Check the Cogan quote &lt;b&gt;before&lt;/b&gt; Friday." in page  # escaped
    assert "by editor@example.com" in page
    assert "<time datetime=" in page
    draft.status = Status.PUBLISHED
    draft.save()
    client.logout()
    assert "Cogan quote" not in client.get(draft.get_absolute_url()).content.decode()


def test_sending_back_needs_a_note_and_keeps_what_the_reviewer_typed(
    client, admin_post, draft, reviewer
):
    draft.status = Status.IN_REVIEW
    draft.save()
    client.force_login(reviewer)
    response = step(client, admin_post, draft, "send_back", body="Fixed a figure in the body.")
    assert response.status_code == 200
    assert "Say in the note what needs to change" in refusal(response)
    assert response.context["adminform"].form["body"].value() == "Fixed a figure in the body."
    assert draft.status == Status.IN_REVIEW
    assert draft.body != "Fixed a figure in the body."

    step(client, admin_post, draft, "send_back", note="The 2023 trade figure needs a source.")
    assert draft.status == Status.DRAFT
    note = draft.editor_notes.get()
    assert (note.action, note.author, note.text) == (
        Action.SENT_BACK,
        reviewer,
        "The 2023 trade figure needs a source.",
    )


def test_an_editor_cannot_publish_or_approve_what_was_not_approved(
    client, admin_post, draft, editor
):
    client.force_login(editor)
    response = step(client, admin_post, draft, "publish")
    assert response.status_code == 200
    assert "that step doesn't apply" in refusal(response)
    assert draft.status == Status.DRAFT
    draft.status = Status.IN_REVIEW
    draft.save()
    response = step(client, admin_post, draft, "approve")
    assert "Your role can't do that" in refusal(response)
    assert draft.status == Status.IN_REVIEW


def test_a_reviewer_never_approves_what_they_sent_for_review(client, admin_post, draft, make_user):
    both = make_user(groups=[EDITORS, REVIEWERS], is_staff=True)
    client.force_login(both)
    step(client, admin_post, draft, "send_for_review")
    assert 'value="approve"' not in client.get(change_url(draft)).content.decode()
    response = step(client, admin_post, draft, "approve")
    assert "another reviewer approves it" in refusal(response)
    assert draft.status == Status.IN_REVIEW


def test_changing_the_text_after_approval_sends_it_back_to_review(
    client, admin_post, draft, editor
):
    draft.status = Status.APPROVED
    draft.save()
    client.force_login(editor)
    response = step(client, admin_post, draft, "publish", body="A sentence no one checked.")
    assert "changed since it was approved" in refusal(response)
    assert draft.status == Status.APPROVED
    assert draft.body != "A sentence no one checked."

    response = admin_post(client, change_url(draft), body="A sentence no one checked.")
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert draft.editor_notes.get().action == Action.REOPENED
    # A change to what no reviewer checks (the discussion prompt) keeps the approval.
    draft.status = Status.APPROVED
    draft.save()
    admin_post(client, change_url(draft), discussion_prompt="What do you think?")
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED


def test_with_review_off_an_editor_publishes_a_draft(client, admin_post, draft, editor, settings):
    settings.ARTICLES_REVIEW_REQUIRED = False
    client.force_login(editor)
    step(client, admin_post, draft, "publish")
    assert draft.is_published


def test_publishing_with_a_future_time_schedules(client, admin_post, draft, editor):
    draft.status = Status.APPROVED
    draft.save()
    client.force_login(editor)
    tomorrow = timezone.localtime() + timedelta(days=1)
    step(
        client,
        admin_post,
        draft,
        "publish",
        publish_at_0=tomorrow.strftime("%Y-%m-%d"),
        publish_at_1=tomorrow.strftime("%H:%M:%S"),
    )
    assert draft.status == Status.SCHEDULED
    assert not draft.is_published
    assert draft.editor_notes.get().action == Action.SCHEDULED
    # Unscheduling puts it back with the approved pieces.
    step(client, admin_post, draft, "take_down")
    assert draft.status == Status.APPROVED


def test_reviewers_have_exactly_their_permissions():
    reviewers = Group.objects.get(name=REVIEWERS)
    granted = {
        f"{app}.{code}"
        for app, code in reviewers.permissions.values_list("content_type__app_label", "codename")
    }
    assert granted == {
        "articles.view_article", "articles.change_article", "articles.review_article",
        "articles.view_topic", "articles.view_author", "articles.view_relatedguide",
        "faq.view_faqitem",
    }  # fmt: skip


def test_reviewers_cannot_set_publish_times(client, draft, reviewer):
    client.force_login(reviewer)
    form = client.get(change_url(draft)).context["adminform"].form
    assert "publish_at" not in form.fields
    assert "unpublish_at" not in form.fields


# Taking down, by its time, with nothing running ----------------------------------------


def test_a_piece_comes_down_by_itself_at_its_time(client, make_article, make_topic):
    topic = make_topic("Embargoes", slug="embargoes")
    down_at = timezone.now() + timedelta(seconds=2)
    piece = make_article(
        "An embargoed briefing", slug="briefing", topics=[topic], unpublish_at=down_at
    )
    surfaces = [
        reverse("articles:home"),
        topic.get_absolute_url(),
        reverse("articles:feed"),
        reverse("sitemap"),
        reverse("articles:search") + "?q=embargoed",
    ]
    assert client.get(piece.get_absolute_url()).status_code == 200
    for url in surfaces:
        assert piece.get_absolute_url() in client.get(url).content.decode(), url
    # Time passes: nothing runs and nothing is saved; the page kept in the app ends too.
    time.sleep(max(0, (down_at - timezone.now()).total_seconds()) + 0.1)
    assert client.get(piece.get_absolute_url()).status_code == 404
    for url in surfaces:
        assert piece.get_absolute_url() not in client.get(url).content.decode(), url


def test_cached_pages_last_no_longer_than_until_a_piece_comes_down(client, make_article):
    make_article(slug="lasting")
    leaving = make_article(slug="leaving", unpublish_at=timezone.now() + timedelta(seconds=90))
    for url in (reverse("articles:home"), leaving.get_absolute_url(), reverse("articles:feed")):
        response = client.get(url)
        max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
        assert 0 < max_age <= 90, (url, response["Cache-Control"])


def test_the_feed_is_new_again_once_a_piece_comes_down(client, make_article):
    two_days_ago = timezone.now() - timedelta(days=2)
    make_article(slug="staying", publish_at=two_days_ago)
    leaving = make_article(slug="leaving", publish_at=two_days_ago)
    Article.objects.update(updated_at=two_days_ago)
    first = client.get(reverse("articles:feed"))
    Article.objects.filter(pk=leaving.pk).update(unpublish_at=timezone.now())
    again = client.get(reverse("articles:feed"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200
    assert leaving.get_absolute_url() not in again.content.decode()


def test_taking_down_now_and_putting_back_up(client, admin_post, make_article, editor):
    piece = make_article("Withdrawn analysis", slug="withdrawn")
    client.force_login(editor)
    step(client, admin_post, piece, "take_down", note="Legal asked us to withdraw it.")
    assert piece.is_taken_down
    assert "Taken down since" in client.get(change_url(piece)).content.decode()
    client.logout()
    assert client.get(piece.get_absolute_url()).status_code == 404
    client.force_login(editor)
    step(client, admin_post, piece, "publish")
    assert piece.is_published
    assert piece.unpublish_at is None
    assert list(piece.editor_notes.values_list("action", flat=True)) == [
        Action.TAKEN_DOWN,
        Action.PUBLISHED,
    ]

"""The discussion as readers use it: HTTP in, pages out, through the real URLs."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import recommendations, states
from comments.models import Comment, Recommendation, Report

State = Comment.State
PASSWORD = "correct-horse-battery"


def _raw(response) -> str:
    return response.content.decode()


def _text(response) -> str:
    """The page with entities decoded, to look for sentences ("can't" is "can&#x27;t")."""
    return html.unescape(_raw(response))


def _follow(client, response):
    """GET the page a redirect points to (fragments are for browsers)."""
    assert response.status_code == 302, response.status_code
    return client.get(response["Location"].split("#")[0])


# Reading ------------------------------------------------------------------------------


def test_an_anonymous_reader_sees_the_prompt_the_form_and_sign_in(client, piece_url):
    page = _text(client.get(piece_url))
    assert 'id="discussion"' in page
    assert "Is this axis here to stay?" in page
    assert page.index("Is this axis here to stay?") < page.index('id="comment-form"')
    assert "Sign in to comment" in page
    assert 'name="body"' in page
    assert "Create an account" in page


def test_readers_see_published_comments_not_others_pending_ones(
    client, trusted, reader, post, piece_url
):
    post(trusted, "Published words.")
    post(reader, "Held words.")
    page = _text(client.get(piece_url))
    assert "Published words." in page
    assert "Held words." not in page
    client.force_login(trusted)
    assert "Held words." not in _text(client.get(piece_url))


def test_the_author_sees_their_pending_comment_marked_as_such(client, reader, post, piece_url):
    comment = post(reader, "Held words.")
    client.force_login(reader)
    page = _text(client.get(piece_url))
    assert "Held words." in page
    assert f'id="comment-{comment.pk}"' in page
    assert "Pending review: only you can see this" in page


def _count_line(response) -> str:
    page = _text(response)
    start = page.index('<p class="discussion__count">')
    return " ".join(page[start : page.index("</p>", start)].split())


def test_over_their_own_waiting_comment_the_count_says_so_not_0_comments(
    client, trusted, reader, post, piece_url
):
    post(reader, "Held words.")
    client.force_login(reader)
    line = _count_line(client.get(piece_url))
    assert "0 comments" not in line
    assert "No published comments yet" in line
    assert "1 of yours waiting for a moderator" in line

    post(trusted, "Published words.")
    post(reader, "More held words.")
    line = _count_line(client.get(piece_url))
    assert "1 comment" in line
    assert "2 of yours waiting for a moderator" in line
    client.force_login(trusted)  # others' waiting comments are neither shown nor counted
    assert "waiting" not in _count_line(client.get(piece_url))


def test_the_comment_count_is_in_the_meta_line_and_cards(client, trusted, reader, post, piece):
    post(trusted, "One.")
    post(trusted, "Two.")
    post(reader, "Held: not counted.")
    assert "2 comments" in _text(client.get(piece.get_absolute_url()))
    assert "2 comments" in _text(client.get(reverse("articles:home")))


def test_each_comment_has_a_permalink(client, trusted, post, piece_url):
    comment = post(trusted)
    page = _text(client.get(piece_url))
    assert f'href="{piece_url}#comment-{comment.pk}"' in page


def test_a_comment_with_raw_html_is_shown_as_text(client, trusted, post, piece_url):
    post(trusted, '<img src=x onerror="alert(1)"> [site](https://example.org)')
    page = _raw(client.get(piece_url))
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page
    assert 'rel="nofollow ugc noopener"' in page


# Posting ------------------------------------------------------------------------------


def test_posting_a_first_comment_says_it_is_held(client, reader, piece_url, post_url):
    client.force_login(reader)
    response = client.post(post_url, {"body": "My first words."})
    comment = Comment.objects.get()
    assert comment.state == State.PENDING
    assert response["Location"] == f"{piece_url}#comment-{comment.pk}"
    page = _text(_follow(client, response))
    assert "held for review" in page
    assert "Pending review: only you can see this" in page
    assert "My first words." in page


def test_posting_a_later_comment_says_it_is_published(client, trusted, piece_url, post_url):
    client.force_login(trusted)
    page = _text(_follow(client, client.post(post_url, {"body": "Published now."})))
    assert "Your comment is published" in page
    assert Comment.objects.get(body="Published now.").state == State.APPROVED


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "it is empty"),
        ("   \n\t  ", "it is empty"),
        ("  " + "w" * 5005 + "\n", "5,005 characters long; the limit is 5,000"),
        ("Hello\x00world", "NUL (null) character"),
        ("Hello\x07world", "control character (U+0007)"),
    ],
    ids=["empty", "whitespace-only", "too-long", "nul", "control"],
)
def test_bad_input_gets_a_message_and_keeps_the_text(
    client, trusted, piece_url, post_url, body, message
):
    client.force_login(trusted)
    before = Comment.objects.count()
    response = client.post(post_url, {"body": body})
    assert response.status_code == 302
    assert response["Location"] == f"{piece_url}#comment-form"
    page = client.get(piece_url)
    assert page.status_code == 200
    text = _text(page)
    assert message in text
    assert 'role="alert"' in text
    assert 'aria-invalid="true"' in text
    kept = page.context["discussion"].draft_body
    assert kept == body  # exactly what was typed
    assert Comment.objects.count() == before
    # The message is shown once; the text stays until it is posted.
    again = client.get(piece_url)
    assert message not in _text(again)
    assert again.context["discussion"].draft_body == body


def test_a_parent_on_another_piece_is_refused_with_the_text_kept(
    client, trusted, post, other_piece, piece_url, post_url
):
    elsewhere = post(trusted, "Elsewhere.", target=other_piece)
    client.force_login(trusted)
    response = client.post(post_url, {"body": "My reply.", "parent": elsewhere.pk})
    page = _follow(client, response)
    assert "only reply to a comment in this piece" in _text(page)
    assert page.context["discussion"].draft_body == "My reply."
    assert not Comment.objects.filter(body="My reply.").exists()


def test_a_parent_that_is_not_published_is_refused(client, trusted, reader, post, post_url):
    held = post(reader, "Held.")
    client.force_login(trusted)
    page = _follow(client, client.post(post_url, {"body": "My reply.", "parent": held.pk}))
    assert "can't take replies" in _text(page)
    assert page.context["discussion"].draft_body == "My reply."
    assert not Comment.objects.filter(body="My reply.").exists()


def test_a_closed_discussion_says_so_and_refuses_posts(client, trusted, piece, post_url):
    piece.comments_open = False
    piece.save()
    client.force_login(trusted)
    page = _text(client.get(piece.get_absolute_url()))
    assert "Comments are closed on this piece." in page
    assert 'id="comment-body"' not in page  # no form to fill in
    response = client.post(post_url, {"body": "Too late."})
    page = _follow(client, response)
    text = _text(page)
    assert "Comments are closed on this piece." in text
    assert 'role="alert"' in text
    assert "Too late." in text  # kept, to copy
    assert not Comment.objects.filter(body="Too late.").exists()


def test_a_discussion_closes_by_itself(client, settings, trusted, make_article):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 10
    old = make_article("Old", slug="old", publish_at=timezone.now() - timedelta(days=11))
    client.force_login(trusted)
    assert "10 days after the piece was published" in _text(client.get(old.get_absolute_url()))


def test_a_missing_csrf_token_keeps_the_text_and_posts_nothing(trusted, post_url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trusted)
    response = client.post(post_url, {"body": "Typed before the page expired."})
    assert response.status_code == 403
    text = _text(response)
    assert "was not posted" in text
    assert "Typed before the page expired." in text
    assert 'name="csrfmiddlewaretoken"' in text  # a fresh form to send it again
    assert not Comment.objects.filter(target__slug="axis").exists()


def test_with_a_csrf_token_the_same_client_posts(trusted, piece_url, post_url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trusted)
    client.get(piece_url)
    token = client.cookies["csrftoken"].value
    response = client.post(post_url, {"body": "With a token.", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Comment.objects.filter(body="With a token.").exists()


def test_other_forms_need_a_csrf_token(trusted, second_trusted, post):
    comment = post(trusted)
    client = Client(enforce_csrf_checks=True)
    client.force_login(second_trusted)
    for name in ("recommend", "report", "withdraw"):
        response = client.post(reverse(f"comments:{name}", args=[comment.pk]), {"reason": "spam"})
        assert response.status_code == 403
    assert not Recommendation.objects.exists()
    assert not Report.objects.exists()


def test_a_double_submit_posts_once_and_answers_kindly(client, trusted, piece_url, post_url):
    client.force_login(trusted)
    first = client.post(post_url, {"body": "Clicked twice."})
    second = client.post(post_url, {"body": "Clicked twice."})
    assert Comment.objects.filter(body="Clicked twice.").count() == 1
    comment = Comment.objects.get(body="Clicked twice.")
    assert first["Location"] == second["Location"] == f"{piece_url}#comment-{comment.pk}"
    page = _text(client.get(piece_url))
    assert "already posted this comment" in page


def test_an_unverified_reader_is_asked_to_confirm_and_keeps_the_text(
    client, make_user, piece_url, post_url
):
    client.force_login(make_user(verified=False))
    assert "Confirm your email address" in _text(client.get(piece_url))
    page = _follow(client, client.post(post_url, {"body": "Before confirming."}))
    text = _text(page)
    assert "confirm your email address" in text
    assert reverse("account_email") in text  # a way to get the mail again
    assert page.context["discussion"].draft_body == "Before confirming."
    assert not Comment.objects.exists()


def test_posting_to_an_unpublished_piece_is_404(client, trusted, make_article):
    draft = make_article("Draft", slug="draft", status="draft")
    client.force_login(trusted)
    response = client.post(reverse("comments:post", args=[draft.pk]), {"body": "Hi."})
    assert response.status_code == 404


def test_post_only(client, trusted, post_url):
    client.force_login(trusted)
    assert client.get(post_url).status_code == 405


# Signing in keeps the draft ------------------------------------------------------------


def test_typed_text_comes_back_after_signing_in(client, trusted, piece_url, post_url):
    response = client.post(post_url, {"body": "Written before signing in."})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    next_url = parse_qs(location.query)["next"][0]
    assert next_url == f"{piece_url}#comment-form"
    assert not Comment.objects.filter(target__slug="axis").exists()

    login_page = client.get(response["Location"])
    assert "We have kept what you wrote" in _text(login_page)
    signed_in = client.post(response["Location"], {"login": trusted.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == next_url  # back to the discussion's form

    page = client.get(piece_url)
    assert page.context["discussion"].draft_body == "Written before signing in."
    assert "Written before signing in." in _text(page)
    assert "Post comment" in _text(page)


def test_a_reply_draft_comes_back_under_its_comment(client, trusted, second_trusted, post):
    parent = post(trusted, "Parent.")
    reply_url = reverse("comments:reply", args=[parent.pk])
    response = client.post(reply_url, {"body": "My reply."})
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert f"reply_to={parent.pk}" in next_url
    client.force_login(second_trusted)
    page = client.get(next_url.split("#")[0])
    discussion = page.context["discussion"]
    assert discussion.reply_node.comment == parent
    assert discussion.draft_body == "My reply."
    assert f'action="{reply_url}"' in _text(page)


# Replying without JavaScript ----------------------------------------------------------


def test_reply_opens_the_form_under_the_comment_and_posts(
    client, trusted, second_trusted, post, piece_url
):
    parent = post(trusted, "Parent.")
    client.force_login(second_trusted)
    assert client.get(reverse("comments:reply", args=[parent.pk]))["Location"] == (
        f"{piece_url}?reply_to={parent.pk}#comment-form"
    )
    text = _text(client.get(piece_url, {"reply_to": parent.pk}))
    assert text.index(f'id="comment-{parent.pk}"') < text.index('id="comment-form"')
    assert "Replying to Trusted Reader" in text
    response = client.post(reverse("comments:reply", args=[parent.pk]), {"body": "Agreed."})
    reply = Comment.objects.get(body="Agreed.")
    assert reply.parent == parent
    assert response["Location"].endswith(f"#comment-{reply.pk}")


# New since the last visit -------------------------------------------------------------


def _new_marks(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(
            r'<article class="comment comment--new[^"]*" id="comment-(\d+)"', _raw(response)
        )
    ]


def test_what_others_published_since_a_readers_last_visit_is_marked_new(
    client, trusted, second_trusted, reader, post, piece_url
):
    post(second_trusted, "Before the visit.")
    client.force_login(trusted)
    first = client.get(piece_url)
    assert _new_marks(first) == []  # a first visit: nothing is "new"
    assert "new since your last visit" not in _text(first)

    later = post(second_trusted, "After the visit.")
    post(trusted, "My own, after the visit.")
    held = post(reader, "Held for a moderator.")
    assert held.state == State.PENDING
    page = client.get(piece_url)
    assert _new_marks(page) == [later.pk]  # not their own, not what they had seen
    assert "1 new since your last visit" in _text(page)
    assert 'New<span class="visually-hidden"> since your last visit</span>' in _raw(page)

    assert _new_marks(client.get(piece_url)) == []  # seen now
    states.change_state(comment=held, to_state=State.APPROVED)  # written before, published now
    assert _new_marks(client.get(piece_url)) == [held.pk]
    client.logout()
    assert "comment--new" not in _raw(client.get(piece_url))  # signed out: no marks


# Preview ------------------------------------------------------------------------------


def _preview(response) -> str:
    page = _raw(response)
    if 'class="comment-preview"' not in page:
        return ""
    start = page.index('class="comment-preview"')
    return page[start : page.index("</section>", start)]


def test_preview_shows_the_comment_as_published_and_posts_nothing(
    client, trusted, post_url, piece_url
):
    client.force_login(trusted)
    before = Comment.objects.count()
    body = "A *careful* point, see https://example.org/report.\n\n<b>not bold</b>"
    response = client.post(post_url, {"body": body, "then": "preview"})
    assert response["Location"] == f"{piece_url}#comment-form"
    assert Comment.objects.count() == before

    page = client.get(piece_url)
    preview = _preview(page)
    assert "as readers will see it (not posted yet)" in preview
    assert "<em>careful</em>" in preview
    assert '<a href="https://example.org/report" rel="nofollow ugc noopener">' in preview
    assert "&lt;b&gt;not bold&lt;/b&gt;" in preview  # HTML shown as typed
    assert f">{html.escape(body, quote=False)}</textarea>" in _raw(page)  # the text, to go on
    assert _preview(client.get(piece_url)) == ""  # shown once; the text stays in the box

    client.post(post_url, {"body": body})
    assert Comment.objects.latest("pk").body == body


def test_previewing_what_cannot_be_posted_says_why_and_keeps_the_text(
    client, settings, trusted, post_url, piece_url
):
    settings.COMMENTS_MAX_LENGTH = 20
    client.force_login(trusted)
    client.post(post_url, {"body": "Far too long for this limit.", "then": "preview"})
    page = _text(client.get(piece_url))
    assert "the limit is 20" in page
    assert "Far too long for this limit.</textarea>" in page
    assert 'class="comment-preview"' not in page


def test_a_reply_is_previewed_under_its_comment(client, trusted, second_trusted, post, piece_url):
    parent = post(trusted, "Parent.")
    client.force_login(second_trusted)
    response = client.post(
        reverse("comments:reply", args=[parent.pk]), {"body": "**Yes.**", "then": "preview"}
    )
    assert response["Location"] == f"{piece_url}?reply_to={parent.pk}#comment-form"
    page = client.get(response["Location"].split("#")[0])
    assert "as readers will see it" in _preview(page)
    assert "<strong>Yes.</strong>" in _preview(page)
    assert "Replying to Trusted Reader" in _text(page)
    assert not Comment.objects.filter(parent=parent).exists()


# Editing, withdrawing -----------------------------------------------------------------


def test_editing_ones_comment_shows_edited(client, trusted, post, piece_url):
    comment = post(trusted, "Teh text.")
    client.force_login(trusted)
    edit_url = reverse("comments:edit", args=[comment.pk])
    form = client.get(edit_url)
    assert "Teh text." in _text(form)
    response = client.post(edit_url, {"body": "  "})
    assert "it is empty" in _text(response)
    assert 'role="alert"' in _text(response)
    response = client.post(edit_url, {"body": "The text."})
    assert response.status_code == 302
    page = _text(client.get(piece_url))
    assert "The text." in page
    assert "edited" in page


def test_editing_is_refused_after_the_window_and_to_others(
    client, settings, trusted, second_trusted, post
):
    comment = post(trusted)
    edit_url = reverse("comments:edit", args=[comment.pk])
    client.force_login(second_trusted)
    assert client.get(edit_url).status_code == 404
    client.force_login(trusted)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES + 1)
    )
    response = client.post(edit_url, {"body": "Late edit."})
    assert response.status_code == 302
    assert "can no longer be edited" in _text(_follow(client, response))
    assert not Comment.objects.filter(body="Late edit.").exists()


def test_withdrawing_keeps_a_placeholder_where_replies_hang(
    client, trusted, second_trusted, post, piece_url
):
    parent = post(trusted, "Regrettable.")
    reply = post(second_trusted, "A reply.", parent=parent)
    lonely = post(trusted, "Also regrettable.")
    client.force_login(trusted)
    assert "Nobody will see its text" in _text(
        client.get(reverse("comments:withdraw", args=[parent.pk]))
    )
    for comment in (parent, lonely):
        client.post(reverse("comments:withdraw", args=[comment.pk]))
    client.logout()
    page = _text(client.get(piece_url))
    assert "Regrettable." not in page
    assert "Also regrettable." not in page
    assert "This comment was withdrawn by its author." in page
    assert page.count("This comment was withdrawn") == 1  # no reply, no placeholder
    assert f'id="comment-{reply.pk}"' in page
    assert "A reply." in page
    parent.refresh_from_db()
    assert parent.state == State.WITHDRAWN
    assert parent.body == "Regrettable."


# Reports, recommendations -------------------------------------------------------------


def test_reporting_a_comment_once(client, trusted, second_trusted, post):
    comment = post(trusted)
    url = reverse("comments:report", args=[comment.pk])
    client.force_login(second_trusted)
    assert "What is wrong with this comment?" in _text(client.get(url))
    response = client.post(url, {"reason": "other", "details": ""})
    assert response.status_code == 200
    assert "it is empty" in _text(response)
    response = client.post(url, {"reason": "abuse", "details": "Insults."})
    assert response.status_code == 302
    assert "sent to the moderators" in _text(_follow(client, response))
    again = client.post(url, {"reason": "spam"})
    assert "already reported" in _text(_follow(client, again))
    assert Report.objects.get().reason == "abuse"
    page = client.get(comment.target.get_absolute_url())
    assert "Reported" in _text(page)


def test_one_cannot_report_ones_own_comment(client, trusted, post):
    comment = post(trusted)
    client.force_login(trusted)
    response = client.post(reverse("comments:report", args=[comment.pk]), {"reason": "spam"})
    assert "can't report your own" in _text(_follow(client, response))
    assert not Report.objects.exists()


def test_recommending_shows_the_count(client, trusted, second_trusted, post, piece_url):
    comment = post(trusted)
    url = reverse("comments:recommend", args=[comment.pk])
    client.force_login(second_trusted)
    response = client.post(url, {"next": f"{piece_url}#comment-{comment.pk}"})
    assert response["Location"] == f"{piece_url}#comment-{comment.pk}"
    client.post(url)
    comment.refresh_from_db()
    assert comment.recommendation_count == 1
    page = _text(client.get(piece_url))
    assert 'aria-pressed="true"' in page
    assert "Recommended" in page
    client.post(url, {"undo": "1"})
    comment.refresh_from_db()
    assert comment.recommendation_count == 0


def test_signed_out_readers_are_asked_to_sign_in_to_recommend_and_come_back(
    client, trusted, second_trusted, post, piece_url
):
    comment = post(trusted)
    recommendations.recommend_comment(comment=comment, user=second_trusted)
    page = _raw(client.get(piece_url))
    link = re.search(
        r'<a class="comment__action comment__recommend" href="([^"]+)">(.*?)</a>', page, re.S
    )
    assert link, "no way to recommend for a signed-out reader"
    assert "Sign in to recommend" in link.group(2)
    assert '<span class="comment__count">1</span>' in link.group(2)
    assert 'class="comment__recommendations"' not in page  # no dead count
    # Signing in by that link lands back on the comment, where the button now works.
    login = client.post(
        html.unescape(link.group(1)),
        {"login": second_trusted.email, "password": PASSWORD},
    )
    assert login.status_code == 302
    assert login["Location"] == f"{piece_url}#comment-{comment.pk}"


def test_recommending_ones_own_comment_is_refused(client, trusted, post):
    comment = post(trusted)
    client.force_login(trusted)
    response = client.post(reverse("comments:recommend", args=[comment.pk]))
    assert "can't recommend your own" in _text(_follow(client, response))
    assert not Recommendation.objects.exists()


def test_anonymous_actions_lead_to_sign_in_and_back(client, trusted, post, piece_url):
    comment = post(trusted)
    response = client.post(reverse("comments:recommend", args=[comment.pk]))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["next"] == [f"{piece_url}#comment-{comment.pk}"]
    response = client.get(reverse("comments:report", args=[comment.pk]))
    assert urlsplit(response["Location"]).path == reverse("account_login")


# Sorting, pages, finding a comment ----------------------------------------------------


def _order(page, *comments) -> list[int]:
    text = _text(page)
    return sorted((c.pk for c in comments), key=lambda pk: text.index(f'id="comment-{pk}"'))


def test_sorting_by_oldest_newest_and_most_recommended(
    client, trusted, second_trusted, reader, post, piece_url
):
    old, middle, new = (post(trusted, f"Comment {n}.") for n in range(3))
    for i, comment in enumerate((old, middle, new)):
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=10 - i)
        )
    recommendations.recommend_comment(comment=middle, user=second_trusted)
    recommendations.recommend_comment(comment=middle, user=reader)
    recommendations.recommend_comment(comment=new, user=reader)
    assert _order(client.get(piece_url), old, middle, new) == [old.pk, middle.pk, new.pk]
    newest = client.get(piece_url, {"sort": "newest"})
    assert _order(newest, old, middle, new) == [new.pk, middle.pk, old.pk]
    top = client.get(piece_url, {"sort": "top"})
    assert _order(top, old, middle, new) == [middle.pk, new.pk, old.pk]
    assert 'aria-current="true">Most recommended' in _text(top)


def test_long_discussions_page_top_level_comments_and_replies_follow(
    client, settings, trusted, second_trusted, post, piece_url
):
    settings.COMMENTS_PER_PAGE = 2
    threads = [post(trusted, f"Thread {n}.") for n in range(3)]
    reply = post(second_trusted, "Reply in the last thread.", parent=threads[2])
    # The discussion itself (the page's structured data names the newest comments, whatever
    # the page: tests/articles/test_structured_data.py).
    first = _text(client.get(piece_url)).split('id="discussion"')[1]
    assert "Thread 0." in first
    assert "Thread 2." not in first
    assert "Page 1 of 2" in first
    second = _text(client.get(piece_url, {"cpage": 2})).split('id="discussion"')[1]
    assert "Thread 2." in second
    assert "Reply in the last thread." in second
    # The permalink finds the page.
    response = client.get(reverse("comments:locate", args=[reply.pk]))
    assert response["Location"] == f"{piece_url}?cpage=2#comment-{reply.pk}"


def test_a_bad_page_number_is_not_an_error(client, trusted, post, piece_url):
    post(trusted)
    for value in ("abc", "-1", "99999999999999999999"):
        assert client.get(piece_url, {"cpage": value, "sort": "nonsense"}).status_code == 200
    past_the_end = client.get(piece_url, {"cpage": "999", "sort": "newest"})
    assert past_the_end.status_code == 302
    assert past_the_end["Location"] == f"{piece_url}?sort=newest"  # the last page: the only one


# A reader's own comments --------------------------------------------------------------


def test_my_comments_lists_every_state(client, reader, post, approve, moderator):
    held = post(reader, "Still held.")
    published = approve(post(reader, "Published one."))
    removed = post(reader, "Removed one.")
    states.change_state(
        comment=removed, to_state=State.REMOVED, actor=moderator, reason="Personal attack."
    )
    url = reverse("comments:mine")
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(reader)
    page = _text(client.get(url))
    for comment in (held, published, removed):
        assert comment.body in page
    assert "Pending review" in page
    assert "Published" in page
    assert "Removed" in page
    assert "Personal attack." in page
    assert "Axis of pragmatism" in page


def test_nobody_else_sees_my_comments_page_content(client, reader, trusted, post):
    post(reader, "Reader's private pending.")
    client.force_login(trusted)
    assert "Reader's private pending." not in _text(client.get(reverse("comments:mine")))


# Throttling -----------------------------------------------------------------------------


def test_posting_is_throttled_per_user_with_a_clear_429(
    client, settings, trusted, piece_url, post_url
):
    settings.COMMENTS_RATE_LIMIT = "2/m"
    client.force_login(trusted)
    for n in range(2):
        assert client.post(post_url, {"body": f"Comment {n}."}).status_code == 302
    response = client.post(post_url, {"body": "One too many."}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    text = _text(response)
    assert "Please slow down" in text
    assert "2 comments a minute" in text
    assert Comment.objects.count() == 2 + 1  # the trusted reader's first, elsewhere
    # What they typed waits in the form.
    assert client.get(piece_url).context["discussion"].draft_body == "One too many."


def test_posting_is_throttled_per_address(client, settings, make_trusted, post_url):
    settings.COMMENTS_RATE_LIMIT = "2/m"
    for n in range(3):
        client.force_login(make_trusted(f"sock{n}@example.com"))
        response = client.post(post_url, {"body": f"Sock {n}."}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    client.force_login(make_trusted("elsewhere@example.com"))
    assert client.post(post_url, {"body": "Hi."}, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_throttle_state_is_in_the_database_without_raw_addresses(client, trusted, post_url):
    from comments.models import PostingWindow
    from comments.throttle import hash_ip

    client.force_login(trusted)
    client.post(post_url, {"body": "Hello."}, REMOTE_ADDR="203.0.113.7")
    # Shared by every worker, and in no cache that culling or eviction could empty.
    stored = [(window.identity, str(window.entries)) for window in PostingWindow.objects.all()]
    assert f"ip:{hash_ip('203.0.113.7')}:60" in [identity for identity, _ in stored]
    assert not any("203.0.113.7" in identity + entries for identity, entries in stored)
    comment = Comment.objects.get(body="Hello.")
    assert comment.ip_hash
    assert "203.0.113.7" not in comment.ip_hash
    assert len(comment.ip_hash) == 64


def test_a_link_to_a_comment_others_cannot_see_goes_to_the_discussion(
    client, trusted, reader, post, piece_url
):
    held = post(reader, "Held.")
    response = client.get(reverse("comments:locate", args=[held.pk]))
    assert response["Location"] == f"{piece_url}#discussion"
    client.force_login(reader)
    response = client.get(reverse("comments:locate", args=[held.pk]))
    assert response["Location"] == f"{piece_url}#comment-{held.pk}"

"""A new reader signs up from the discussion, confirms their address, and comments."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article
from comments import posting, states
from comments.models import Comment

from .conftest import sign_up

PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.mark.browser
def test_sign_up_verify_by_mail_comment_and_see_it_pending(page, new_page, mailoutbox):
    article = Article.objects.create(
        title="North Korea's New Southeast Asia Strategy",
        slug="nk-strategy",
        standfirst="A looming axis of pragmatism?",
        body="## Introduction\n\nText.",
        status=Article.Status.PUBLISHED,
        discussion_prompt="Is this axis of pragmatism here to stay?",
    )

    # An anonymous reader sees the prompt and starts typing.
    page.goto(article.get_absolute_url())
    discussion = page.locator("#discussion")
    assert "Is this axis of pragmatism here to stay?" in discussion.inner_text()
    page.get_by_label("Your comment").fill("Pragmatism rarely lasts: interests shift.")
    page.get_by_role("button", name="Sign in to comment").click()

    # Sign in page, then sign up (the next address travels with them).
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert "We have kept what you wrote" in page.content()
    page.get_by_role("link", name="Create an account").first.click()
    page.wait_for_url(re.compile(r"/accounts/signup/"))
    sign_up(page, "Browser Reader", "browser.reader@example.com")

    # The confirmation link comes by mail (locmem: the live server runs in this process).
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    # Signed in now; the discussion form has what they typed before signing up.
    page.goto(article.get_absolute_url() + "#comment-form")
    body = page.get_by_label("Your comment")
    assert body.input_value() == "Pragmatism rarely lasts: interests shift."
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))

    comment = Comment.objects.get()
    assert comment.state == Comment.State.PENDING
    assert "held for review" in page.locator(".messages").inner_text()
    item = page.locator(f"#comment-{comment.pk}")
    assert "Pragmatism rarely lasts" in item.inner_text()
    assert "Pending review" in item.inner_text()
    assert page.console_errors == []

    # Nobody else sees it.
    stranger = new_page()
    stranger.goto(article.get_absolute_url())
    assert "Pragmatism rarely lasts" not in stranger.content()
    assert stranger.locator(f"#comment-{comment.pk}").count() == 0


@pytest.mark.browser
def test_reply_and_recommend_without_javascript(browser, live_server, transactional_db, make_user):
    user = make_user("regular@example.com", password=PASSWORD, display_name="Regular")
    article = Article.objects.create(
        title="A piece",
        slug="a-piece",
        standfirst="Standfirst.",
        body="Text.",
        status=Article.Status.PUBLISHED,
    )
    other = make_user("other@example.com", display_name="Other Reader")
    first = posting.post_comment(target=article, author=other, body="Opening remark.").comment
    states.change_state(comment=first, to_state=Comment.State.APPROVED)

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("[name=login]", user.email)
        page.fill("[name=password]", PASSWORD)
        page.locator("form", has=page.locator("[name=password]")).locator(
            "button[type=submit]"
        ).click()
        page.wait_for_load_state()

        page.goto(article.get_absolute_url())
        page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply").click()
        form = page.locator("#comment-form")
        assert "Replying to Other Reader" in form.inner_text()
        form.get_by_label("Your reply").fill("A reply, no script needed.")
        form.get_by_role("button", name="Post reply").click()
        page.wait_for_url(re.compile(r"#comment-\d+$"))
        reply = Comment.objects.get(parent=first)
        assert reply.body == "A reply, no script needed."
        replies = page.locator(f"li:has(> #comment-{first.pk}) > .comment-thread--replies")
        assert "A reply, no script needed." in replies.inner_text()

        page.locator(f"#comment-{first.pk}").get_by_role("button", name="Recommend").click()
        page.wait_for_load_state()
        button = page.locator(f"#comment-{first.pk} button[aria-pressed]")
        assert button.get_attribute("aria-pressed") == "true"
        first.refresh_from_db()
        assert first.recommendation_count == 1
    finally:
        context.close()


@pytest.mark.browser
def test_without_javascript_a_comment_typed_before_signing_in_is_kept_and_posted(
    new_page, make_user
):
    make_user("returning@example.com", password=PASSWORD, display_name="Returning Reader")
    article = Article.objects.create(
        title="A piece",
        slug="a-piece",
        standfirst="Standfirst.",
        body="Text.",
        status=Article.Status.PUBLISHED,
        discussion_prompt="What do you think?",
    )
    page = new_page(java_script_enabled=False)
    page.goto(article.get_absolute_url())
    page.get_by_label("Your comment").fill("Written before signing in, *kept* after.")
    page.get_by_role("button", name="Sign in to comment").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    # Signing in by the form brings the reader back to the discussion, their words in the box.
    page.get_by_label("Email address").fill("returning@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(re.escape(article.get_absolute_url())))
    body = page.get_by_label("Your comment")
    assert body.input_value() == "Written before signing in, *kept* after."
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))

    comment = Comment.objects.get()
    assert comment.state == Comment.State.PENDING
    item = page.locator(f"#comment-{comment.pk}")
    assert "Pending review" in item.inner_text()
    assert item.locator(".comment__body em").inner_text() == "kept"
    assert "held for review" in page.locator(".messages").inner_text()
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("route", ["box", "header", "create-account"])
def test_text_typed_while_signed_out_survives_every_route_to_sign_in(
    new_page, make_user, route, javascript
):
    """The page is the same for every signed-out reader, yet their own words come back."""
    make_user("route@example.com", password=PASSWORD, display_name="Route Reader")
    article = Article.objects.create(
        title="A piece to discuss",
        slug="to-discuss",
        standfirst="Standfirst.",
        body="Text.",
        status=Article.Status.PUBLISHED,
    )
    page = new_page(java_script_enabled=javascript)
    page.goto(article.get_absolute_url())
    page.get_by_label("Your comment").fill("Words worth keeping.")
    if route == "box":
        page.get_by_role("button", name="Sign in to comment").click()
    elif route == "header":
        page.locator(".site-header").get_by_role("button", name="Sign in").click()
    else:
        page.get_by_role("button", name="Create an account").click()
        page.wait_for_url(re.compile(r"/accounts/signup/"))
        page.locator("main").get_by_role("link", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email address").fill("route@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/articles/to-discuss/"))
    assert page.get_by_label("Your comment").input_value() == "Words worth keeping."
    assert Comment.objects.count() == 0  # kept for them to post, not posted


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_reader_previews_then_posts(browser_context, make_user, make_article, javascript):
    reader = make_user(display_name="Careful Reader")
    piece = make_article()
    page = browser_context(user=reader, java_script_enabled=javascript).open()
    page.goto(piece.get_absolute_url())
    words = "On **Laos**: see https://example.org/laos-report."
    page.get_by_label("Your comment").fill(words)
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url(re.compile(r"#comment-form$"))

    preview = page.get_by_role("region", name=re.compile("Preview"))
    assert preview.locator("strong").inner_text() == "Laos"
    link = preview.get_by_role("link", name="https://example.org/laos-report")
    assert link.get_attribute("rel") == "nofollow ugc noopener"
    assert page.get_by_label("Your comment").input_value() == words
    assert not Comment.objects.exists()

    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    assert Comment.objects.get().body == words
    assert page.console_errors == []


def test_times_read_as_ago_with_the_exact_time_kept(browser_context, make_user, make_article):
    piece = make_article()
    comment = posting.post_comment(
        target=piece, author=make_user(display_name="Early Bird"), body="Said earlier."
    ).comment
    states.change_state(comment=comment, to_state=Comment.State.APPROVED)
    written = timezone.now() - timedelta(hours=3, minutes=5)
    Comment.objects.filter(pk=comment.pk).update(created_at=written)
    exact = f"{written.day} {written:%b %Y, %H:%M}"

    page = browser_context().open()
    page.goto(piece.get_absolute_url())
    time = page.locator(f"#comment-{comment.pk} .comment__permalink time")
    assert time.evaluate("t => t.firstChild.nodeValue") == "3 hours ago"  # what one sees
    assert time.get_attribute("title") == exact  # on hover
    link = page.locator(f"#comment-{comment.pk} .comment__permalink")
    assert exact in link.evaluate("a => a.textContent")  # read out by screen readers

    still = browser_context(java_script_enabled=False).open()
    still.goto(piece.get_absolute_url())
    assert still.locator(f"#comment-{comment.pk} .comment__permalink time").inner_text() == exact


def test_the_box_counts_and_holds_back_a_comment_over_the_limit(
    browser_context, make_user, make_article, settings
):
    settings.COMMENTS_MAX_LENGTH = 40
    piece = make_article()
    page = browser_context(user=make_user()).open()
    page.goto(piece.get_absolute_url())
    box = page.get_by_label("Your comment")
    count = page.locator("#comment-body-count")
    assert count.inner_text() == "0 of 40 characters"
    box.fill("  Thirty characters, exactly so. ")  # trimmed, as the server counts
    assert count.inner_text() == "30 of 40 characters"
    box.fill("This one runs on well past the forty characters.")
    assert count.inner_text() == "8 characters over the limit of 40: please shorten it."

    page.get_by_role("button", name="Post comment").click()
    assert page.evaluate("document.activeElement.id") == "comment-body"
    assert box.get_attribute("aria-invalid") == "true"
    assert not Comment.objects.exists()  # never sent

    page.get_by_role("button", name="Preview").click()  # still goes, and says why
    page.wait_for_url(re.compile(r"#comment-form$"))
    assert "the limit is 40" in page.locator("#comment-form").inner_text()
    assert box.input_value() == "This one runs on well past the forty characters."
    assert page.console_errors == []

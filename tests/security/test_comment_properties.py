"""Properties of the comment pipeline, for any Unicode text (hypothesis).

Whatever a reader sends, through the real views: it is stored once, as written (trimmed,
Unix newlines), and its HTML is safe; or nothing is stored and the reader is told why, with
their text kept. Never a 5xx. The same holds for display names, report details and search
queries. Examples are bounded (see `BOUNDED`) so the suite stays fast.
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from comments.models import Comment, Report
from core.markdown import COMMENT, render_comment_markdown

from .html_safety import assert_safe, check_fragment
from .xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db
State = Comment.State
BOUNDED = {
    "deadline": None,
    "database": None,  # no .hypothesis/ folder in the project
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}

# Any text the web can carry (UTF-8: no lone surrogates), with the corpus mixed in, and now
# and then text around the length limit.
unicode_text = st.text(st.characters(codec="utf-8"), max_size=300)
hostile = st.sampled_from([p.text for p in PAYLOADS])
texts = st.one_of(
    unicode_text,
    hostile,
    st.tuples(unicode_text, hostile, unicode_text).map("".join),
    st.integers(min_value=4990, max_value=5010).map(lambda n: "é" * n),
    st.sampled_from(["", " ", "\r\n", "\x00", "a\x00b", "\u202e", "\ufeff", "\t\n \u3000"]),
)


def expected_body(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@pytest.fixture
def poster(settings, make_user):
    settings.COMMENTS_RATE_LIMIT = "1000000/m"
    settings.COMMENTS_DUPLICATE_WINDOW_SECONDS = 0  # each example is its own post
    user = make_user("prolific@example.com", display_name="Prolific")
    client = Client()
    client.force_login(user)
    return user, client


def _fresh_piece(n: int) -> Article:
    return Article.objects.create(
        title=f"Property piece {n}",
        slug=f"property-{n}",
        standfirst="s",
        body="b",
        status=Article.Status.PUBLISHED,
        moderation_policy=Article.ModerationPolicy.POST_MODERATE,
    )


def test_any_text_posted_is_stored_safely_or_refused_with_a_message(poster):
    user, client = poster
    outcomes = {"stored": 0, "refused": 0}

    @settings(max_examples=200, **BOUNDED)
    @given(text=texts)
    def check(text):
        piece = _fresh_piece(sum(outcomes.values()))
        response = client.post(reverse("comments:post", args=[piece.pk]), {"body": text})
        assert response.status_code == 302, response.status_code
        stored = list(Comment.objects.filter(target=piece))
        page = client.get(response["Location"])
        assert page.status_code == 200
        html = assert_safe(page, where=repr(text[:80]))
        if stored:
            (comment,) = stored
            assert comment.body == expected_body(text)
            assert comment.author_id == user.pk
            assert check_fragment(comment.body_html, COMMENT.tags) == []
            assert f'id="comment-{comment.pk}"' in html
            outcomes["stored"] += 1
        else:
            # Refused: the reason is on the page, and what they typed is back in the form.
            assert 'id="comment-body-error"' in html, text[:80]
            discussion = page.context["discussion"]
            assert discussion.error, text[:80]
            assert discussion.draft_body == text, text[:80]
            outcomes["refused"] += 1

    check()
    assert outcomes["stored"]
    assert outcomes["refused"]


@settings(max_examples=300, **BOUNDED)
@given(text=st.one_of(unicode_text, hostile, st.tuples(hostile, hostile).map("".join)))
def test_the_comment_renderer_never_fails_and_never_emits_unsafe_html(text):
    assert check_fragment(render_comment_markdown(text), COMMENT.tags) == []


def test_any_display_name_is_saved_and_shown_as_text_or_refused(client, make_user):
    user = make_user("named@example.com", display_name="Named")
    client.force_login(user)

    @settings(max_examples=100, **BOUNDED)
    @given(name=st.one_of(st.text(st.characters(codec="utf-8"), max_size=60), hostile))
    def check(name):
        response = client.post(reverse("accounts:profile"), {"display_name": name})
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            page = client.get(reverse("accounts:profile"))
            assert_safe(page)
        else:
            assert_safe(response)
            assert "error" in response.content.decode().lower()

    check()


def test_any_report_details_are_stored_or_refused(client, make_user, piece, approve, post):
    reporter = make_user("reporter@example.com")
    author = make_user("author@example.com")
    client.force_login(reporter)

    @settings(max_examples=60, **BOUNDED)
    @given(details=texts)
    def check(details):
        comment = approve(post(author, f"Comment number {Comment.objects.count()}."))
        response = client.post(
            reverse("comments:report", args=[comment.pk]),
            {"reason": Report.Reason.OTHER, "details": details},
        )
        assert response.status_code in (200, 302)
        report = Report.objects.filter(comment=comment).first()
        if response.status_code == 302:
            assert report is not None
            assert report.details == expected_body(details)
        else:
            assert report is None
            assert_safe(response)

    check()


@settings(max_examples=100, **BOUNDED)
@given(query=st.one_of(st.text(st.characters(codec="utf-8"), max_size=250), hostile))
def test_any_search_query_gets_a_safe_page(query):
    response = Client().get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert_safe(response)

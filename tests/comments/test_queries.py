"""The piece's page costs the same number of queries with 5 comments or 1,000 threaded ones.

Why it is constant (comments.selectors): one query counts published and listed top-level
comments, one fetches a page of top-level comments (authors joined), one fetches every
reply of those threads by their stored `root` (authors and the answered comment's author
joined), one the editors' picks; a signed-in reader's own comments, recommendations and
reports on the discussion come in one query of their own, by reader. The tree is assembled
in Python, and templates only read what was fetched. Most views need none of this: the
shared parts and threads come from the cache (comments.fragments, articles.parts).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, Recommendation, Report
from tests.queries import is_cache_storage

State = Comment.State

# Measured on a cold cache (nothing rendered yet): 9 queries for an anonymous reader's view
# (the piece; its byline, topics, guides, links and FAQ for the parts every reader shares;
# the discussion's counts, page of threads, replies and editors' picks), 13 for a signed-in
# reader with a comment awaiting review, whose threads are theirs alone (plus their
# session, their account, their marks on the discussion and whether their address is
# verified; the session is a database query since sessions left the cache). Warm, the
# shared parts and threads come from the cache (test_a_warm_signed_in_view below;
# tests/articles/test_page_cache.py for the anonymous page). Pinned at the budget of 13: a
# query per comment would add a thousand; any new query on this page should be a decision.
ANONYMOUS_MAX = 9
SIGNED_IN_MAX = 13


def _threaded(target, authors, viewer, *, threads: int) -> int:
    """`threads` top-level comments, each with two replies, each with a reply: 5 per thread.

    Made with bulk_create: this test is about reading. Some are the viewer's own pending
    comments, some withdrawn with replies (placeholders), some recommended and reported.
    """
    now = timezone.now()
    count = 0

    def make(**fields) -> Comment:
        nonlocal count
        count += 1
        defaults = {
            "target": target,
            "author": authors[count % len(authors)],
            "body": f"Comment {count} with *some* [markup](https://example.org).",
            "body_html": f"<p>Comment {count}</p>",
            "state": State.APPROVED,
            "created_at": now - timezone.timedelta(minutes=count),
        }
        return Comment(**{**defaults, **fields})

    tops = Comment.objects.bulk_create(
        [make(state=State.WITHDRAWN if n % 10 == 0 else State.APPROVED) for n in range(threads)]
    )
    middles = Comment.objects.bulk_create(
        [make(parent=top, root=top, in_reply_to=top, depth=1) for top in tops for _ in range(2)]
    )
    deepest = Comment.objects.bulk_create(
        [
            make(
                parent=middle,
                root=middle.root,
                in_reply_to=middle,
                depth=2,
                **({"author": viewer, "state": State.PENDING} if i % 7 == 0 else {}),
            )
            for i, middle in enumerate(middles)
        ]
    )
    others = [c for c in middles + deepest if c.author_id != viewer.pk]
    Recommendation.objects.bulk_create(
        [Recommendation(comment=c, user=viewer) for c in others[::3]]
    )
    Report.objects.bulk_create(
        [Report(comment=c, reporter=viewer, reason="spam") for c in others[1::5]]
    )
    return len(tops) + len(middles) + len(deepest)


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The page cache's own storage is not counted: with Redis it is no database query, and
    # tests/articles/test_page_cache.py pins the warm, cached view (2 queries).
    rendering = [query for query in captured if not is_cache_storage(query["sql"])]
    return len(rendering), response.content.decode()


@pytest.fixture
def pieces(make_article, make_user):
    viewer = make_user("viewer@example.com", display_name="Viewer")
    authors = [make_user(display_name=f"Author {n}") for n in range(5)]
    recently = timezone.now() - timezone.timedelta(hours=1)  # open for comments
    small = make_article("Small discussion", slug="small", publish_at=recently)
    large = make_article("Large discussion", slug="large", publish_at=recently)
    assert _threaded(small, authors, viewer, threads=1) == 5
    assert _threaded(large, authors, viewer, threads=200) == 1000
    return small, large, viewer


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_article_page_query_count_does_not_grow_with_comments(
    client, pieces, signed_in, settings
):
    settings.COMMENTS_PER_PAGE = 200  # every thread of the large discussion on one page
    small, large, viewer = pieces
    if signed_in:
        client.force_login(viewer)
    limit = SIGNED_IN_MAX if signed_in else ANONYMOUS_MAX
    small_count, _ = _queries(client, small.get_absolute_url())
    large_count, page = _queries(client, large.get_absolute_url())
    assert large_count == small_count <= limit
    # And the page really shows the threads: all 1,000 (withdrawn ones as placeholders),
    # the viewer's own pending replies only to the viewer.
    pending = Comment.objects.filter(target=large, state=State.PENDING).count()
    shown = page.count('<article class="comment')
    assert shown == (1000 if signed_in else 1000 - pending)
    assert ("Pending review: only you can see this" in page) is signed_in
    # And their own marks, on every comment they marked.
    recommended = Recommendation.objects.filter(user=viewer, comment__target=large).count()
    reported = Report.objects.filter(reporter=viewer, comment__target=large).count()
    assert page.count('aria-pressed="true"') == (recommended if signed_in else 0)
    assert page.count('class="comment__reported"') == (reported if signed_in else 0)
    assert "This comment was withdrawn by its author." in page


def test_a_warm_signed_in_view_reads_no_comment_but_the_readers_own(
    client, pieces, settings, make_user
):
    """Signed in, nothing awaiting review: the page of threads and the piece's parts come
    from the cache, and only the comments the reader marked are read, by id."""
    settings.COMMENTS_PER_PAGE = 200
    _, large, viewer = pieces
    reader = make_user(display_name="Regular")
    mine = Comment.objects.filter(target=large, state=State.APPROVED).exclude(author=viewer)[0]
    Recommendation.objects.create(comment=mine, user=reader)
    client.force_login(reader)
    _queries(client, large.get_absolute_url())  # renders what every reader shares
    count, page = _queries(client, large.get_absolute_url())
    # Their session, account, the piece, their marks, their verified address, their marked
    # comments.
    assert count <= 6
    pending = Comment.objects.filter(target=large, state=State.PENDING).count()
    assert page.count('<article class="comment') == 1000 - pending  # others' pending: not shown
    assert page.count('aria-pressed="true"') == 1  # the one they recommended


def test_lists_count_comments_in_one_query(client, pieces, django_assert_max_num_queries):
    from django.urls import reverse

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("articles:home"))
    with django_assert_max_num_queries(len(captured)):
        response = client.get(reverse("articles:home"))
    page = response.content.decode()
    large = Comment.objects.filter(target__slug="large", state=State.APPROVED).count()
    assert f"{large} comments" in page

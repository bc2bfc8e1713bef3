"""The piece's page costs the same with 5 comments or 1,000 threaded ones: every database
query and every cache operation counted, the cache's own included.

Why it is constant (comments.selectors): one query counts published, listed and featured
comments, one fetches a page of top-level comments (authors joined), one fetches every reply
of those threads by their stored `root` (authors and the answered comment's author joined),
and the editors' picks one more when there are any; a signed-in reader's recommendations
and reports on the discussion come in one query of their own, by reader. The tree is built
in Python, and templates only read what was fetched. A shared page (no session) is kept
whole (core.http_cache): warm, it costs its versions and the page, nothing else.
"""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Recommendation, Report
from tests.queries import cost_of

State = Comment.State

pytestmark = pytest.mark.usefixtures("page_cache")  # in memory and in Redis

# Anonymous, the page not yet kept (its versions exist: they are made once per piece): the
# versions, the page cache's look-up and store; the piece, its byline, topics, guides and
# FAQ, the newest published comments its structured data names; the discussion's counts,
# page of threads and replies. Warm: the versions, the page.
ANONYMOUS_COLD = 12
ANONYMOUS_WARM = 2
# Signed in, the page is rendered for them around parts kept for every reader and threads
# kept for every reader with the same marks: their session and account, whether their
# address is verified and whether a sanction is in force, the versions, the piece, their
# marks (new since their last visit among them), their visit recorded (one upsert),
# whether they follow the discussion, the counts, and the two look-ups. Cold, also the
# threads and replies, the byline, topics, guides and FAQ, the newest published comments
# the structured data names (issue 14, point 8), and the two stores.
SIGNED_IN_COLD = 21
SIGNED_IN_WARM = 12


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


def _cost(client, url) -> tuple[int, str]:
    cost = cost_of(client, url)
    return cost.total, client.get(url).content.decode()


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
def test_the_article_page_costs_the_same_with_1000_comments(client, pieces, signed_in, settings):
    settings.COMMENTS_PER_PAGE = 200  # every thread of the large discussion on one page
    small, large, viewer = pieces
    if signed_in:
        client.force_login(viewer)
    costs = []
    for piece in (small, large):
        url = piece.get_absolute_url()
        client.get(url)  # makes the piece's versions, once
        caches["pages"].clear()
        cold, _ = _cost(client, url)
        warm, page = _cost(client, url)
        costs.append((cold, warm))
    assert costs[0] == costs[1]
    cold, warm = costs[1]
    if signed_in:
        assert cold <= SIGNED_IN_COLD
        assert warm <= SIGNED_IN_WARM
    else:
        assert cold <= ANONYMOUS_COLD
        assert warm <= ANONYMOUS_WARM
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


def test_a_query_string_never_adds_to_the_cost(pieces):
    _, large, _ = pieces
    url = large.get_absolute_url()
    Client().get(url)
    for query in ("?utm_source=x", "?sort=junk&cpage=abc", "?reply_to=5&zzz=1"):
        assert cost_of(Client(), url + query).total <= ANONYMOUS_WARM, query


def test_lists_count_comments_in_one_query(client, pieces, django_assert_max_num_queries):
    response = client.get(reverse("articles:home"))
    page = response.content.decode()
    large = Comment.objects.filter(target__slug="large", state=State.APPROVED).count()
    assert f"{large} comments" in page

"""The way in to /moderation/ for moderators, wherever they work: the site's header and the
admin's, each with the number of comments waiting. Nobody else is shown it."""

import pytest
from django.urls import reverse

from comments import posting

QUEUE = reverse("moderation:queue")


@pytest.fixture
def two_waiting(make_article, make_user):
    piece = make_article()
    for n in range(2):
        posting.post_comment(target=piece, author=make_user(), body=f"Held comment {n}.")
    return piece


def _header(client, url) -> str:
    html = client.get(url).content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_a_moderator_finds_the_queue_and_its_count_in_the_sites_header(
    client, moderator, two_waiting
):
    client.force_login(moderator)
    for url in (two_waiting.get_absolute_url(), reverse("articles:home"), QUEUE):
        header = _header(client, url)
        assert f'href="{QUEUE}"' in header, url
        assert (
            '<span class="nav-count"><span data-mod-count="pending">2</span>'
            '<span class="visually-hidden"> waiting</span>'
        ) in header
    assert 'aria-current="page"><span class="visually-hidden">Moderation </span>Queue' in _header(
        client, QUEUE
    )


def test_the_admin_shows_the_way_in_with_the_count(client, moderator, two_waiting):
    client.force_login(moderator)
    for url in (reverse("admin:index"), reverse("admin:comments_comment_changelist")):
        html = client.get(url).content.decode()
        assert f'<a class="moderation-link" href="{QUEUE}">' in html, url
        assert "<strong>2</strong> waiting" in html


def test_with_nothing_waiting_the_link_stays_and_the_count_goes(client, moderator):
    client.force_login(moderator)
    header = _header(client, reverse("articles:home"))
    assert f'href="{QUEUE}"' in header
    assert "nav-count" not in header


@pytest.mark.parametrize("who", ["reader", "editor", None])
def test_nobody_else_is_shown_it(client, request, who, two_waiting):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert f'href="{QUEUE}"' not in _header(client, two_waiting.get_absolute_url())
    if who == "editor":
        assert "moderation-link" not in client.get(reverse("admin:index")).content.decode()

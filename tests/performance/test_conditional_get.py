"""Feed readers and crawlers that already have the newest version get a 304, not the body."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["articles:feed", "sitemap"])
def test_unchanged_since_last_visit_is_304(client, make_article, name):
    make_article("A piece", publish_at=timezone.now() - timedelta(hours=2))
    first = client.get(reverse(name))
    assert first.status_code == 200
    last_modified = first.headers["Last-Modified"]
    again = client.get(reverse(name), headers={"If-Modified-Since": last_modified})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("name", ["articles:feed", "sitemap"])
def test_a_piece_going_live_counts_as_a_change(client, make_article, name):
    make_article("Older piece", publish_at=timezone.now() - timedelta(days=2))
    scheduled = make_article("Scheduled piece", publish_at=timezone.now() + timedelta(days=1))
    Article.objects.update(updated_at=timezone.now() - timedelta(hours=3))  # written earlier
    since = http_date((timezone.now() - timedelta(hours=1)).timestamp())
    assert client.get(reverse(name), headers={"If-Modified-Since": since}).status_code == 304
    # Its time comes; its row is not saved, yet the feed and sitemap have changed.
    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse(name), headers={"If-Modified-Since": since})
    assert response.status_code == 200
    assert scheduled.get_absolute_url() in response.content.decode()

"""The article page with a long discussion stays light: HTML, CSS and JS under 50 KB
compressed (images aside), as a reader on a slow phone connection downloads it."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from articles import launch
from comments.seeding import seed_discussion

pytestmark = pytest.mark.django_db

BUDGET = 50 * 1024


def test_article_page_with_1000_comments_is_under_50_kb_compressed(client):
    launch.load()
    piece = launch.Article.objects.get(slug=launch.ARTICLE_SLUG)
    seed_discussion(target=piece, count=1000)
    html = client.get(piece.get_absolute_url()).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    media_print = re.findall(rb'href="/static/([^"]+)" media="print"', html)
    weights = {"html": len(gzip.compress(html, 9))}
    for asset in assets:
        if asset in media_print:
            continue  # the print stylesheet is not downloaded to read the page
        path = finders.find(asset.decode())
        with open(path, "rb") as file:
            weights[asset.decode()] = len(gzip.compress(file.read(), 9))
    print(weights)
    assert "css/site.css" in weights
    assert sum(weights.values()) < BUDGET, weights

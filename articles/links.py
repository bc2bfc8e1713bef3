"""Links between pieces inside rendered HTML.

Internal links are ordinary paths (/articles/<slug>/), or the site's full address before
them. A piece may link to one that is not published yet; readers then see the words
without the link, never a dead end.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

ANCHOR = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)


def site_path(href: str) -> str | None:
    """The path `href` leads to on this site (a path, or the site's full address SITE_URL),
    or None when it leads elsewhere (or nowhere: an address Python cannot split)."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        site = urlsplit(settings.SITE_URL)
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
        return parts.path or "/"
    return parts.path if parts.path.startswith("/") else None


def _article_slug(href: str) -> str | None:
    path = site_path(href)
    if path is None:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.kwargs.get("slug") if match.view_name == "articles:detail" else None


def linked_article_slugs(html: str) -> list[str]:
    """Slugs of the pieces that sanitized HTML links to, in order, without repeats."""
    slugs = (_article_slug(href) for href, _ in ANCHOR.findall(html))
    return list(dict.fromkeys(slug for slug in slugs if slug))


def unlink_articles(html: str, slugs: set[str]) -> str:
    """Replace links to the given pieces by their text (the HTML is already sanitized)."""
    if not slugs:
        return html

    def replace(match: re.Match) -> str:
        return match.group(2) if _article_slug(match.group(1)) in slugs else match.group(0)

    return ANCHOR.sub(replace, html)


_SITE_PATH = re.compile(r'(<a href=")/(?!/)')


def absolute_links(html: str, base_url: str) -> str:
    """Links to the site's own paths made absolute from `base_url` (ending in "/"): a feed
    reader or a printed page has no address to resolve them against."""
    return _SITE_PATH.sub(lambda match: match.group(1) + base_url, html)

"""Whether the links in a piece's body answer.

Internal links (the site's own paths, or its full address SITE_URL) are checked at once, on
save and in the preview: the path must resolve, and a piece, topic or author it names must
exist, a piece be published (Article.unpublished_links). External links are checked on
demand by a task (`check_external_links`), never in a request: each address is asked with
HEAD, then GET when HEAD is refused, with a short timeout, following redirects only to
http(s) and to public addresses (the worker never asks a service of the private network an
address in a body names, unless LINK_CHECK_PRIVATE_ADDRESSES says it may); the answer is
kept per piece and address (LinkCheck), the last one replacing the one before.
"""

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from core import tasks

from .links import ANCHOR, site_path
from .models import Article, Author, LinkCheck, Topic

WEB_SCHEMES = ("http", "https")
# The pages whose address names a row that may be missing, and the row's model.
_NAMED_ROWS = {"articles:topic": Topic, "articles:author": Author}


class Problem:
    """Why an internal link does not answer for readers (the template says it in words)."""

    UNPUBLISHED = "unpublished"  # a piece that readers cannot see yet
    MISSING = "missing"  # no such page


@dataclass(frozen=True)
class InternalLink:
    url: str
    problem: str


def body_links(*, html: str) -> list[str]:
    """Every address the rendered body links to, in order, without repeats (a footnote's
    "#fn-1" and mail addresses are not links to check)."""
    hrefs = (unescape(href) for href, _ in ANCHOR.findall(html))
    return list(dict.fromkeys(h for h in hrefs if h and not h.startswith(("#", "mailto:"))))


def external_links(*, html: str) -> list[str]:
    """The body's links to other sites."""
    return [
        url
        for url in body_links(html=html)
        if site_path(url) is None and url.split(":", 1)[0].lower() in WEB_SCHEMES
    ]


def internal_link_problems(*, article: Article) -> list[InternalLink]:
    """The body's links to this site that readers would find closed or missing (a query
    per kind of row named, whatever the number of links)."""
    resolved = []  # (url, view name, slug), or (url, None, None) for no such path
    for url in body_links(html=article.body_html):
        path = site_path(url)
        if path is None:
            continue
        try:
            match = resolve(path)
        except Resolver404:
            resolved.append((url, None, None))
        else:
            resolved.append((url, match.view_name, match.kwargs.get("slug")))
    # Pieces readers cannot see: not out yet, or none by that slug at all.
    unpublished = set(article.unpublished_links())
    named = {"articles:detail": (Article, unpublished)} | {
        view_name: (model, {slug for _, name, slug in resolved if name == view_name})
        for view_name, model in _NAMED_ROWS.items()
    }
    existing = {
        view_name: set(
            model.objects.filter(slug__in=slugs).values_list("slug", flat=True) if slugs else ()
        )
        for view_name, (model, slugs) in named.items()
    }
    problems = []
    for url, view_name, slug in resolved:
        if view_name is None:
            problems.append(InternalLink(url, Problem.MISSING))
        elif view_name == "articles:detail" and slug in unpublished:
            problem = Problem.UNPUBLISHED if slug in existing[view_name] else Problem.MISSING
            problems.append(InternalLink(url, problem))
        elif view_name in _NAMED_ROWS and slug not in existing[view_name]:
            problems.append(InternalLink(url, Problem.MISSING))
    return problems


@dataclass(frozen=True)
class ExternalReport:
    checks: list[LinkCheck]  # the body's external links checked so far, in body order
    unchecked: list[str]  # those never checked

    @property
    def failing(self) -> list[LinkCheck]:
        return [check for check in self.checks if not check.answers]


def external_report(*, article: Article) -> ExternalReport:
    """The last answer of each external link now in the body (one query)."""
    links = external_links(html=article.body_html)
    if not links or article.pk is None:
        return ExternalReport(checks=[], unchecked=links)
    found = {check.url: check for check in article.link_checks.filter(url__in=links)}
    return ExternalReport(
        checks=[found[url] for url in links if url in found],
        unchecked=[url for url in links if url not in found],
    )


def _refuse_private(url: str) -> None:
    """Raise unless every address the host of `url` resolves to is public."""
    if settings.LINK_CHECK_PRIVATE_ADDRESSES:
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        raise urllib.error.URLError(error.strerror or "no such host") from error
    if not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise urllib.error.URLError("not a public address")


class _WebRedirectsOnly(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in WEB_SCHEMES:
            raise urllib.error.URLError(f"redirected to a non-web address ({newurl[:60]})")
        _refuse_private(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_WebRedirectsOnly)


def _ask(url: str, method: str) -> int:
    _refuse_private(url)
    # Only http(s) reaches here (answer_of), and redirects stay on http(s).
    request = urllib.request.Request(  # noqa: S310
        url, method=method, headers={"User-Agent": settings.LINK_CHECK_USER_AGENT}
    )
    try:
        with _opener.open(request, timeout=settings.LINK_CHECK_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:  # a redirect urllib refused to follow: not to the web
            raise urllib.error.URLError("redirected to a non-web address") from error
        return error.code


def answer_of(*, url: str) -> tuple[int | None, str]:
    """(status, "") for an address that answered, (None, why) for one that did not. HEAD
    first (no body to download); GET when HEAD gets an error, as many servers refuse it."""
    try:
        if urlsplit(url).scheme not in WEB_SCHEMES:
            return None, "not a web address"
        status = _ask(url, "HEAD")
        if status >= 400:
            status = _ask(url, "GET")
    except urllib.error.URLError as error:
        return None, str(error.reason)[:200]
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, (str(error) or type(error).__name__)[:200]
    return status, ""


@tasks.retried
def check_external_links(article_id: int) -> int:
    """Ask every external link of the piece's saved body; returns how many were asked."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:  # deleted since the check was asked for
        return 0
    links = external_links(html=article.body_html)
    for url in links:
        status, error = answer_of(url=url)
        LinkCheck.objects.update_or_create(
            article=article,
            url=url,
            defaults={"status_code": status, "error": error, "checked_at": timezone.now()},
        )
    return len(links)


def request_external_check(*, article: Article) -> int:
    """Queue the check of `article`'s external links; returns how many it will ask."""
    count = len(external_links(html=article.body_html))
    if count:
        tasks.enqueue(check_external_links, article.pk)
    return count

"""The XSS corpus through every place user or editor text appears: nothing executes.

Readers' text: comment bodies, replies, display names, report details, search queries and
query strings. Editors' text: piece titles, standfirsts, bodies (with headings, so the
table of contents), discussion prompts, topic and author names, FAQ questions and answers.
Where it appears: the piece page (body, meta tags, JSON-LD, FAQ, discussion), lists (home,
topics, authors, search), the FAQ page, the feed, a reader's own pages, the moderation
queue, the admin's lists and change pages, and mail.

Every page is parsed (tests/security/html_safety.py): no script but the site's own, no
event handler, no javascript:/data: URL, no element outside the site's (or the admin's)
own. Where the text is data (JSON-LD, meta tags, feed), it must also come back exactly as
written: escaped, not mangled. A sample is proved in Chromium in
tests/browser/test_xss_browser.py.
"""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Topic
from comments import posting, reports, states
from comments.models import Comment, Report
from core.markdown import typographic
from core.roles import MODERATORS
from faq.models import FaqItem
from moderation import notifications, queues
from moderation.models import BlockedTerm, Sanction

from .html_safety import assert_safe, check_html, json_scripts
from .xss_payloads import BIDI_CONTROLS, PAYLOADS

# One worker builds the module's world once (`--dist loadgroup`), not each worker its own.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("xss")]
State = Comment.State
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def get(client: Client, url: str, *, admin: bool = False, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return assert_safe(response, admin=admin, where=url)


def _user(email: str, **fields):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password="correct-horse-battery", **fields
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _build_pieces() -> dict[str, Article]:
    """One piece per payload: the payload as its title, standfirst, body, heading, link,
    discussion prompt, topic name and author name."""
    made = {}
    now = timezone.now()
    for n, payload in enumerate(PAYLOADS):
        text = payload.text
        piece = Article.objects.create(
            title=text[:200],
            slug=f"hostile-{n}",
            standfirst=text[:400],
            body=f"## {text}\n\n{text}\n\n[{text}]({text})\n\n{text}",
            discussion_prompt=text,
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(days=1, minutes=n),
        )
        piece.topics.set([Topic.objects.create(name=text[:80], slug=f"hostile-topic-{n}")])
        piece.authors.set([Author.objects.create(name=text[:120], slug=f"hostile-author-{n}")])
        made[payload.name] = piece
    return made


def _build_arena() -> dict:
    """A piece whose discussion carries the corpus.

    Each payload is a commenter's display name and their comment (published), a reply to
    it (published, so its author is mailed), a report's details, an FAQ question and
    answer; one more reader's comments are the corpus too, left pending (only they see
    them). Moderators are mailed about each held comment.
    """
    piece = Article.objects.create(
        title="The arena",
        slug="arena",
        standfirst="Where the corpus is discussed.",
        body="## Rules\n\nBe hostile.",
        discussion_prompt="Say anything.",
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=1),
    )
    moderator = _user("arena.moderator@example.com", is_staff=True, display_name="Moderator A")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    replier = _user("replier@example.com", display_name="Replier")
    reporter = _user("reporter@example.com", display_name="Reporter")
    owner = _user("owner@example.com", display_name="Owner of pending comments")
    comments, pending = [], []
    with TestCase.captureOnCommitCallbacks(execute=True):
        for n, payload in enumerate(PAYLOADS):
            author = _user(
                f"commenter{n}@example.com",
                # Hostile, and each reader's own: display names are unique.
                display_name=f"{payload.text[:35]} (commenter {n})",
                notify_on_reply=True,
            )
            comment = posting.post_comment(target=piece, author=author, body=payload.text).comment
            states.change_state(comment=comment, to_state=State.APPROVED, actor=moderator)
            reply = posting.post_comment(
                target=piece, author=replier, body=payload.text, parent=comment
            ).comment
            states.change_state(comment=reply, to_state=State.APPROVED, actor=moderator)
            reports.report_comment(
                comment=comment, reporter=reporter, reason=Report.Reason.OTHER, details=payload.text
            )
            FaqItem.objects.create(question=payload.text[:300], answer=payload.text, article=piece)
            pending.append(
                posting.post_comment(target=piece, author=owner, body=payload.text).comment
            )
            comments.append(comment)
    assert all(c.state == State.PENDING for c in pending)
    return {
        "piece": piece,
        "comments": comments,
        "pending": pending,
        "owner": owner,
        "moderator": moderator,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint inside it (pytest-django's `db`), so tests stay independent."""
    overrides = override_settings(
        COMMENTS_PER_PAGE=1000,
        ARTICLES_PER_PAGE=1000,
        COMMENTS_MODERATOR_MAIL=notifications.EACH,
        COMMENTS_REPORT_THRESHOLD=0,
    )
    overrides.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            cache.clear()
            mail.outbox = []
            built = {"pieces": _build_pieces(), **_build_arena()}
            built["mail"] = list(mail.outbox)
            yield built
            cache.clear()
            transaction.set_rollback(True)
    finally:
        overrides.disable()


@pytest.fixture
def arena(world, db):
    return world


@pytest.fixture
def pieces(world, db):
    return world["pieces"]


# Readers' pages ----------------------------------------------------------------------


def test_the_piece_page_carries_every_payload_safely(client, arena):
    html = get(client, arena["piece"].get_absolute_url())
    for comment in arena["comments"]:
        assert f'id="comment-{comment.pk}"' in html
    # Display names are text: each comes back exactly as stored.
    names = _texts_of(html, "comment__author")
    for comment in arena["comments"]:
        assert comment.author.display_name in names
    # The other reader's pending comments are on nobody's page but theirs.
    for comment in arena["pending"]:
        assert f'id="comment-{comment.pk}"' not in html


def test_every_hostile_piece_page_is_safe_and_its_data_exact(client, pieces):
    for piece in pieces.values():
        html = get(client, piece.get_absolute_url())
        data = json_scripts(html)
        article_ld = next(item for item in data if item.get("headline") is not None)
        assert article_ld["headline"] == piece.title
        assert article_ld["description"] == piece.standfirst
        metas = _meta_contents(html)
        assert metas["og:title"] == metas["twitter:title"] == piece.title
        assert metas["og:description"] == metas["description"] == piece.standfirst
        assert metas["article:tag"] == piece.topics.get().name
        # The tab's title is set like the headline (curly quotes), every other character exact.
        assert _title_of(html) == f"{unescape(typographic(piece.title))} — Meridian"


def test_lists_of_pieces_topics_and_authors_are_safe(client, settings, pieces):
    settings.ARTICLES_PER_PAGE = 1000
    home = get(client, reverse("articles:home"))
    for piece in pieces.values():
        assert piece.get_absolute_url() in home
    for piece in pieces.values():
        get(client, piece.topics.get().get_absolute_url())
        get(client, piece.authors.get().get_absolute_url())


def test_search_queries_and_results_are_safe(client, pieces):
    for payload in PAYLOADS:
        html = get(client, f"{reverse('articles:search')}?{urlencode({'q': payload.text})}")
        assert check_html(html) == []


def test_the_faq_page_and_its_json_ld_are_safe_and_exact(client, arena):
    html = get(client, reverse("faq:index"))
    faq_ld = next(item for item in json_scripts(html) if item.get("@type") == "FAQPage")
    questions = {entry["name"] for entry in faq_ld["mainEntity"]}
    assert questions == {payload.text[:300] for payload in PAYLOADS}
    piece_html = get(client, arena["piece"].get_absolute_url())
    assert any(item.get("@type") == "FAQPage" for item in json_scripts(piece_html))


def test_the_feed_is_well_formed_and_its_html_summaries_are_inert(client, pieces):
    ordered = list(pieces.values())
    now = timezone.now()
    for start in range(0, len(ordered), 20):  # the feed lists the latest 20: each in turn
        chunk = ordered[start : start + 20]
        Article.objects.filter(pk__in=[p.pk for p in chunk]).update(
            publish_at=now - timedelta(minutes=10) + timedelta(seconds=start)
        )
        root = ET.fromstring(client.get(reverse("articles:feed")).content)
        entries = {
            entry.find("a:title", ATOM).text: entry for entry in root.findall("a:entry", ATOM)
        }
        for piece in chunk:
            entry = entries[piece.title]  # titles come back exactly, as text
            summary = entry.find("a:summary", ATOM)
            assert summary.get("type") == "html"
            # Feed readers render an html summary: it must be the standfirst as text.
            assert _html_text(summary.text) == piece.standfirst
            assert check_html(summary.text) == []
            assert [c.get("term") for c in entry.findall("a:category", ATOM)] == [
                piece.topics.get().name
            ]


def test_hostile_query_strings_are_never_echoed_as_markup(client, make_article, make_user):
    piece = make_article("A quiet piece", slug="quiet", publish_at=timezone.now())
    author = make_user("quiet@example.com", display_name="Quiet")
    comment = posting.post_comment(target=piece, author=author, body="One comment.").comment
    states.change_state(comment=comment, to_state=State.APPROVED)
    piece_url = piece.get_absolute_url()
    # Comments' HTML is cached per query string, with the reader's address filled in later.
    signed_in = Client()
    signed_in.force_login(make_user("reader.q@example.com", display_name="Reader Q"))
    for payload in PAYLOADS[::3]:
        query = urlencode({"cpage": "1", "sort": payload.text, "reply_to": comment.pk})
        for who in (client, signed_in):
            html = get(who, f"{piece_url}?{query}&x={quote(payload.text)}")
            assert f'id="comment-{comment.pk}"' in html
    for payload in PAYLOADS:
        text = payload.text
        for url in (
            f"{piece_url}?{urlencode({'cpage': text, 'sort': text, 'reply_to': text})}",
            f"{reverse('faq:index')}?{urlencode({'topic': text})}",
            f"{reverse('account_login')}?{urlencode({'next': text})}",
            f"{reverse('account_signup')}?{urlencode({'next': text})}",
        ):
            response = client.get(url)
            assert response.status_code in (200, 302), url
            if response.status_code == 200:
                assert_safe(response, where=url)
        get(client, f"/articles/{text.replace('/', '')}/", status=404)


# A signed-in reader's own pages ------------------------------------------------------


def test_a_readers_own_pages_show_their_hostile_comments_safely(client, arena):
    owner = arena["owner"]
    client.force_login(owner)
    html = get(client, arena["piece"].get_absolute_url())
    for comment in arena["pending"]:
        assert f'id="comment-{comment.pk}"' in html  # their own, pending
    get(client, reverse("comments:mine"))
    for comment in arena["pending"]:
        get(client, reverse("comments:edit", args=[comment.pk]))
        get(client, reverse("comments:withdraw", args=[comment.pk]))
    export = client.get(reverse("accounts:export"))
    assert export["Content-Type"] == "application/json"
    assert {c["body"] for c in json.loads(export.content)["comments"]} == {p.text for p in PAYLOADS}


def test_report_and_profile_pages_are_safe_for_hostile_authors(client, arena):
    for comment in arena["comments"]:
        author_client = Client()
        author_client.force_login(comment.author)
        get(author_client, reverse("accounts:profile"))
        get(author_client, reverse("comments:mine"))
    client.force_login(arena["owner"])
    for comment in arena["comments"]:
        get(client, reverse("comments:report", args=[comment.pk]))


def test_hostile_display_names_are_refused_or_shown_as_text(client, make_user):
    user = make_user("namer@example.com", display_name="Plain Name")
    client.force_login(user)
    saved = refused = 0
    for payload in PAYLOADS:
        response = client.post(
            reverse("accounts:profile"), {"display_name": payload.text, "notify_on_reply": ""}
        )
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            saved += 1
            user.refresh_from_db()
            assert not BIDI_CONTROLS & set(user.display_name)  # never a disguised name
            get(client, reverse("accounts:profile"))
        else:
            refused += 1
            assert_safe(response, where=payload.name)
            assert "error" in response.content.decode().lower()
    assert saved
    assert refused


# Moderators and the admin ------------------------------------------------------------


def test_the_moderation_queue_is_safe(client, arena):
    client.force_login(arena["moderator"])
    for key in queues.QUEUES:
        page = 1
        while True:
            url = f"{reverse('moderation:queue')}?{urlencode({'queue': key, 'page': page})}"
            response = client.get(url)
            assert response.status_code == 200
            assert_safe(response, where=url)
            paginator_page = response.context["page"]
            if not paginator_page.has_next():
                break
            page += 1
    html = get(client, f"{reverse('moderation:queue')}?queue=reported&page=1")
    assert "mod-item__report-details" in html
    for comment in arena["comments"][:: max(1, len(arena["comments"]) // 15)]:
        get(client, reverse("moderation:item", args=[comment.pk]))
        get(client, f"{reverse('moderation:next')}?queue=reported&position=0")


@pytest.fixture
def hostile_lists(arena):
    """What moderators keep: blocked terms, and sanctions with hostile reasons."""
    for n, payload in enumerate(PAYLOADS[:20]):
        BlockedTerm.objects.create(term=f"term{n}", note=payload.text[:200])
    for comment in arena["comments"][:20]:
        Sanction.objects.create(
            user=comment.author,
            kind=Sanction.Kind.BAN,
            reason=comment.body,
            created_by=arena["moderator"],
        )


def test_admin_lists_and_pages_are_safe(client, superuser, arena, pieces, hostile_lists):
    from django.contrib import admin

    client.force_login(superuser)
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        get(client, changelist, admin=True)
        for payload in PAYLOADS[::45]:  # the search box echoes the query
            get(client, f"{changelist}?{urlencode({'q': payload.text})}", admin=True)
        sample = model._default_manager.order_by("-pk")[:1]
        for obj in sample:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            get(client, url, admin=True)
    # Every comment is on the changelists above (a page holds 100); their own pages show
    # the rendered body, the reports and the history: a sample of them.
    for comment in arena["comments"][::6]:
        get(client, reverse("admin:comments_comment_change", args=[comment.pk]), admin=True)
    for piece in list(pieces.values())[::6]:
        get(client, reverse("admin:articles_article_change", args=[piece.pk]), admin=True)
        get(client, reverse("admin:articles_article_history", args=[piece.pk]), admin=True)
        get(client, reverse("articles:preview", args=[piece.slug]))
    for item in FaqItem.objects.order_by("pk")[::6]:
        get(client, reverse("admin:faq_faqitem_change", args=[item.pk]), admin=True)


# Mail --------------------------------------------------------------------------------


def test_mail_is_plain_text_with_single_line_subjects(arena, mailoutbox):
    moderator_mails = [m for m in arena["mail"] if "waits for review" in m.subject]
    reply_mails = [m for m in arena["mail"] if "replied to your comment" in m.subject]
    assert len(moderator_mails) >= len(PAYLOADS)
    assert len(reply_mails) == len(PAYLOADS)
    Comment.objects.update(moderators_alerted_at=None)
    notifications.send_digest()  # the digest too
    assert any("digest" in m.body or "review queue" in m.body for m in mailoutbox)
    for message in [*arena["mail"], *mailoutbox]:
        _assert_plain_text_mail(message)
    # The text arrives as written (a mail client shows it; nothing interprets it).
    bodies = "\n".join(m.body for m in reply_mails)
    for payload in PAYLOADS:
        assert payload.text.strip() in bodies or payload.text.strip()[:200] in bodies


def test_account_mail_to_hostile_names_is_plain_text(client, arena, mailoutbox):
    mailoutbox.clear()
    for comment in arena["comments"][:10]:
        client.post(reverse("account_reset_password"), {"email": comment.author.email})
    assert len(mailoutbox) == 10
    for message in mailoutbox:
        _assert_plain_text_mail(message)


# Helpers -----------------------------------------------------------------------------


def _assert_plain_text_mail(message) -> None:
    assert message.content_subtype == "plain", message.subject
    for content, mimetype in getattr(message, "alternatives", []) or []:
        assert mimetype != "text/html" or check_html(content) == [], message.subject
    assert "\n" not in message.subject
    assert "\r" not in message.subject


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.metas: dict[str, str] = {}
        self.title: list[str] = []
        self.in_title = False
        self.texts: dict[str, list[str]] = {}
        self._open: list[str | None] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.metas[key] = attributes.get("content") or ""
            return
        if tag == "title":
            self.in_title = True
        classes = (attributes.get("class") or "").split()
        self._open.append(classes[0] if classes else None)
        if classes:
            self.texts.setdefault(classes[0], []).append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if self._open and tag not in ("meta", "link", "br", "input", "img", "hr"):
            self._open.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self.in_title:
            self.title.append(data)
        if self._open and self._open[-1] in self.texts:
            self.texts[self._open[-1]][-1] += data


def _collect(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def _meta_contents(html: str) -> dict[str, str]:
    return _collect(html).metas


def _title_of(html: str) -> str:
    return "".join(_collect(html).title)


def _texts_of(html: str, css_class: str) -> list[str]:
    return _collect(html).texts.get(css_class, [])


def _html_text(html: str) -> str:
    return "".join(_collect(html or "").text)

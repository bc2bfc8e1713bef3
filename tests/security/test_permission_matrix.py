"""Who may do what: every URL and admin view, for every role, against the expected status.

Roles: an anonymous visitor, a reader (verified email), a suspended reader, an editor, a
moderator and a superuser. Each row of the matrix is one URL with one method and the
status each role must get; `test_the_matrix_covers_every_url` checks that no URL of the
site is left out. Object-level rules follow: nobody edits, withdraws or sees another
reader's comment where they should not, and a suspended reader can change nothing.

The expected statuses come from the roles in DESIGN.md, not from the code: editors write
pieces, topics, authors and FAQ items and read comments; moderators decide on comments,
sanction and keep the blocklists; nobody deletes a comment, a sanction or a blocklist
entry; only superusers manage people and groups.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
import reversion
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from reversion.models import Version

from articles.models import Article
from comments import posting, states
from comments.models import Comment
from core.roles import EDITORS
from faq.models import FaqItem
from moderation import actions, sanctions, second_looks, statements
from moderation.models import BlockedEmailDomain, BlockedTerm, Notice, Sanction

pytestmark = pytest.mark.django_db
State = Comment.State
ROLES = ("anonymous", "reader", "suspended", "editor", "reviewer", "moderator", "superuser")


@dataclass
class Row:
    """One URL and method; `expect` is the status per role, in ROLES order."""

    name: str
    expect: tuple[int, ...]
    method: str = "GET"
    args: tuple = ()
    data: dict = field(default_factory=dict)
    query: str = ""
    kwargs: dict = field(default_factory=dict)

    def url(self, w: dict) -> str:
        args = [w[a] if isinstance(a, str) and a in w else a for a in self.args]
        base = reverse(self.name, args=args or None, kwargs=self.kwargs or None)
        return f"{base}?{self.query}" if self.query else base


def every(status: int) -> tuple[int, ...]:
    return (status,) * len(ROLES)


def signed_in(status: int, anonymous: int = 302) -> tuple[int, ...]:
    return (anonymous, *(status,) * (len(ROLES) - 1))


# Staff pages: anonymous, reader and suspended reader go to sign in (302); staff by role.
def staff(editor: int, reviewer: int, moderator: int, superuser: int) -> tuple[int, ...]:
    return (302, 302, 302, editor, reviewer, moderator, superuser)


MODERATORS_ONLY = (302, 403, 403, 403, 403, 200, 200)
MODERATOR_ACTS = (302, 403, 403, 403, 403, 302, 302)

PUBLIC_ROWS = [
    Row("articles:home", every(200)),
    Row("articles:detail", every(200), args=("piece_slug",)),
    Row("articles:detail", every(404), args=("draft_slug",)),
    Row("articles:preview", (404, 404, 404, 200, 200, 404, 200), args=("draft_slug",)),
    Row("articles:preview", (404, 404, 404, 200, 200, 404, 200), args=("piece_slug",)),
    Row("articles:topics", every(200)),
    Row("articles:topic", every(200), args=("topic_slug",)),
    Row("articles:author", every(200), args=("author_slug",)),
    Row("articles:search", every(200), query="q=sanctions"),
    Row("articles:feed", every(200)),
    Row("articles:corrections", every(200)),
    Row("faq:index", every(200)),
    Row("sitemap", every(200)),
    Row("robots", every(200)),
    Row("healthz", every(200)),
    Row("healthz", every(405), method="POST"),
]

ACCOUNT_ROWS = [
    Row("account_login", signed_in(302, anonymous=200)),
    Row("account_signup", signed_in(302, anonymous=200)),
    Row("account_logout", signed_in(200)),
    Row("account_reset_password", every(200)),
    Row("account_reset_password_done", every(200)),
    Row("account_reset_password_from_key", every(200), kwargs={"uidb36": "zz", "key": "bad"}),
    Row("account_reset_password_from_key_done", every(200)),
    Row("account_confirm_email", every(200), kwargs={"key": "not-a-real-key"}),
    Row("account_email_verification_sent", every(200)),
    Row("account_inactive", every(200)),
    Row("account_confirm_login_code", every(302)),
    Row("account_email", signed_in(200)),
    Row("account_change_password", signed_in(200)),
    Row("account_set_password", signed_in(302)),
    Row("account_reauthenticate", signed_in(200)),
    Row("accounts:profile", signed_in(200)),
    Row("accounts:export", signed_in(200)),
    Row("accounts:export", signed_in(405), method="POST"),
    # Newsroom accounts are closed by an administrator, not from the reader page.
    Row("accounts:delete", (302, 200, 200, 403, 403, 403, 403)),
]

COMMENT_ROWS = [
    Row("comments:mine", signed_in(200)),
    Row("comments:locate", every(302), args=("theirs",)),
    Row("comments:locate", every(302), args=("pending_theirs",)),
    Row("comments:feed", every(200), args=("piece_pk",)),
    Row("comments:feed", every(404), args=("draft_pk",)),
    Row("comments:post", every(302), method="POST", args=("piece_pk",), data={"body": "Hi."}),
    Row("comments:post", every(404), method="POST", args=("draft_pk",), data={"body": "Hi."}),
    Row("comments:draft", every(302), method="POST", args=("piece_pk",), data={"body": "Hi."}),
    Row("comments:draft", every(404), method="POST", args=("draft_pk",), data={"body": "Hi."}),
    # Following: signed-out readers are sent to sign in; a signed token alone unsubscribes.
    Row("comments:follow", every(302), method="POST", args=("piece_pk",), data={"mode": "each"}),
    Row("comments:follow", every(404), method="POST", args=("draft_pk",), data={"mode": "each"}),
    Row("comments:follow", every(405), args=("piece_pk",)),
    Row("comments:unsubscribe", every(400), kwargs={"token": "not-signed-by-us"}),
    Row("comments:unsubscribe", every(400), method="POST", kwargs={"token": "not-signed-by-us"}),
    Row("comments:reply", every(302), args=("theirs",)),
    Row("comments:reply", every(302), method="POST", args=("theirs",), data={"body": "Yes."}),
    Row("comments:reply", every(404), args=("on_draft",)),
    # Another reader's comment: not found for anyone but its author (superusers included).
    Row("comments:edit", signed_in(404), args=("theirs",)),
    Row("comments:edit", signed_in(404), method="POST", args=("theirs",), data={"body": "X"}),
    Row("comments:withdraw", signed_in(404), args=("theirs",)),
    Row("comments:withdraw", signed_in(404), method="POST", args=("theirs",)),
    Row("comments:report", signed_in(200), args=("theirs",)),
    Row("comments:report", signed_in(404), args=("pending_theirs",)),
    # A suspended reader's report is refused on the form (200, nothing stored).
    Row(
        "comments:report",
        (302, 302, 200, 302, 302, 302, 302),
        method="POST",
        args=("theirs",),
        data={"reason": "spam"},
    ),
    Row("comments:recommend", every(302), method="POST", args=("theirs",)),
    Row("comments:recommend", every(404), method="POST", args=("pending_theirs",)),
    Row("comments:recommend", every(405), args=("theirs",)),
]

MODERATION_ROWS = [
    Row("moderation:queue", MODERATORS_ONLY),
    Row("moderation:queue", MODERATORS_ONLY, query="queue=reported"),
    Row("moderation:next", MODERATORS_ONLY),
    Row("moderation:item", MODERATORS_ONLY, args=("pending_theirs",)),
    Row(
        "moderation:act",
        MODERATOR_ACTS,
        method="POST",
        args=("queued",),
        data={"action": "approve"},
    ),
    Row("moderation:act", (302, 403, 403, 403, 403, 405, 405), args=("queued",)),
    Row("moderation:undo", MODERATOR_ACTS, method="POST"),
    # Several comments at once (a group of near-duplicates, or the multi-select): with
    # nothing selected the queue is shown again and says so (400), for moderators only.
    Row(
        "moderation:bulk",
        (302, 403, 403, 403, 403, 400, 400),
        method="POST",
        data={"action": "approve"},
    ),
    Row("moderation:bulk", (302, 403, 403, 403, 403, 405, 405)),
    Row("moderation:preview", MODERATORS_ONLY, args=("queued",), query="action=reject"),
    Row("moderation:stats", MODERATORS_ONLY),
    Row("moderation:scorer", MODERATORS_ONLY),
    Row("moderation:reader", MODERATORS_ONLY, args=("user_pk",)),
    Row(
        "moderation:reader",
        MODERATOR_ACTS,
        method="POST",
        args=("user_pk",),
        data={"text": "A note on this reader."},
    ),
    # A decision on the reader's comment: its author and moderators read it, nobody else.
    Row("moderation:statement", (302, 200, 404, 404, 404, 200, 200), args=("decision",)),
    Row("moderation:ask", (302, 302, 404, 404, 404, 302, 302), method="POST", args=("decision",)),
    Row("moderation:statement_mail", signed_in(302), method="POST"),
    Row(
        "moderation:decide_review",
        MODERATOR_ACTS,
        method="POST",
        args=("second_look_pk",),
        data={"outcome": "uphold"},
    ),
    Row("moderation:statements_opt_out", every(200), args=("opt_out_token",)),
    # Notices of illegal content: anyone may send one about a comment they can see.
    Row("moderation:notice", every(200), args=("theirs",)),
    Row("moderation:notice", every(404), args=("pending_theirs",)),
    Row("moderation:notice", every(404), args=("on_draft",)),
    # Without its good-faith statement the form is shown again, nothing stored.
    Row("moderation:notice", every(200), method="POST", args=("theirs",), data={"name": "X"}),
    Row("moderation:notices", MODERATORS_ONLY),
    # A decision without its grounds: refused on the form (400), for moderators only.
    Row(
        "moderation:decide_notice",
        (302, 403, 403, 403, 403, 400, 400),
        method="POST",
        args=("notice_pk",),
    ),
    Row("moderation:decide_notice", (302, 403, 403, 403, 403, 405, 405), args=("notice_pk",)),
]

# What each role may do in the admin, per registered model (v: view, a: add, c: change,
# d: delete). Nobody adds comments (readers write them) or deletes comments, sanctions or
# blocklist entries (they are withdrawn, removed, lifted or switched off).
MAY = {
    # Reviewers read a piece and all it carries, and edit its text (a fact-check).
    "articles.article": {"editor": "vac", "reviewer": "vc", "superuser": "vacd"},
    "articles.topic": {"editor": "vac", "reviewer": "v", "superuser": "vacd"},
    "articles.author": {"editor": "vac", "reviewer": "v", "superuser": "vacd"},
    "faq.faqitem": {"editor": "vac", "reviewer": "v", "superuser": "vacd"},
    "comments.comment": {"editor": "v", "moderator": "vc", "superuser": "vc"},
    "moderation.sanction": {"moderator": "vc", "superuser": "vc"},
    "moderation.blockedterm": {"moderator": "vac", "superuser": "vac"},
    "moderation.blockedemaildomain": {"moderator": "vac", "superuser": "vac"},
    "moderation.secondlook": {"moderator": "v", "superuser": "v"},
    "moderation.notice": {"moderator": "v", "superuser": "v"},
    "auth.group": {"superuser": "vacd"},
    "account.emailaddress": {"superuser": "vacd"},
    "accounts.user": {"superuser": "vacd"},
    # Background tasks (django-tasks-db): superusers read them, e.g. why a mail failed;
    # nobody adds, changes or deletes one.
    "django_tasks_database.dbtaskresult": {"superuser": "v"},
}
OBJECT_FOR = {
    "articles.article": "piece_pk",
    "articles.topic": "topic_pk",
    "articles.author": "author_pk",
    "faq.faqitem": "faq_pk",
    "comments.comment": "theirs",
    "moderation.sanction": "sanction_pk",
    "moderation.blockedterm": "term_pk",
    "moderation.blockedemaildomain": "domain_pk",
    "moderation.secondlook": "second_look_pk",
    "moderation.notice": "notice_pk",
    "auth.group": "group_pk",
    "account.emailaddress": "emailaddress_pk",
    "accounts.user": "user_pk",
    "django_tasks_database.dbtaskresult": "task_pk",
}


def _admin_status(label: str, needs: str) -> tuple[int, ...]:
    """`needs`: any of these letters lets a role in (e.g. "vc" for the change page)."""
    may = MAY[label]
    return staff(*(200 if set(needs) & set(may.get(role, "")) else 403 for role in ROLES[3:]))


def _admin_rows() -> list[Row]:
    rows = []
    for label in MAY:
        app, model = label.split(".")
        prefix = f"admin:{app}_{model}"
        obj = OBJECT_FOR[label]
        rows += [
            Row(f"{prefix}_changelist", _admin_status(label, "vc")),
            Row(f"{prefix}_add", _admin_status(label, "a")),
            Row(f"{prefix}_change", _admin_status(label, "vc"), args=(obj,)),
            Row(f"{prefix}_history", _admin_status(label, "vc"), args=(obj,)),
            Row(f"{prefix}_delete", _admin_status(label, "d"), args=(obj,)),
        ]
    for label in ("articles.article", "faq.faqitem"):  # django-reversion's pages
        app, model = label.split(".")
        version = "piece_version" if model == "article" else "faq_version"
        rows += [
            Row(f"admin:{app}_{model}_recoverlist", _admin_status(label, "a")),
            # Reading an old version is viewing; restoring it (a POST) needs change.
            Row(
                f"admin:{app}_{model}_revision",
                _admin_status(label, "vc"),
                args=(OBJECT_FOR[label], version),
            ),
        ]
    apps_of = {
        "auth": ["auth.group"],
        "account": ["account.emailaddress"],
        "accounts": ["accounts.user"],
        "articles": ["articles.article", "articles.topic", "articles.author"],
        "faq": ["faq.faqitem"],
        "comments": [label for label in MAY if label.startswith("comments.")],
        "django_tasks_database": ["django_tasks_database.dbtaskresult"],
    }
    for app, labels in apps_of.items():
        allowed = [any(MAY[label].get(role) for label in labels) for role in ROLES[3:]]
        rows.append(
            Row(
                "admin:app_list",
                staff(*(200 if a else 404 for a in allowed)),
                kwargs={"app_label": app},
            )
        )
    rows += [
        Row("admin:index", staff(200, 200, 200, 200)),
        # Signed-in staff are sent on to the admin; signed-in readers are refused.
        Row("admin:login", (302, 403, 403, 302, 302, 302, 302)),
        Row("admin:logout", staff(405, 405, 405, 405), method="GET"),
        Row("admin:jsi18n", staff(200, 200, 200, 200)),
        # The admin's password form sends staff to the site's own (allauth) page.
        Row("admin:password_change", every(302)),
        Row("admin_password_change", every(302)),
        Row("admin:password_change_done", staff(200, 200, 200, 200)),
        Row("admin:auth_user_password_change", staff(403, 403, 403, 200), args=("user_pk",)),
        Row("admin:view_on_site", staff(302, 302, 302, 302), args=("article_type", "piece_pk")),
        Row(
            "admin:autocomplete",
            staff(200, 200, 403, 200),
            query=urlencode(
                {"app_label": "articles", "model_name": "article", "field_name": "topics"}
            ),
        ),
        Row("admin:faq_faqitem_promote", staff(200, 403, 403, 200), args=("theirs",)),
        # An editor's autosaved draft of a piece (POST only), and discarding it: those who
        # may change the piece (reviewers too), or add one for a piece not saved yet.
        Row("admin:articles_article_autosave", staff(200, 403, 403, 200), method="POST"),
        Row("admin:articles_article_autosave", staff(405, 405, 405, 405), args=("piece_pk",)),
        Row(
            "admin:articles_article_autosave",
            staff(200, 200, 403, 200),
            method="POST",
            args=("piece_pk",),
        ),
        Row(
            "admin:articles_article_discard_draft",
            staff(302, 302, 403, 302),
            method="POST",
            args=("piece_pk",),
        ),
        Row("admin:articles_article_discard_draft", staff(302, 403, 403, 302), method="POST"),
        # The change form's text rendered without saving: for those who write or review.
        Row("admin:articles_article_preview", staff(405, 405, 403, 405)),
        Row(
            "admin:articles_article_preview",
            staff(200, 200, 403, 200),
            method="POST",
            data={"title": "T", "body": "B"},
        ),
        Row(
            "admin:articles_article_preview",
            staff(200, 200, 403, 200),
            method="POST",
            data={"body": "B"},
            query="fragment=1",
        ),
        Row("admin:comments_comment_undo", staff(403, 403, 302, 302), method="POST"),
        Row("admin:comments_comment_undo", staff(405, 405, 405, 405)),
    ]
    return rows


ROWS = PUBLIC_ROWS + ACCOUNT_ROWS + COMMENT_ROWS + MODERATION_ROWS + _admin_rows()

# URL names deliberately not in the matrix, and why.
NOT_IN_THE_MATRIX = {
    "admin:articles_article_recover": "a deleted piece's version: covered by recoverlist",
    "admin:faq_faqitem_recover": "a deleted item's version: covered by recoverlist",
}


@pytest.fixture
def world(
    settings,
    make_user,
    make_article,
    make_topic,
    make_author,
    moderator,
    editor,
    reviewer,
    superuser,
):
    """Everything the matrix's URLs point at, and one signed-in client per role."""
    settings.COMMENTS_REPORT_THRESHOLD = 0  # reports in the matrix must not hide the comment
    # Tasks are queued as deployed (the admin shows the queue's rows), never run here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reader = make_user("reader@example.com", display_name="Reader")
    suspended = make_user("suspended@example.com", display_name="Suspended")
    other = make_user("other@example.com", display_name="Other Reader")
    topic, author = make_topic("Sanctions", slug="sanctions"), make_author(slug="jo")
    piece = make_article("A piece", slug="a-piece", topics=[topic], authors=[author])
    draft = make_article("A draft", slug="a-draft", status=Article.Status.DRAFT)
    with reversion.create_revision():
        piece.save()
        faq = FaqItem.objects.create(question="Why?", answer="Because.", article=piece)
    theirs = posting.post_comment(target=piece, author=other, body="Their published view.").comment
    states.change_state(comment=theirs, to_state=State.APPROVED, actor=moderator)
    pending_theirs = posting.post_comment(
        target=piece, author=other, body="Their pending view."
    ).comment
    states.change_state(comment=pending_theirs, to_state=State.PENDING, actor=moderator)
    queued = posting.post_comment(target=piece, author=other, body="Waiting in line.").comment
    states.change_state(comment=queued, to_state=State.PENDING, actor=moderator)
    on_draft = Comment.objects.create(target=draft, author=other, body="x", state=State.APPROVED)
    sanction = services_suspend(suspended, moderator)
    # A decision on the reader's comment, and a second look asked about one on another's.
    rejected = posting.post_comment(target=piece, author=reader, body="Turned down.").comment
    decision = actions.moderate(
        comment=rejected, action="reject", category="off_topic", moderator=moderator
    )
    turned_down = posting.post_comment(target=piece, author=other, body="Also down.").comment
    review = second_looks.ask_for_second_look(
        event=actions.moderate(
            comment=turned_down, action="remove", category="abuse", moderator=moderator
        ),
        author=other,
    )
    notice = Notice.objects.create(
        comment=theirs,
        location="/",
        explanation="Illegal.",
        name="N",
        email="n@example.net",
        good_faith=True,
    )
    w = {
        "notice_pk": notice.pk,
        "decision": decision.pk,
        "second_look_pk": review.pk,
        "opt_out_token": statements.opt_out_token(other),
        "piece_slug": piece.slug,
        "draft_slug": draft.slug,
        "piece_pk": piece.pk,
        "draft_pk": draft.pk,
        "topic_slug": topic.slug,
        "author_slug": author.slug,
        "topic_pk": topic.pk,
        "author_pk": author.pk,
        "faq_pk": faq.pk,
        "theirs": theirs.pk,
        "pending_theirs": pending_theirs.pk,
        "queued": queued.pk,
        "on_draft": on_draft.pk,
        "sanction_pk": sanction.pk,
        "term_pk": BlockedTerm.objects.create(term="blocked").pk,
        "domain_pk": BlockedEmailDomain.objects.create(domain="spam.example").pk,
        "group_pk": Group.objects.get(name=EDITORS).pk,
        "emailaddress_pk": EmailAddress.objects.get(user=other).pk,
        "user_pk": other.pk,
        "task_pk": DBTaskResult.objects.create(
            task_path="core.tasks.send_email",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=timezone.now(),
        ).pk,
        "article_type": ContentType.objects.get_for_model(Article).pk,
        "piece_version": Version.objects.get_for_object(piece).first().pk,
        "faq_version": Version.objects.get_for_object(faq).first().pk,
    }
    users = {
        "anonymous": None,
        "reader": reader,
        "suspended": suspended,
        "editor": editor,
        "reviewer": reviewer,
        "moderator": moderator,
        "superuser": superuser,
    }
    clients = {}
    for n, (role, user) in enumerate(users.items()):
        client = Client(REMOTE_ADDR=f"192.0.2.{n + 10}")  # one address each: own rate limits
        if user is not None:
            client.force_login(user)
        clients[role] = client
    w.update(users=users, clients=clients, objects={"theirs": theirs, "pending": pending_theirs})
    return w


def services_suspend(user, moderator) -> Sanction:

    return sanctions.suspend_commenter(
        user=user, moderator=moderator, days=7, reason="Cooling off."
    )


def test_every_role_gets_the_expected_status_everywhere(world, capsys):
    mismatches = []
    cells = 0
    for row in ROWS:
        url = row.url(world)
        for role, expected in zip(ROLES, row.expect, strict=True):
            client = world["clients"][role]
            send = client.post if row.method == "POST" else client.get
            response = send(url, row.data) if row.method == "POST" else send(url)
            cells += 1
            if response.status_code != expected:
                mismatches.append(
                    f"{row.method} {url} as {role}: {response.status_code}, expected {expected}"
                )
    with capsys.disabled():
        print(f"\npermission matrix: {len(ROWS)} URLs x {len(ROLES)} roles = {cells} cells")
    assert not mismatches, "\n".join(mismatches)
    assert cells >= 600


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_the_matrix_covers_every_url():
    covered = {row.name for row in ROWS} | set(NOT_IN_THE_MATRIX)
    missing = sorted(_url_names(get_resolver().url_patterns) - covered)
    assert missing == []


def test_the_matrix_covers_every_registered_model():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(MAY)


# Object-level rules ------------------------------------------------------------------


def test_nobody_edits_or_withdraws_another_readers_comment(world):
    theirs = world["objects"]["theirs"]
    for role in ROLES[1:]:
        client = world["clients"][role]
        client.post(reverse("comments:edit", args=[theirs.pk]), {"body": f"Hijacked by {role}"})
        client.post(reverse("comments:withdraw", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.body == "Their published view."
    assert theirs.state == State.APPROVED
    assert not theirs.revisions.exists()
    assert list(theirs.events.values_list("to_state", flat=True)) == ["pending", "approved"]


def test_another_readers_pending_comment_is_on_nobody_elses_page(world):
    pending = world["objects"]["pending"]
    piece_url = reverse("articles:detail", args=[world["piece_slug"]])
    marker = f'id="comment-{pending.pk}"'
    for role in ROLES:
        client = world["clients"][role]
        for url in (piece_url, reverse("articles:home"), reverse("faq:index")):
            html = client.get(url).content.decode()
            assert marker not in html, (role, url)
            assert "Their pending view." not in html, (role, url)
        if role != "anonymous":
            assert (
                "Their pending view." not in client.get(reverse("comments:mine")).content.decode()
            )
        located = client.get(reverse("comments:locate", args=[pending.pk]))
        assert located["Location"].endswith("#discussion"), role  # not its anchor
    author = Client()
    author.force_login(pending.author)
    assert marker in author.get(piece_url).content.decode()


def test_a_suspended_reader_changes_nothing(world):
    client = world["clients"]["suspended"]
    suspended = world["users"]["suspended"]
    theirs = world["objects"]["theirs"]
    before = Comment.objects.count()
    posted = client.post(reverse("comments:post", args=[world["piece_pk"]]), {"body": "Let me."})
    replied = client.post(reverse("comments:reply", args=[theirs.pk]), {"body": "And me."})
    assert posted.status_code == replied.status_code == 302
    assert Comment.objects.count() == before
    assert not Comment.objects.filter(author=suspended).exists()
    client.post(reverse("comments:report", args=[theirs.pk]), {"reason": "spam"})
    assert not theirs.reports.filter(reporter=suspended).exists()
    page = client.get(world_piece_url(world)).content.decode()
    assert "Cooling off." in page  # told why


def world_piece_url(world) -> str:
    return reverse("articles:detail", args=[world["piece_slug"]])


def test_readers_and_editors_cannot_moderate_by_posting(world):
    queued = Comment.objects.get(pk=world["queued"])
    for role in ("anonymous", "reader", "suspended", "editor"):
        client = world["clients"][role]
        client.post(reverse("moderation:act", args=[queued.pk]), {"action": "approve"})
        client.post(
            reverse("admin:comments_comment_change", args=[queued.pk]),
            {"state": "approved", "reason": "sneaky"},
        )
        client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve_selected", "_selected_action": [queued.pk]},
        )
    queued.refresh_from_db()
    assert queued.state == State.PENDING
    assert queued.events.count() == 2


# Review before publishing: who may move a piece from which state, through the admin's
# buttons as people press them. From DESIGN.md: editors send for review and publish what a
# reviewer approved; reviewers approve or send back; moderators touch no piece. `None`: the
# move is refused and the piece stays where it was.
D, R, A, P = (Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.APPROVED,
              Article.Status.PUBLISHED)  # fmt: skip
STAFF = ("editor", "reviewer", "moderator", "superuser")
MOVES = [
    # move, from, then per role in STAFF order
    ("send_for_review", D, (R, R, None, R)),
    ("take_back", R, (D, D, None, D)),
    ("approve", R, (None, A, None, A)),
    ("send_back", R, (None, D, None, D)),
    ("send_back", A, (None, D, None, D)),
    ("publish", A, (P, None, None, P)),
    ("publish", D, (None, None, None, None)),  # never without approval
    ("publish", R, (None, None, None, None)),
    ("approve", D, (None, None, None, None)),
    ("take_down", P, ("down", None, None, "down")),
]


def test_who_moves_a_piece_through_review(world, admin_post):
    mismatches = []
    for n, (move, start, outcomes) in enumerate(MOVES):
        for role, expected in zip(STAFF, outcomes, strict=True):
            piece = Article.objects.create(
                title=f"Moving piece {n} {role}",
                slug=f"moving-{n}-{role}",
                standfirst="A piece on its way.",
                body="Text.",
                status=start,
            )
            url = reverse("admin:articles_article_change", args=[piece.pk])
            client = world["clients"][role]
            if client.get(url).status_code == 200:
                admin_post(client, url, _move=move, note="Checked the figures.")
            piece.refresh_from_db()
            if expected == "down":
                got = "down" if piece.is_taken_down else piece.status
            else:
                got = piece.status if piece.status != start else None
            if got != expected:
                mismatches.append(f"{move} from {start} as {role}: {got}, expected {expected}")
    assert not mismatches, "\n".join(mismatches)

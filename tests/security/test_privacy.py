"""Privacy: no address stored in clear, hashes kept only for a while, a reader's own data
exported on request, and deletion that anonymises without tearing threads apart."""

import base64
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import delete_account
from comments import posting, privacy, states, throttle
from comments.models import Comment

pytestmark = pytest.mark.django_db
State = Comment.State
ADDRESSES = ("203.0.113.77", "2001:db8:77::1")


def _stored_text() -> str:
    """Every text value in every table the site's models own, and the cache table."""
    chunks = []
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if names:
            for row in model._default_manager.values_list(*names):
                chunks.extend(str(value) for value in row)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM django_cache")
        for key, value in cursor.fetchall():
            chunks.append(key)
            chunks.append(base64.b64decode(value).decode("latin-1"))
    return "\n".join(chunks)


def test_no_client_address_is_stored_in_clear(client, settings, make_user, piece, mailoutbox):
    # The database cache: rate-limit counters are rows here, where an address would stay.
    assert settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")
    commenter = make_user("commenter@example.com", display_name="Commenter")
    for address in ADDRESSES:
        signed_in = Client(REMOTE_ADDR=address)
        signed_in.force_login(commenter)
        post_url = reverse("comments:post", args=[piece.pk])
        assert signed_in.post(post_url, {"body": f"From {address[:3]}"}).status_code == 302
        anonymous = Client(REMOTE_ADDR=address)
        anonymous.post(reverse("account_login"), {"login": "x@example.com", "password": "nope"})
        anonymous.post(reverse("account_login"), {"login": commenter.email, "password": "nope"})
        anonymous.post(reverse("account_signup"), {"email": "new@example.com"})
        anonymous.post(reverse("account_reset_password"), {"email": commenter.email})
    comments = list(Comment.objects.filter(author=commenter))
    assert len(comments) == 2
    # IPv6 clients count by their /64, as one host usually has a whole /64.
    for comment, counted in zip(comments, ("203.0.113.77", "2001:db8:77::"), strict=True):
        assert len(comment.ip_hash) == 64
        assert comment.ip_hash == throttle.hash_ip(counted)
    stored = _stored_text()
    assert "allauth:rl" in stored
    # The posting limit's rows (comments.models.PostingWindow), by hashed address.
    for counted in ("203.0.113.77", "2001:db8:77::"):
        assert f"ip:{throttle.hash_ip(counted)}:" in stored
    for address in (*ADDRESSES, "2001:db8:77::"):
        assert address not in stored  # ...without any address in clear


def test_address_hashes_are_blanked_after_the_retention_period(settings, make_user, piece):
    settings.COMMENTS_IP_HASH_RETENTION_DAYS = 30
    author = make_user()
    now = timezone.now()
    old, recent = (
        posting.post_comment(target=piece, author=author, body=text, ip_hash="a" * 64).comment
        for text in ("Old comment.", "Recent comment.")
    )
    Comment.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=31))
    Comment.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=29))

    assert privacy.purge_ip_hashes().blanked == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_hash == ""
    assert recent.ip_hash == "a" * 64
    assert old.body == "Old comment."
    assert old.state == State.PENDING
    assert privacy.purge_ip_hashes().blanked == 0  # idempotent


def test_the_purge_command_reports_and_takes_a_shorter_period(capsys, make_user, piece):
    author = make_user()
    comment = posting.post_comment(
        target=piece, author=author, body="Hello.", ip_hash="b" * 64
    ).comment
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=2))
    call_command("purge_ip_hashes")
    assert "Blanked the address hash of 0 comment(s)" in capsys.readouterr().out
    call_command("purge_ip_hashes", "--days", "1")
    assert "Blanked the address hash of 1 comment(s)" in capsys.readouterr().out
    comment.refresh_from_db()
    assert comment.ip_hash == ""


# Export --------------------------------------------------------------------------------


@pytest.fixture
def history(make_user, piece, approve, moderator):
    """A reader with comments in several states (one edited), and someone else's comment."""
    reader = make_user("exporter@example.com", display_name="Exporter")
    other = make_user("other@example.com", display_name="Other")
    first = approve(posting.post_comment(target=piece, author=reader, body="First.").comment)
    posting.edit_comment(comment=first, editor=reader, body="First, corrected.")
    pending = posting.post_comment(target=piece, author=reader, body="Second, pending.").comment
    states.change_state(comment=pending, to_state=State.PENDING, actor=moderator)
    gone = posting.post_comment(target=piece, author=reader, body="Third, withdrawn.").comment
    posting.withdraw_comment(comment=gone, actor=reader)
    posting.post_comment(target=piece, author=other, body="Someone else's words.")
    return reader, [first, pending, gone]


def test_a_reader_downloads_every_comment_they_wrote(client, history, piece):
    reader, (first, pending, gone) = history
    client.force_login(reader)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="meridian-comments-')
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "exporter@example.com"
    assert data["account"]["display_name"] == "Exporter"
    by_id = {c["id"]: c for c in data["comments"]}
    assert list(by_id) == [first.pk, pending.pk, gone.pk]
    assert by_id[first.pk]["body"] == "First, corrected."
    assert [v["body"] for v in by_id[first.pk]["earlier_versions"]] == ["First."]
    assert by_id[pending.pk]["state"] == "pending"
    assert by_id[gone.pk]["state"] == "withdrawn"
    assert by_id[first.pk]["piece"] == {
        "title": piece.title,
        "url": f"http://testserver{piece.get_absolute_url()}",
    }
    assert "Someone else's words." not in response.content.decode()


def test_the_export_needs_a_signed_in_reader_and_a_get(client, history):
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(history[0])
    assert client.post(reverse("accounts:export")).status_code == 405


def test_the_export_costs_the_same_queries_however_many_comments(
    client, make_user, piece, django_assert_max_num_queries
):
    reader = make_user()
    client.force_login(reader)
    client.get(reverse("accounts:export"))  # warm the session
    for n in range(12):
        comment = posting.post_comment(target=piece, author=reader, body=f"Comment {n}.").comment
        posting.edit_comment(comment=comment, editor=reader, body=f"Comment {n}, edited.")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:export"))
    assert len(json.loads(response.content)["comments"]) == 12


def test_the_profile_links_to_the_export(client, reader):
    client.force_login(reader)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("accounts:export")}"' in html
    delete_page = client.get(reverse("accounts:delete")).content.decode()
    assert f'href="{reverse("accounts:export")}"' in delete_page


# Deletion ------------------------------------------------------------------------------


def test_deleting_an_account_anonymises_its_comments_and_threads_keep_their_shape(
    client, make_user, piece, approve
):
    leaving = make_user("leaving@example.com", display_name="Leaving Reader")
    staying = make_user("staying@example.com", display_name="Staying Reader")
    parent = approve(posting.post_comment(target=piece, author=leaving, body="My view.").comment)
    reply = approve(
        posting.post_comment(
            target=piece, author=staying, body="I disagree.", parent=parent
        ).comment
    )
    delete_account(user=leaving)

    html = client.get(piece.get_absolute_url()).content.decode()
    assert "Leaving Reader" not in html
    assert "leaving@example.com" not in html
    assert "Deleted reader" in html
    assert f'id="comment-{parent.pk}"' in html
    assert f'id="comment-{reply.pk}"' in html
    assert html.index(f'id="comment-{parent.pk}"') < html.index(f'id="comment-{reply.pk}"')
    parent.refresh_from_db()
    reply.refresh_from_db()
    assert parent.state == State.APPROVED
    assert reply.parent_id == parent.pk
    assert not Client().login(username=leaving.username, password="correct-horse-battery")

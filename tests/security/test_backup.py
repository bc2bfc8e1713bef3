"""Backup and restore (README, "Backup and restore"), done once for real on SQLite.

A site with data is backed up with `manage.py backup_sqlite` while another connection holds
an unfinished write; more is written; the site stops; the copy is put in place; a fresh
process finds exactly the backed-up state and serves pages.
"""

import json
import shutil

from .conftest import production_env, run_python

WRITE_AND_BACK_UP = r"""
import django, json, sqlite3, sys
django.setup()
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from articles.models import Article
from comments import posting

user = get_user_model().objects.create_user("keeper", "keeper@example.org", "pw-123456789")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
piece = Article.objects.create(
    title="Kept piece", slug="kept", standfirst="s", body="b", status="published"
)
posting.post_comment(target=piece, author=user, body="Written before the backup.")

# Another process's write, not yet committed, while the backup runs.
other = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
other.execute("BEGIN IMMEDIATE")
other.execute("UPDATE articles_article SET title = 'Uncommitted title' WHERE slug = 'kept'")
call_command("backup_sqlite", sys.argv[1])
other.rollback()
other.close()

posting.post_comment(target=piece, author=user, body="Written after the backup.")
Article.objects.create(
    title="Later piece", slug="later", standfirst="s", body="b", status="published"
)
print(json.dumps({"comments": list(piece.comments.values_list("body", flat=True))}))
"""

READ_BACK = r"""
import django, json
django.setup()
from django.test import Client
from articles.models import Article
from comments.models import Comment, CommentEvent
client = Client(HTTP_HOST="example.org")
print(json.dumps({
    "pieces": list(Article.objects.order_by("slug").values_list("slug", "title")),
    "comments": list(Comment.objects.values_list("body", flat=True)),
    "events": CommentEvent.objects.count(),
    "home": client.get("/", secure=True).status_code,
    "piece": client.get("/articles/kept/", secure=True).status_code,
}))
"""


def test_a_backup_restores_exactly_the_state_it_was_taken_in(fresh_sqlite, tmp_path):
    env = production_env(fresh_sqlite)
    backup = tmp_path / "backups" / "site-backup.sqlite3"
    written = run_python(WRITE_AND_BACK_UP.replace("sys.argv[1]", repr(str(backup))), env=env)
    assert written.returncode == 0, written.stderr[-3000:]
    assert json.loads(written.stdout.strip().splitlines()[-1])["comments"] == [
        "Written before the backup.",
        "Written after the backup.",
    ]
    assert backup.exists()
    assert not backup.with_name(backup.name + ".partial").exists()

    # Restore: with the site stopped, the copy replaces the database file (and its WAL).
    for leftover in (fresh_sqlite.with_name(fresh_sqlite.name + s) for s in ("-wal", "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, fresh_sqlite)

    read = run_python(READ_BACK, env=env)
    assert read.returncode == 0, read.stderr[-3000:]
    state = json.loads(read.stdout.strip().splitlines()[-1])
    assert state["pieces"] == [["kept", "Kept piece"]]  # not the uncommitted title, nor later
    assert state["comments"] == ["Written before the backup."]
    assert state["events"] == 1
    assert state["home"] == 200
    assert state["piece"] == 200


def test_the_backup_command_refuses_to_overwrite_or_to_run_on_postgresql(fresh_sqlite, tmp_path):
    env = production_env(fresh_sqlite)
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    code = (
        "import django; django.setup(); from django.core.management import call_command;"
        f"call_command('backup_sqlite', {str(target)!r})"
    )
    refused = run_python(code, env=env)
    assert refused.returncode != 0
    assert "pass --force" in refused.stderr
    assert target.read_text() == "keep me"
    on_postgres = run_python(
        code, env=env | {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    )
    assert on_postgres.returncode != 0
    assert "pg_dump" in on_postgres.stderr

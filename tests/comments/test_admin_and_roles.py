"""Moderators' permissions (a data migration) and the read-mostly admin."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments.models import Comment, CommentEvent
from core.roles import EDITORS, MODERATORS

State = Comment.State


def _codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def _admin_post(client, url: str, data: dict):
    """POST the admin form as a browser would: with the hidden inline management fields."""
    page = client.get(url).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return client.post(url, {**hidden, **data})


def test_moderators_read_and_change_comments_but_never_delete():
    apps = ("comments.", "moderation.")
    assert {p for p in _codenames(MODERATORS) if p.startswith(apps)} == {
        "comments.view_comment",
        "comments.change_comment",
        "comments.view_report",
        "comments.view_commentevent",
        "comments.view_commentrevision",
        # Sanctions: given from a comment, changed only to lift them.
        "moderation.view_sanction",
        "moderation.add_sanction",
        "moderation.change_sanction",
        # The lists they keep: entries are switched off, never deleted.
        "moderation.view_blockedterm",
        "moderation.add_blockedterm",
        "moderation.change_blockedterm",
        "moderation.view_blockedemaildomain",
        "moderation.add_blockedemaildomain",
        "moderation.change_blockedemaildomain",
    }
    assert not any(".delete_" in p for p in _codenames(MODERATORS))


def test_editors_only_read_comments():
    """To promote readers' questions to the FAQ; they cannot moderate."""
    assert {p for p in _codenames(EDITORS) if p.startswith("comments.")} == {
        "comments.view_comment"
    }


def test_a_moderator_changes_a_state_in_the_admin_and_it_is_recorded(
    client, moderator, reader, post
):
    comment = post(reader, "Held for review.")
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Held for review." in page.content.decode()
    response = _admin_post(client, url, {"state": State.APPROVED, "reason": "Looks fine."})
    assert response.status_code == 302, response.content.decode()[:2000]
    comment.refresh_from_db()
    assert comment.state == State.APPROVED
    event = CommentEvent.objects.filter(comment=comment).last()
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        moderator,
        State.PENDING,
        State.APPROVED,
        "Looks fine.",
    )


def test_removing_in_the_admin_needs_a_reason(client, moderator, reader, post):
    comment = post(reader)
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = _admin_post(client, url, {"state": State.REMOVED, "reason": "Words alone."})
    assert response.status_code == 200
    assert "Choose a reason from the list" in response.content.decode()
    comment.refresh_from_db()
    assert comment.state == State.PENDING


def test_the_admin_cannot_add_or_delete_comments(client, moderator, reader, post):
    comment = post(reader)
    client.force_login(moderator)
    changelist = client.get(reverse("admin:comments_comment_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
    delete = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("who", ["editor", "reader"])
def test_others_cannot_moderate(request, client, who, reader, post):
    comment = post(reader)
    client.force_login(request.getfixturevalue(who))
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = client.get(url)
    if who == "editor":
        # Editors read comments (to promote questions to the FAQ): a page with no form.
        assert response.status_code == 200
        assert 'name="state"' not in response.content.decode()
    else:
        assert response.status_code in (302, 403)
    response = client.post(url, {"state": State.APPROVED, "reason": "Sneaky."})
    assert response.status_code in (302, 403)
    comment.refresh_from_db()
    assert comment.state == State.PENDING
    assert comment.events.count() == 1

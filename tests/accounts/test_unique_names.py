"""Display names are one person's: no second "Grace Hopper" in other capitals, spacing or
look-alike letters, on the profile, at sign-up, and in the database."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from .conftest import parse, signup_data

User = get_user_model()
TAKEN = "already taken"
# Capitals, spacing, Cyrillic "а", "с" and "е", a digit for a letter, full-width letters.
LOOKALIKES = ["grace hopper", "  GRACE   HOPPER ", "GraceHopper", "Grасе Норреr", "Gr4ce Hopper"]


@pytest.fixture
def grace(make_user):
    return make_user("grace@example.com", display_name="Grace Hopper")


@pytest.mark.django_db
@pytest.mark.parametrize("name", LOOKALIKES)
def test_the_profile_refuses_a_name_another_reader_has_and_keeps_what_was_typed(
    client, reader, grace, name
):
    client.force_login(reader)
    response = client.post(reverse("accounts:profile"), {"display_name": name})
    assert response.status_code == 200
    body = response.content.decode()
    assert TAKEN in body
    assert f'value="{name}"' in body
    assert parse(response).alerts == 1
    reader.refresh_from_db()
    assert reader.display_name == "Curious Reader"


@pytest.mark.django_db
def test_a_reader_keeps_or_recases_their_own_name(client, grace):
    client.force_login(grace)
    response = client.post(reverse("accounts:profile"), {"display_name": "Grace HOPPER"})
    assert response.status_code == 302
    grace.refresh_from_db()
    assert grace.display_name == "Grace HOPPER"


@pytest.mark.django_db
@pytest.mark.parametrize("name", LOOKALIKES[:4])
def test_sign_up_refuses_a_name_another_reader_has(client, grace, mailoutbox, name):
    response = client.post(
        reverse("account_signup"), signup_data(display_name=name, email="new@example.com")
    )
    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_database_refuses_a_second_account_with_the_same_folded_name(grace):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            username="copy", email="c@example.com", display_name="GRACE HOPPER"
        )


@pytest.mark.django_db
def test_accounts_without_a_display_name_do_not_clash(make_user):
    make_user(display_name="")
    make_user(display_name="")


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_later_namesakes_a_number_and_keeps_every_name():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0002_reader_preferences_and_deletion")])
    old = executor.loader.project_state([("accounts", "0002_reader_preferences_and_deletion")])
    OldUser = old.apps.get_model("accounts", "User")
    first = OldUser.objects.create(username="a", display_name="Grace Hopper")
    second = OldUser.objects.create(username="b", display_name="grace  hopper")
    third = OldUser.objects.create(username="c", display_name="Grасе Hopper")
    blank = OldUser.objects.create(username="d", display_name="")
    other = OldUser.objects.create(username="e", display_name="Ada Lovelace")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    names = dict(User.objects.values_list("pk", "display_name"))
    assert names[first.pk] == "Grace Hopper"  # the oldest account keeps it
    assert names[second.pk] == "grace  hopper (2)"
    assert names[third.pk] == "Grасе Hopper (3)"
    assert names[blank.pk] == ""
    assert names[other.pk] == "Ada Lovelace"

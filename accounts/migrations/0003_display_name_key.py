"""Display names unique as readers see them (accounts.validators.display_name_key).

Accounts that already share a name keep it, with a number: the oldest account keeps
"Grace Hopper" as it is, the next becomes "Grace Hopper (2)", then "(3)" and so on (the
name cut to leave room within 50 characters). No name is erased; each reader can change
theirs on their profile. The unique constraint comes in the next migration, once every
row has its key (on PostgreSQL a table cannot be altered in the transaction that updated it).
"""

from django.db import migrations, models

from accounts.validators import DISPLAY_NAME_MAX_LENGTH, display_name_key


def fill_keys(apps, schema_editor) -> None:
    User = apps.get_model("accounts", "User")
    taken = set()
    for user in User.objects.order_by("date_joined", "pk").iterator():
        name, key, number = user.display_name, display_name_key(user.display_name), 1
        while key and key in taken:
            number += 1
            suffix = f" ({number})"
            name = user.display_name[: DISPLAY_NAME_MAX_LENGTH - len(suffix)].rstrip() + suffix
            key = display_name_key(name)
        taken.add(key)
        User.objects.filter(pk=user.pk).update(display_name=name, display_name_key=key)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_reader_preferences_and_deletion")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="display_name_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # The default cache (rate limits) is a database table that is no model: `migrate`
    # alone must leave a working site. The command skips tables that already exist.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    """Creates the database cache's table (settings.CACHES) on the migrated database."""

    dependencies = [("core", "0001_staff_groups")]

    # Reversed: the table stays (as createcachetable leaves it); dropping it is harmless
    # to skip, and it may belong to a cache another deployment still uses.
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]

"""A consistent copy of the SQLite database, safe to take while the site runs."""

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to PATH with SQLite's online backup API: a consistent "
        "snapshot, even while gunicorn workers write (WAL mode included). Restore by "
        "stopping the site and putting the copy in place of the database file (README)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Where to write the copy, e.g. backups/site.sqlite3.")
        parser.add_argument("--database", default="default", help="Which database (alias).")
        parser.add_argument(
            "--force", action="store_true", help="Replace PATH if it exists already."
        )

    def handle(self, *args, path: str, database: str, force: bool, **options) -> None:
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(
                f"The {database!r} database is {connection.vendor}, not SQLite: back it up "
                "with pg_dump (see README, Backup and restore)."
            )
        target = Path(path).resolve()
        source = Path(connection.settings_dict["NAME"]).resolve()
        if target == source:
            raise CommandError("The copy must go somewhere else than the database itself.")
        if target.exists() and not force:
            raise CommandError(f"{target} exists; pass --force to replace it.")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        connection.ensure_connection()
        copy = sqlite3.connect(partial)
        try:
            # Pages are copied under a read transaction: writers keep going (WAL) and the
            # copy is the database as it was at one instant.
            connection.connection.backup(copy)
        finally:
            copy.close()
        partial.replace(target)  # never a half-written file under the final name
        self.stdout.write(f"Backed up {source} to {target} ({target.stat().st_size:,} bytes).")

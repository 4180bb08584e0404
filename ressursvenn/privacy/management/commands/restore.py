"""Restore an encrypted backup into an empty database (privacy/backup.py, docs/operations.md).

`manage.py restore PATH` restores into the configured database; `--database-url URL` into
another (the restore drill). The file is decrypted and checked completely first: a wrong or
unknown key, or a file changed or cut off by a single byte, is refused and nothing is written.
The target must be empty: no tables at all, or migrated with no row in accounts_user and none in
organisations_organisation. Afterwards it prints the row counts of the main tables and warns
when the backup's migrations differ from the code's (run `manage.py migrate`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ressursvenn.privacy import backup


class Command(BaseCommand):
    help = (
        "Restore an encrypted backup into an empty database (the configured one, or "
        "--database-url)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file (.rvbackup).")
        parser.add_argument(
            "--database-url",
            default=None,
            help="Restore into this database (sqlite:////path or postgres://…) instead.",
        )

    def handle(
        self, *args: Any, path: str, database_url: str | None = None, **options: Any
    ) -> None:
        try:
            if database_url:
                database = backup.Database.from_url(database_url)
            else:
                database = backup.Database.default()
            result = backup.restore_backup(Path(path), database=database)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the {backup.VENDOR_NAMES[result.vendor]} backup made "
            f"{result.created:%Y-%m-%d %H:%M} UTC "
            f"into {result.target} (the target was empty: {result.state})."
        )
        for table, count in result.counts.items():
            self.stdout.write(f"  {table}: {count} rows")
        if result.missing_migrations:
            names = ", ".join(f"{app}.{name}" for app, name in result.missing_migrations[:10])
            self.stderr.write(
                self.style.WARNING(
                    f"The backup is from older code: {len(result.missing_migrations)} "
                    f"migrations are not applied ({names}). Run `manage.py migrate` on it."
                )
            )
        if result.unknown_migrations:
            names = ", ".join(f"{app}.{name}" for app, name in result.unknown_migrations[:10])
            self.stderr.write(
                self.style.WARNING(
                    f"The backup is from newer code: it records {len(result.unknown_migrations)} "
                    f"migrations this code does not have ({names}). Run it with that version."
                )
            )

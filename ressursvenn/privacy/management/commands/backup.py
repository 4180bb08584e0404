"""Back up the database into an encrypted file (privacy/backup.py, docs/operations.md).

`manage.py backup PATH` writes one backup to PATH. Without PATH it is the daily job: it writes
`BACKUP_DIR/ressursvenn-<YYYY-MM-DD>.rvbackup` (the day of `--today`, default today) and
deletes the daily backups in BACKUP_DIR older than BACKUP_KEEP_DAYS; with BACKUP_DIR empty it
says backups are not configured and does nothing (the daily job also runs on development
machines). `manage.py backup --new-key` prints a new backup key and does nothing else.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ressursvenn.lib.daily import add_day_arguments
from ressursvenn.privacy import backup


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value, unit = size / 1024, "KiB"
    for bigger in ("MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"


class Command(BaseCommand):
    help = (
        "Back up the database into an encrypted file. Without PATH: the daily backup in "
        "BACKUP_DIR, older ones pruned. --new-key prints a new backup key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="The file to write (default: BACKUP_DIR).")
        add_day_arguments(parser, dry_run=None, today="Name and prune as if on YYYY-MM-DD.")
        parser.add_argument(
            "--new-key", action="store_true", help="Print a new backup key and exit."
        )

    def handle(
        self,
        *args: Any,
        path: str | None = None,
        today: datetime.date | None = None,
        new_key: bool = False,
        **options: Any,
    ) -> None:
        if new_key:
            self.stdout.write(backup.new_key())
            return
        day = today or timezone.localdate()
        directory: Path | None = None
        if path is None:
            if not settings.BACKUP_DIR:
                self.stdout.write("Backups are not configured (BACKUP_DIR is empty): nothing done.")
                return
            directory = Path(settings.BACKUP_DIR)
            target = directory / backup.daily_name(day)
        elif Path(path).is_dir():
            target = Path(path) / backup.daily_name(day)
        else:
            target = Path(path)
        try:
            if directory is not None:
                directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            result = backup.make_backup(target, day=day if directory is not None else None)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Cannot write {target}: {error.strerror or error}.") from None
        self.stdout.write(
            f"Backup of {backup.VENDOR_NAMES[result.vendor]} written to {result.path}: "
            f"{_size(result.size)}, {result.tables} tables, {result.seconds:.1f} s "
            f"(backup key id {result.key_id})."
        )
        if directory is not None:
            keep = settings.BACKUP_KEEP_DAYS
            for removed in backup.prune(directory, day, keep):
                self.stdout.write(f"Deleted {removed.name} (older than {keep} days).")

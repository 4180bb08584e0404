"""Daily: anonymise the people whose retention time is up, and purge logs that are too old.

The rules are in `privacy/retention.py` (its docstring lists each one and the dates it reads);
each person is anonymised in a transaction of her own (`privacy.actions.anonymise_expired`),
with an audit event `privacy.retention` naming the rule. A run interrupted halfway leaves every
person either untouched or done: run it again and it completes the rest (it is idempotent: a
second run finds nothing to do). A person who fails is left untouched, the others are done,
and the run ends with an error (so the daily job is retried) naming only the record numbers.

`--dry-run` lists what would be done (kind, record number, rule, dates; never a name) and
changes nothing. `--today YYYY-MM-DD` runs as if on that day.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ressursvenn.lib.daily import add_day_arguments
from ressursvenn.privacy import actions, retention


def _who(item: retention.Due) -> str:
    return f"{item.kind} {item.pk}"


class Command(BaseCommand):
    help = (
        "Anonymise the people whose retention time is up and delete logs that are too old. "
        "--dry-run lists what would be done; --today YYYY-MM-DD runs as if on that day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_day_arguments(parser, dry_run="List what would be done; change nothing.")

    def handle(
        self,
        *args: Any,
        dry_run: bool = False,
        today: datetime.date | None = None,
        **options: Any,
    ) -> None:
        day = today or timezone.localdate()
        prefix = "would " if dry_run else ""
        self.stdout.write(f"Retention for {day.isoformat()}{' (dry run)' if dry_run else ''}:")
        done = skipped = 0
        failed: list[str] = []
        for item in retention.due(day):
            line = (
                f"{_who(item)}: {item.rule} (ended {item.ended_on.isoformat()}, "
                f"due from {item.due_on.isoformat()})"
            )
            if dry_run:
                self.stdout.write(f"  would anonymise {line}")
                done += 1
                continue
            try:
                summary = actions.anonymise_expired(item, today=day)
            except Exception as error:  # one person's failure must not stop the others
                failed.append(_who(item))
                self.stderr.write(f"  FAILED {_who(item)}: {type(error).__name__}")
                continue
            if summary is None or summary.already:
                skipped += 1
                self.stdout.write(f"  skipped {_who(item)}: no longer due")
                continue
            done += 1
            rows = sum(summary.cleared.values())
            deleted = sum(summary.deleted.values())
            self.stdout.write(
                f"  anonymised {line}: {rows} row(s) cleared, {deleted} deleted, "
                f"{summary.audit_masked} audit event(s) masked"
            )
        purged = 0
        for purge in retention.purges(day):
            count = purge.rows.count() if dry_run else actions.purge(purge)
            if count:
                self.stdout.write(f"  {prefix}delete {count} {purge.what}")
            purged += count
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(
            f"{done} person(s) {verb}, {skipped} skipped, {len(failed)} failed; "
            f"{purged} log row(s) {'would be ' if dry_run else ''}deleted."
        )
        if failed:
            raise CommandError(
                f"Retention failed for {', '.join(failed)}: nothing was changed for them. "
                "Run apply_retention again to complete it."
            )

"""`manage.py run_daily_jobs`: run the daily jobs that are due, once a day across machines.

Without options, one pass (a systemd timer or cron). `--loop` checks every minute (the
Procfile's `clock`). `--now "YYYY-MM-DD HH:MM"` runs as if at that local time (tests, drills).
See `lib/daily.py`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ressursvenn.lib import daily
from ressursvenn.lib.loop import run_until_stopped

LOOP_SECONDS = 60


def _moment(value: str) -> datetime.datetime:
    try:
        naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError as error:
        raise CommandError(f'--now must be "YYYY-MM-DD HH:MM", not {value!r}.') from error
    return timezone.make_aware(naive)


class Command(BaseCommand):
    help = "Run the daily jobs that are due (once per day, across every machine)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Check every minute.")
        parser.add_argument("--now", default=None, help='As if at "YYYY-MM-DD HH:MM".')

    def report(self, runs: list[Any]) -> None:
        for run in runs:
            self.stdout.write(f"{run.job} {run.day.isoformat()}: {run.get_status_display()}")

    def handle(self, *args: Any, loop: bool = False, now: Any = None, **options: Any) -> None:
        if not loop:
            self.report(daily.run_due(_moment(now) if now else None))
            return
        run_until_stopped(lambda: self.report(daily.run_due()), every=LOOP_SECONDS, name="daily")

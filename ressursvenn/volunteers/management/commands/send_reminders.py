"""Daily: e-mail each group leader a count of new tasks, and volunteers their own renewals.

Each reminder is sent at most once (SentReminder rows); a second run the same day sends nothing.
Run from cron or a systemd timer: `manage.py send_reminders` (`--dry-run` only prints).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ressursvenn.volunteers import reminders


class Command(BaseCommand):
    help = "Send the daily reminders (each reminder once). --dry-run prints what would be sent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        mails = reminders.pending()
        sent = 0
        for mail in mails:
            kinds = sorted({r.kind for r in mail.reminders})
            line = (
                f"{mail.template} to user {mail.user.pk}: "
                f"{len(mail.reminders)} reminder(s) ({', '.join(kinds)})"
            )
            if dry_run:
                self.stdout.write(f"would send {line}")
            elif reminders.send_one(mail):
                sent += 1
                self.stdout.write(f"sent {line}")
        if dry_run:
            self.stdout.write(f"{len(mails)} e-mail(s) would be sent.")
        else:
            self.stdout.write(f"{sent} e-mail(s) sent.")

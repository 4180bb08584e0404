"""Daily: the volunteers' reminders (a group leader's count of new screening tasks, a
volunteer's own renewals), the follow-up task notices, and the re-send of urgent concerns not
acknowledged in time.

Each reminder is sent at most once (`SentReminder` and `Notice` rows, written in the same
transaction as the e-mail): a second run sends nothing, and a run interrupted between two
e-mails sends only the rest when run again. Run from cron or a systemd timer:
`manage.py send_reminders` (`--dry-run` only prints; `--today YYYY-MM-DD` runs as if on
another day).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ressursvenn.followup import notify, tasks
from ressursvenn.followup.actions import concerns
from ressursvenn.followup.models import Concern
from ressursvenn.lib.daily import add_day_arguments
from ressursvenn.volunteers import reminders


class Command(BaseCommand):
    help = (
        "Send the daily reminders and task notices (each once). --dry-run prints what would be "
        "sent; --today YYYY-MM-DD runs as if on that day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_day_arguments(parser, dry_run="Print what would be sent; send nothing.")

    def handle(
        self,
        *args: Any,
        dry_run: bool = False,
        today: datetime.date | None = None,
        **options: Any,
    ) -> None:
        day = today or timezone.localdate()
        count = self._volunteer_reminders(day, dry_run) + self._task_notices(day, dry_run)
        self._resend_concerns(day, dry_run)
        if dry_run:
            self.stdout.write(f"{count} e-mail(s) would be sent.")
        else:
            self.stdout.write(f"{count} e-mail(s) sent.")

    def _volunteer_reminders(self, day: datetime.date, dry_run: bool) -> int:
        mails = reminders.pending(day)
        sent = 0
        for mail in mails:
            kinds = sorted({r.kind for r in mail.reminders})
            line = (
                f"{mail.template} to user {mail.user.pk}: "
                f"{len(mail.reminders)} reminder(s) ({', '.join(kinds)})"
            )
            if dry_run:
                self.stdout.write(f"would send {line}")
                sent += 1
            elif reminders.send_one(mail):
                sent += 1
                self.stdout.write(f"sent {line}")
        return sent

    def _task_notices(self, day: datetime.date, dry_run: bool) -> int:
        sent = 0
        for user in tasks.recipients().iterator():
            due = tasks.due_notices(user, today=day)
            if due is None:
                continue
            for task in due.each:
                line = f"task_new to user {user.pk}: {task.kind} ({task.key})"
                if dry_run:
                    self.stdout.write(f"would send {line}")
                    sent += 1
                elif notify.send_once(user, task.key):
                    sent += 1
                    self.stdout.write(f"sent {line}")
            if due.summary:
                kinds = sorted({t.kind for t in due.summary})
                line = (
                    f"{tasks.SUMMARY_TEMPLATE} to user {user.pk}: "
                    f"{len(due.summary)} task(s) ({', '.join(kinds)})"
                )
                if dry_run:
                    self.stdout.write(f"would send {line}")
                    sent += 1
                elif tasks.send_summary(user, [t.key for t in due.summary]):
                    sent += 1
                    self.stdout.write(f"sent {line}")
        return sent

    def _resend_concerns(self, day: datetime.date, dry_run: bool) -> None:
        now = tasks.now_for(day)
        if dry_run:
            waiting = Concern.objects.filter(resent_at__isnull=True)
            due = concerns.overdue_urgent(waiting, now).count()
            self.stdout.write(f"would re-send {due} urgent concern(s) not acknowledged in time")
            return
        count = concerns.resend_unacknowledged(now=now)
        if count:
            self.stdout.write(f"re-sent {count} urgent concern(s) not acknowledged in time")

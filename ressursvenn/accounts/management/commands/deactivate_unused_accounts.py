"""Daily: deactivate staff accounts not used for ACCOUNT_UNUSED_DAYS, after a warning
ACCOUNT_WARNING_DAYS before (the rule is `ressursvenn/accounts/hygiene.py`).

Each account is warned or deactivated in its own transaction (`actions.warn_unused_account`,
`actions.deactivate_unused_account`), and each warning is recorded in the audit trail in the
same transaction as its e-mail: a second run the same day sends nothing, and a run interrupted
halfway does only the rest when run again. An account that fails is reported, the others go
on, and the run then fails so the daily job tries again. The last active national coordinator
is never deactivated (the output warns instead). Output names users by number and role, never
by address. `--dry-run` only prints; `--today YYYY-MM-DD` runs as if on another day.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ressursvenn.accounts import actions, hygiene
from ressursvenn.lib.daily import add_day_arguments

logger = logging.getLogger(__name__)


def _who(due: hygiene.Due) -> str:
    return f"user {due.user.pk} ({', '.join(due.roles) or 'no role'})"


class Command(BaseCommand):
    help = (
        "Warn, then deactivate, staff accounts not used for ACCOUNT_UNUSED_DAYS. --dry-run "
        "prints what would be done; --today YYYY-MM-DD runs as if on that day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_day_arguments(parser, dry_run="Print what would be done; change nothing.")

    def handle(
        self,
        *args: Any,
        dry_run: bool = False,
        today: datetime.date | None = None,
        **options: Any,
    ) -> None:
        day = today or timezone.localdate()
        coordinators = set(hygiene.coordinator_memberships().values_list("user_id", flat=True))
        done = {hygiene.Step.WARN: 0, hygiene.Step.DEACTIVATE: 0}
        failed: list[int] = []
        for due in hygiene.due_on(day):
            try:
                if self._step(due, day, dry_run=dry_run, coordinators=coordinators):
                    done[due.step] += 1
            except Exception as error:  # one account must not stop the others
                logger.exception("hygiene.failed", extra={"user": due.user.pk, "step": due.step})
                failed.append(due.user.pk)
                self.stderr.write(f"failed to {due.step} {_who(due)}: {type(error).__name__}")
        warned, deactivated = done[hygiene.Step.WARN], done[hygiene.Step.DEACTIVATE]
        if dry_run:
            self.stdout.write(
                f"{warned} account(s) would be warned, {deactivated} would be deactivated."
            )
        else:
            self.stdout.write(f"{warned} account(s) warned, {deactivated} deactivated.")
        if failed:
            raise CommandError(
                f"{len(failed)} account(s) failed: users {', '.join(map(str, failed))}."
            )

    def _step(
        self, due: hygiene.Due, day: datetime.date, *, dry_run: bool, coordinators: set[int]
    ) -> bool:
        """Warn or deactivate one account (each in its own transaction); whether it was done."""
        would = "would " if dry_run else ""
        if due.step == hygiene.Step.WARN:
            if not (dry_run or actions.warn_unused_account(due.user, today=day)):
                return False
            self.stdout.write(
                f"{would}warn {_who(due)}: deactivation on {due.deactivate_on.isoformat()}"
            )
            return True
        try:
            if dry_run and hygiene.is_last_coordinator(due.user.pk, coordinators):
                raise ValidationError(actions.LAST_COORDINATOR_MESSAGE, code="last_coordinator")
            if not (dry_run or actions.deactivate_unused_account(due.user, today=day)):
                return False
        except ValidationError as error:
            if error.code != "last_coordinator":
                raise
            self.stdout.write(
                self.style.WARNING(
                    f"{would}keep {_who(due)}: the last active national coordinator is never "
                    "deactivated; give the role to another user, or log in"
                )
            )
            return False
        coordinators.discard(due.user.pk)
        self.stdout.write(f"{would}deactivate {_who(due)}")
        return True

"""`manage.py run_worker`: the Procfile's `worker`, delivering the e-mail queue.

Every WORKER_POLL_SECONDS it puts back the deferred messages whose backoff has passed and sends
what is queued (`lib/mailqueue.py`). Any number may run, on any machine. A lost database
connection (a restart) is logged and retried; SIGTERM lets the message in hand finish.
`--once` makes one pass and exits (tests, cron without a long-running process).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from mailer.models import Message

from ressursvenn.lib import mailqueue
from ressursvenn.lib.loop import run_until_stopped


def one_pass() -> None:
    mailqueue.retry_due()
    if Message.objects.non_deferred().exists():
        mailqueue.deliver()


class Command(BaseCommand):
    help = "Deliver the e-mail queue (the Procfile's worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        from django.conf import settings

        mailqueue.check_delivery_backend()
        if once:
            one_pass()
            return
        self.stdout.write("Sender e-post fra køen (Ctrl+C avslutter).")
        run_until_stopped(one_pass, every=settings.WORKER_POLL_SECONDS, name="worker")

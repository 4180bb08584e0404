"""`manage.py run_worker`: the Procfile's `worker`, delivering the e-mail queue.

Every WORKER_POLL_SECONDS it puts back the deferred messages whose backoff has passed and sends
what is queued (`lib/mailqueue.py`). Any number may run, on any machine. A lost database
connection (a restart) is logged and retried; SIGTERM lets the message in hand finish.
`--once` makes one pass and exits (tests, cron without a long-running process).
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from mailer.models import Message

from ressursvenn.lib import mailqueue

logger = logging.getLogger("ressursvenn.worker")


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
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("Sender e-post fra køen (Ctrl+C avslutter).")
        while not stopping:
            try:
                one_pass()
            except DatabaseError as error:
                logger.warning("worker.database_unavailable", extra={"error": type(error).__name__})
                close_old_connections()
            time.sleep(settings.WORKER_POLL_SECONDS)

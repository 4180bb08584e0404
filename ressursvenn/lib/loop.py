"""The loop of the long-running processes (`run_worker`, `run_daily_jobs --loop`)."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, close_old_connections


def run_until_stopped(step: Callable[[], object], *, every: float, name: str) -> None:
    """Call `step` every `every` seconds until SIGTERM or SIGINT; the step in hand finishes.

    A lost database connection (a restart) is logged with the exception's class and the
    connection closed, so the next step opens a new one: the process recovers by itself."""
    logger = logging.getLogger(f"ressursvenn.{name}")
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        try:
            step()
        except DatabaseError as error:
            logger.warning(f"{name}.database_unavailable", extra={"error": type(error).__name__})
            close_old_connections()
        waited = 0.0
        while waited < every and not stopping:
            time.sleep(min(1.0, every - waited))
            waited += 1.0

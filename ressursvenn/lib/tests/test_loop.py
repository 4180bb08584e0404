"""The loop of the long-running processes: survives a lost database, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
from typing import Any

from django.db import OperationalError

from ressursvenn.lib.loop import run_until_stopped


def test_a_lost_database_is_logged_and_the_loop_goes_on_until_sigterm(caplog: Any, db: Any) -> None:
    calls: list[int] = []
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)

    def step() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise OperationalError("server closed the connection for nora@example.no")
        os.kill(os.getpid(), signal.SIGTERM)  # the supervisor stops the process

    try:
        run_until_stopped(step, every=0.01, name="worker")
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert calls == [0, 1]  # the second step finished; no third began
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("ressursvenn.worker", "worker.database_unavailable")
    ]

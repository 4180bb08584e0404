"""Daily jobs, once a day across every machine, with catch-up of missed days.

A daily job is a management command that takes `--today YYYY-MM-DD` (settings.DAILY_JOBS maps
each to its local start time, e.g. `send_reminders` at 06:15). `run_due` runs what is due:

- for each job, the days since its last run that were missed (at most DAILY_JOB_CATCH_UP_DAYS
  back, oldest first, each as `--today <that day>`), then today once the start time has passed;
- a day is claimed by inserting the unique (job, day) `JobRun` row: a second machine starting
  the same job the same day hits the constraint and leaves it. A run that failed, or that is
  still "running" after DAILY_JOB_STALE_MINUTES (its machine died), is taken over by one
  machine (a conditional update) up to DAILY_JOB_MAX_ATTEMPTS;
- the jobs themselves record what they sent (a row per reminder), so a run taken over after a
  crash halfway sends nothing twice.

Started by the `clock` process (`run_daily_jobs --loop`) or a systemd timer / cron
(`run_daily_jobs`); both may run on every machine.
"""

from __future__ import annotations

import argparse
import datetime
import io
import logging
import socket
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ressursvenn.lib.models import JobRun

logger = logging.getLogger(__name__)

Runner = Callable[[str, datetime.date], None]


def day_argument(value: str) -> datetime.date:
    """The `--today YYYY-MM-DD` argument of every daily job (an argparse type: a bad value is a
    clean usage error, not a traceback)."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD, not {value!r}") from None


def add_day_arguments(
    parser: Any, *, dry_run: str | None, today: str = "Run as if today were YYYY-MM-DD."
) -> None:
    """The arguments every daily job takes: `--today` (help text `today`) and, unless
    `dry_run` is None, `--dry-run` with that help text."""
    if dry_run is not None:
        parser.add_argument("--dry-run", action="store_true", help=dry_run)
    parser.add_argument("--today", type=day_argument, default=None, help=today)


def start_time(job: str) -> datetime.time:
    hour, _, minute = settings.DAILY_JOBS[job].partition(":")
    return datetime.time(int(hour), int(minute or 0))


def run_command(job: str, day: datetime.date) -> None:
    call_command(job, today=day, stdout=io.StringIO())


def days_due(job: str, now: datetime.datetime) -> list[datetime.date]:
    """The days `job` should run for now, oldest first: missed days, then today if due."""
    local = timezone.localtime(now)
    today = local.date()
    last = (
        JobRun.objects.filter(job=job, day__lt=today, status=JobRun.Status.DONE)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    days: list[datetime.date] = []
    if last is not None:
        first = max(last, today - datetime.timedelta(days=settings.DAILY_JOB_CATCH_UP_DAYS))
        days = [first + datetime.timedelta(days=n) for n in range(1, (today - first).days)]
    if local.time() >= start_time(job):
        days.append(today)
    done = set(
        JobRun.objects.filter(job=job, day__in=days, status=JobRun.Status.DONE).values_list(
            "day", flat=True
        )
    )
    return [day for day in days if day not in done]


def claim(job: str, day: datetime.date, now: datetime.datetime) -> JobRun | None:
    """The run record for (job, day) if this process may run it now, else None."""
    host = socket.gethostname()[:100]
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=job, day=day, status=JobRun.Status.RUNNING, started_at=now, host=host
            )
    except IntegrityError:
        pass
    stale = now - datetime.timedelta(minutes=settings.DAILY_JOB_STALE_MINUTES)
    taken = JobRun.objects.filter(
        Q(status=JobRun.Status.FAILED) | Q(status=JobRun.Status.RUNNING, started_at__lt=stale),
        job=job,
        day=day,
        attempts__lt=settings.DAILY_JOB_MAX_ATTEMPTS,
    ).update(
        status=JobRun.Status.RUNNING,
        started_at=now,
        host=host,
        attempts=F("attempts") + 1,
        error="",
    )
    return JobRun.objects.get(job=job, day=day) if taken == 1 else None


def run_due(now: datetime.datetime | None = None, *, runner: Runner = run_command) -> list[JobRun]:
    """Run every daily job that is due (see the module docstring); the runs this process made."""
    now = now or timezone.now()
    runs: list[JobRun] = []
    for job in settings.DAILY_JOBS:
        for day in days_due(job, now):
            run = claim(job, day, now)
            if run is None:
                continue
            try:
                runner(job, day)
            except Exception as error:  # a failing job must not stop the others
                run.status, run.error = JobRun.Status.FAILED, type(error).__name__
                logger.exception("daily.failed", extra={"job": job, "day": day.isoformat()})
            else:
                run.status = JobRun.Status.DONE
                logger.info("daily.done", extra={"job": job, "day": day.isoformat()})
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            runs.append(run)
    return runs

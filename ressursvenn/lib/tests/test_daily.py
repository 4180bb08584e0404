"""Daily jobs once a day across machines, with catch-up (lib/daily.py, run_daily_jobs)."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ressursvenn.lib import daily
from ressursvenn.lib.models import JobRun


def at(day: str, clock: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{clock}"))


class Recorder:
    def __init__(self, fail_on: set[datetime.date] | None = None) -> None:
        self.calls: list[tuple[str, datetime.date]] = []
        self.fail_on = fail_on or set()

    def __call__(self, job: str, day: datetime.date) -> None:
        self.calls.append((job, day))
        if day in self.fail_on:
            raise RuntimeError("the job failed")


@pytest.fixture
def jobs(settings: Any) -> Any:
    settings.DAILY_JOBS = {"send_reminders": "06:15"}
    settings.DAILY_JOB_CATCH_UP_DAYS = 7
    settings.DAILY_JOB_STALE_MINUTES = 120
    settings.DAILY_JOB_MAX_ATTEMPTS = 3
    return settings


def d(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def test_runs_once_a_day_from_its_start_time(jobs: Any, db: Any) -> None:
    runner = Recorder()
    assert daily.run_due(at("2027-03-01", "06:14"), runner=runner) == []
    daily.run_due(at("2027-03-01", "06:15"), runner=runner)
    daily.run_due(at("2027-03-01", "06:16"), runner=runner)
    daily.run_due(at("2027-03-01", "23:59"), runner=runner)
    assert runner.calls == [("send_reminders", d("2027-03-01"))]
    run = JobRun.objects.get()
    assert (run.status, run.attempts, run.error) == (JobRun.Status.DONE, 1, "")


def test_a_second_machine_finds_the_day_claimed(jobs: Any, db: Any) -> None:
    now = at("2027-03-01", "06:20")
    first = daily.claim("send_reminders", d("2027-03-01"), now)
    assert first is not None
    assert daily.claim("send_reminders", d("2027-03-01"), now) is None
    # The other machine's loop sees the day as running and does nothing.
    runner = Recorder()
    assert daily.run_due(now, runner=runner) == []
    assert runner.calls == []


def test_missed_days_are_caught_up_oldest_first(jobs: Any, db: Any) -> None:
    runner = Recorder()
    daily.run_due(at("2027-03-01", "07:00"), runner=runner)
    # The machines were down from the 2nd to the 4th; back on the 5th before 06:15.
    daily.run_due(at("2027-03-05", "03:00"), runner=runner)
    daily.run_due(at("2027-03-05", "06:30"), runner=runner)
    assert [day.isoformat() for _job, day in runner.calls] == [
        "2027-03-01",
        "2027-03-02",
        "2027-03-03",
        "2027-03-04",
        "2027-03-05",
    ]


def test_catch_up_goes_back_at_most_the_configured_days(jobs: Any, db: Any) -> None:
    jobs.DAILY_JOB_CATCH_UP_DAYS = 2
    runner = Recorder()
    daily.run_due(at("2027-03-01", "07:00"), runner=runner)
    daily.run_due(at("2027-03-20", "07:00"), runner=runner)
    assert [day.isoformat() for _job, day in runner.calls] == [
        "2027-03-01",
        "2027-03-19",
        "2027-03-20",
    ]


def test_a_failed_run_is_retried_up_to_the_limit(jobs: Any, db: Any) -> None:
    runner = Recorder(fail_on={d("2027-03-01")})
    for minute in range(5):
        daily.run_due(at("2027-03-01", f"07:0{minute}"), runner=runner)
    assert len(runner.calls) == 3
    run = JobRun.objects.get()
    assert (run.status, run.attempts, run.error) == (JobRun.Status.FAILED, 3, "RuntimeError")


def test_a_run_whose_machine_died_is_taken_over_once_it_is_stale(jobs: Any, db: Any) -> None:
    started = at("2027-03-01", "06:15")
    daily.claim("send_reminders", d("2027-03-01"), started)  # ... and the machine dies
    runner = Recorder()
    daily.run_due(started + datetime.timedelta(minutes=119), runner=runner)
    assert runner.calls == []
    daily.run_due(started + datetime.timedelta(minutes=121), runner=runner)
    daily.run_due(started + datetime.timedelta(minutes=122), runner=runner)
    assert runner.calls == [("send_reminders", d("2027-03-01"))]
    run = JobRun.objects.get()
    assert (run.status, run.attempts) == (JobRun.Status.DONE, 2)


def test_the_command_runs_send_reminders_for_the_day(jobs: Any, db: Any) -> None:
    out = StringIO()
    call_command("run_daily_jobs", now="2027-03-01 06:30", stdout=out)
    assert out.getvalue() == "send_reminders 2027-03-01: Fullført\n"
    call_command("run_daily_jobs", now="2027-03-01 06:31", stdout=out)
    assert JobRun.objects.count() == 1


def test_the_command_refuses_a_malformed_time(jobs: Any, db: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD HH:MM"):
        call_command("run_daily_jobs", now="tomorrow")


@pytest.mark.parametrize(
    "command", ["send_reminders", "apply_retention", "deactivate_unused_accounts", "backup"]
)
def test_every_daily_job_refuses_a_malformed_day_cleanly(command: str) -> None:
    """`--today` is parsed by one function (lib.daily.day_argument): a usage error, nothing run."""
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as error:
        call_command(command, "--today", "2027-02-30")
    assert str(error.value) == (
        "Error: argument --today: must be a date as YYYY-MM-DD, not '2027-02-30'"
    )

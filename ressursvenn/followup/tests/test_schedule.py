"""The check-in schedule's dates: pure arithmetic across month ends and leap days."""

from __future__ import annotations

import datetime
from typing import Any

from ressursvenn.followup.schedule import due_dates

D = datetime.date


def test_twice_in_the_first_month_then_monthly_to_the_planned_end() -> None:
    dates = due_dates(D(2027, 3, 1), D(2027, 7, 1), first_month=2, every=1)
    assert dates == [
        D(2027, 3, 16),  # half of March's 31 days
        D(2027, 4, 1),  # start + 1 month
        D(2027, 5, 1),
        D(2027, 6, 1),
        D(2027, 7, 1),  # on the planned end: included
    ]


def test_start_on_31_january_of_a_leap_year_gives_29_february() -> None:
    dates = due_dates(D(2028, 1, 31), D(2028, 6, 30), first_month=2, every=1)
    # The first month is 31 Jan → 29 Feb (29 days); later months are counted from the start
    # each time, so March is the 31st again, not the 29th.
    assert dates == [
        D(2028, 2, 14),
        D(2028, 2, 29),
        D(2028, 3, 31),
        D(2028, 4, 30),
        D(2028, 5, 31),
        D(2028, 6, 30),
    ]


def test_start_on_31_january_of_an_ordinary_year_gives_28_february() -> None:
    dates = due_dates(D(2027, 1, 31), D(2027, 3, 31), first_month=2, every=1)
    assert dates == [D(2027, 2, 14), D(2027, 2, 28), D(2027, 3, 31)]


def test_start_on_leap_day_runs_twelve_months_to_28_february() -> None:
    start = D(2028, 2, 29)
    dates = due_dates(start, D(2029, 2, 28), first_month=2, every=1)
    assert dates[:3] == [D(2028, 3, 14), D(2028, 3, 29), D(2028, 4, 29)]
    assert dates[-2:] == [D(2029, 1, 29), D(2029, 2, 28)]
    assert len(dates) == 13  # 2 in the first month, then months 2..12


def test_across_the_new_year() -> None:
    dates = due_dates(D(2027, 12, 15), D(2028, 2, 20), first_month=2, every=1)
    assert dates == [D(2027, 12, 30), D(2028, 1, 15), D(2028, 2, 15)]


def test_every_second_month_and_three_in_the_first() -> None:
    dates = due_dates(D(2027, 1, 1), D(2027, 8, 1), first_month=3, every=2)
    assert dates == [
        D(2027, 1, 11),
        D(2027, 1, 21),
        D(2027, 2, 1),
        D(2027, 4, 1),
        D(2027, 6, 1),
        D(2027, 8, 1),
    ]


def test_none_after_a_short_planned_end_and_only_the_first_month_without_one() -> None:
    assert due_dates(D(2027, 3, 1), D(2027, 3, 20), first_month=2, every=1) == [D(2027, 3, 16)]
    assert due_dates(D(2027, 3, 1), None, first_month=2, every=1) == [
        D(2027, 3, 16),
        D(2027, 4, 1),
    ]


def test_settings_give_the_defaults(settings: Any) -> None:
    settings.CHECKIN_FIRST_MONTH = 1
    settings.CHECKIN_EVERY_MONTHS = 3
    assert due_dates(D(2027, 1, 10), D(2027, 10, 10)) == [
        D(2027, 2, 10),
        D(2027, 5, 10),
        D(2027, 8, 10),
    ]

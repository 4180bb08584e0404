"""When the check-ins (oppfølgingssamtaler) of a match are due: pure date arithmetic, no ORM.

The mentoring standard asks for contact with both parties twice in the first month and monthly
after that. From the start date (the koblingsmøte):

- CHECKIN_FIRST_MONTH check-ins spread evenly over the first month, the last on start + 1 month;
- then one every CHECKIN_EVERY_MONTHS months (start + 1 + k·N months) up to the planned end.

Months are counted from the start date each time (never from the previous date), the way
`dateutil.relativedelta` counts them (`matching.actions.meetings.add_months`): 31 Jan + 1 month
is 28/29 Feb, and 31 Jan + 2 months is 31 Mar again.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from ressursvenn.matching.actions.meetings import add_months


def first_month_count() -> int:
    return max(1, int(settings.CHECKIN_FIRST_MONTH))


def every_months() -> int:
    return max(1, int(settings.CHECKIN_EVERY_MONTHS))


def due_dates(
    started_on: datetime.date,
    planned_end_on: datetime.date | None,
    *,
    first_month: int | None = None,
    every: int | None = None,
) -> list[datetime.date]:
    """The due dates of one party's check-ins, ascending and distinct, none after
    `planned_end_on` (when it is None, only the first month's)."""
    first = first_month_count() if first_month is None else max(1, first_month)
    step = every_months() if every is None else max(1, every)
    month_later = add_months(started_on, 1)
    span = (month_later - started_on).days
    dates = [started_on + datetime.timedelta(days=span * i // first) for i in range(1, first + 1)]
    if planned_end_on is not None:
        months = 1 + step
        while (day := add_months(started_on, months)) <= planned_end_on:
            dates.append(day)
            months += step
        dates = [day for day in dates if day <= planned_end_on]
    return sorted(set(dates))

"""When each time point of a match is due: the one rule used by the tasks, the match page, the
link, the staff entry and the outcome question.

| time point  | opens                                   | stays open                            |
| ----------- | --------------------------------------- | ------------------------------------- |
| start       | the koblingsmøte made the match active  | SURVEY_WINDOW_DAYS                    |
|             | (`Match.started_on`)                    |                                       |
| six months  | SURVEY_MIDWAY_MONTHS after the start    | SURVEY_WINDOW_DAYS                    |
| closure     | the match is ending (closing talks      | while ending, and                     |
|             | begun), or it closed                    | SURVEY_CLOSURE_GRACE_DAYS after it    |
|             |                                         | closed                                |

A time point is *open* (a task; links and entry allowed) only while the match runs (active or
ending; a closed match for its closure time point within the grace). A paused match (for safety)
opens nothing and its links are not available until it resumes. The volunteer's own
questionnaire and the outcome question are asked at six months and at closure only.

The outcome question may still be recorded after its window (a late answer from the centre is
better than none): `outcome_allowed`. Pure date arithmetic on the match's fields; no queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match
from ressursvenn.surveys.models import TimePoint

PARTICIPANT_TIME_POINTS = (TimePoint.START, TimePoint.SIX_MONTHS, TimePoint.CLOSURE)
VOLUNTEER_TIME_POINTS = (TimePoint.SIX_MONTHS, TimePoint.CLOSURE)
OUTCOME_TIME_POINTS = (TimePoint.SIX_MONTHS, TimePoint.CLOSURE)

RUNNING = (Match.Status.ACTIVE, Match.Status.ENDING)
# Matches whose time points may be open today (the query the tasks start from).
CANDIDATES = (Match.Status.ACTIVE, Match.Status.ENDING, Match.Status.CLOSED)

NOT_YET = "not_yet"
OPEN = "open"
PAUSED = "paused"  # it would be open, but the match is paused for safety
PASSED = "passed"


@dataclass(frozen=True)
class Window:
    time_point: str
    state: str  # NOT_YET, OPEN, PAUSED or PASSED
    opens_on: datetime.date | None  # None: not known yet (closure of a running match)
    closes_on: datetime.date | None  # None: open as long as the match is ending

    @property
    def open(self) -> bool:
        return self.state == OPEN


def _days(name: str) -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, name)))


def midway_on(match: Any) -> datetime.date | None:
    if match.started_on is None:
        return None
    return add_months(match.started_on, int(settings.SURVEY_MIDWAY_MONTHS))


def closure_opens_on(match: Any) -> datetime.date | None:
    if match.status == Match.Status.CLOSED:
        return match.ended_on
    if match.status == Match.Status.ENDING:
        return timezone.localdate(match.status_changed_at)
    return None


def accepts_answers(match: Any, today: datetime.date | None = None) -> bool:
    """Whether the woman's link (and any entry) may be used today: the match is active or
    ending, or closed within the grace days. Paused, cancelled or long closed: no."""
    today = today or timezone.localdate()
    if match.status in RUNNING:
        return True
    if match.status == Match.Status.CLOSED and match.ended_on is not None:
        return today <= match.ended_on + _days("SURVEY_CLOSURE_GRACE_DAYS")
    return False


def window(match: Any, time_point: str, today: datetime.date | None = None) -> Window:
    """The state of one time point of `match` today."""
    today = today or timezone.localdate()
    if time_point == TimePoint.CLOSURE:
        opens = closure_opens_on(match)
        if opens is None:
            return Window(time_point, NOT_YET, None, None)
        if match.status == Match.Status.ENDING:
            return Window(time_point, OPEN, opens, None)
        closes = opens + _days("SURVEY_CLOSURE_GRACE_DAYS")
        return Window(time_point, OPEN if today <= closes else PASSED, opens, closes)
    opens = match.started_on if time_point == TimePoint.START else midway_on(match)
    if opens is None:
        return Window(time_point, NOT_YET, None, None)
    closes = opens + _days("SURVEY_WINDOW_DAYS")
    if match.status == Match.Status.CLOSED or today > closes:
        return Window(time_point, PASSED, opens, closes)  # a closed match asks only at closure
    if today < opens:
        return Window(time_point, NOT_YET, opens, closes)
    if match.status == Match.Status.PAUSED:
        return Window(time_point, PAUSED, opens, closes)
    return Window(time_point, OPEN if match.status in RUNNING else PASSED, opens, closes)


def is_open(match: Any, time_point: str, today: datetime.date | None = None) -> bool:
    return window(match, time_point, today).open


def outcome_allowed(match: Any, time_point: str, today: datetime.date | None = None) -> bool:
    """Whether the outcome question may be recorded: the time point has come (six months
    reached while the match ran, or the match is ending or closed). Also after its window."""
    if time_point not in OUTCOME_TIME_POINTS:
        return False
    today = today or timezone.localdate()
    if time_point == TimePoint.CLOSURE:
        return closure_opens_on(match) is not None
    opens = midway_on(match)
    if opens is None or today < opens:
        return False
    if match.status == Match.Status.CLOSED and match.ended_on is not None:
        return match.ended_on >= opens
    return match.status in (*RUNNING, Match.Status.PAUSED)

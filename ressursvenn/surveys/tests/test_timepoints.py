"""When each time point is due (surveys/timepoints.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from ressursvenn.matching.models import Match
from ressursvenn.surveys import timepoints
from ressursvenn.surveys.tests.builders import at_midway, at_start

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _states(match: Match, today: datetime.date | None = None) -> list[str]:
    return [timepoints.window(match, tp, today).state for tp in ("start", "six_months", "closure")]


def test_a_new_match_asks_at_the_start_only(world: Any) -> None:
    match = at_start(world)
    assert _states(match) == ["open", "not_yet", "not_yet"]
    window = timepoints.window(match, "start")
    assert window.opens_on == match.started_on
    assert window.closes_on == match.started_on + 60 * DAY


def test_six_months_opens_after_six_months_and_start_has_passed(world: Any) -> None:
    match = at_midway(world)
    assert _states(match) == ["passed", "open", "not_yet"]
    assert timepoints.outcome_allowed(match, "six_months") is True
    assert timepoints.outcome_allowed(match, "closure") is False


def test_six_months_closes_after_the_window(world: Any, settings: Any) -> None:
    match = at_midway(world)
    later = timezone.localdate() + 60 * DAY
    assert _states(match, later) == ["passed", "passed", "not_yet"]
    settings.SURVEY_WINDOW_DAYS = 120
    assert _states(match, later) == ["passed", "open", "not_yet"]


def test_an_ending_match_asks_at_closure(world: Any) -> None:
    match = at_midway(world, status=Match.Status.ENDING)
    assert _states(match)[2] == "open"
    assert timepoints.window(match, "closure").closes_on is None
    assert timepoints.accepts_answers(match) is True


def test_a_closed_match_asks_at_closure_within_the_grace(world: Any) -> None:
    match = at_midway(world, status=Match.Status.CLOSED)
    match.ended_on = timezone.localdate() - 10 * DAY
    assert _states(match) == ["passed", "passed", "open"]
    assert timepoints.accepts_answers(match) is True
    match.ended_on = timezone.localdate() - 31 * DAY
    assert _states(match) == ["passed", "passed", "passed"]
    assert timepoints.accepts_answers(match) is False
    assert timepoints.outcome_allowed(match, "closure") is True  # late answers still count


def test_a_paused_match_opens_nothing_and_takes_no_answers(world: Any) -> None:
    match = at_start(world, status=Match.Status.PAUSED)
    assert _states(match) == ["paused", "not_yet", "not_yet"]
    assert timepoints.accepts_answers(match) is False
    assert timepoints.is_open(match, "start") is False

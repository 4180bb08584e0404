"""Rows the questionnaire tests share: matches at each time point and the woman's link."""

from __future__ import annotations

from typing import Any

from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match
from ressursvenn.surveys.actions import links

START_DAYS = 5  # started five days ago: the start questionnaire is open
MIDWAY_DAYS = 190  # six months and a week: the six-month questionnaire is open


def at_start(world: Any, **fields: Any) -> Match:
    return active_match(world, started_days_ago=START_DAYS, **fields)


def at_midway(world: Any, **fields: Any) -> Match:
    return active_match(world, started_days_ago=MIDWAY_DAYS, months=12, **fields)


def link_for(world: Any, match: Match, time_point: str = "start") -> tuple[Any, str]:
    """A link made by the crisis-centre staff, shown as a QR code. (link, raw token)"""
    return links.make_link(match, by=world.staff, time_point=time_point, delivery="qr")

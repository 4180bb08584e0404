"""Paused time of a match, counted once for every page and the statistics.

A pause lasts from `started_on` to `ended_on` (to today while it lasts); the days are kept
after the match resumes, so statistics can count paused time apart from active time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from ressursvenn.followup.models import Pause


def days_of(pauses: Iterable[Pause], *, today: datetime.date | None = None) -> int:
    """Paused days of the given pauses (an open one counts to `today`)."""
    today = today or timezone.localdate()
    return sum(max(0, ((pause.ended_on or today) - pause.started_on).days) for pause in pauses)


def paused_days(match: Any, *, today: datetime.date | None = None) -> int:
    """All paused days of `match` so far (one query)."""
    return days_of(Pause.objects.filter(match=match).only("started_on", "ended_on"), today=today)

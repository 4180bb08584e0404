"""The one inactivity rule: how long since the pair's last contact, and when that is too long.

"Last contact" is the newest logged activity, or the match's start (the koblingsmøte) when
nothing is logged yet. A match is *quiet* after INACTIVITY_NUDGE_DAYS days without contact (a
discreet nudge to the volunteer) and *inactive* after INACTIVITY_TASK_DAYS (a task for the
group leader). Only active (and ending) matches count: a paused match cannot log activities.
Used by the task list, the start pages, `send_reminders` and the statistics.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import DateField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ressursvenn.followup.models import Activity
from ressursvenn.matching.models import Match

COUNTED = (Match.Status.ACTIVE, Match.Status.ENDING)


def nudge_days() -> int:
    return int(settings.INACTIVITY_NUDGE_DAYS)


def task_days() -> int:
    return max(int(settings.INACTIVITY_TASK_DAYS), nudge_days())


def with_last_contact(matches: QuerySet[Match]) -> QuerySet[Match]:
    """Annotate `last_contact` (a date: the newest activity, else the start date)."""
    newest = (
        Activity.objects.filter(match=OuterRef("pk"))
        .order_by()
        .values("match")
        .annotate(day=Max("occurred_on"))
        .values("day")[:1]
    )
    return matches.annotate(
        last_contact=Coalesce(Subquery(newest, output_field=DateField()), "started_on")
    )


def without_contact_since(
    matches: QuerySet[Match], days: int, *, today: datetime.date | None = None
) -> QuerySet[Match]:
    """The counted matches among `matches` with no contact for at least `days` days."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=days)
    annotated: Any = with_last_contact(matches.filter(status__in=COUNTED))
    result: QuerySet[Match] = annotated.filter(last_contact__lte=cutoff)
    return result


def quiet(matches: QuerySet[Match], *, today: datetime.date | None = None) -> QuerySet[Match]:
    """Due a nudge to the volunteer (INACTIVITY_NUDGE_DAYS)."""
    return without_contact_since(matches, nudge_days(), today=today)


def inactive(matches: QuerySet[Match], *, today: datetime.date | None = None) -> QuerySet[Match]:
    """A task for the group leader (INACTIVITY_TASK_DAYS)."""
    return without_contact_since(matches, task_days(), today=today)


def days_since(last_contact: datetime.date | None, today: datetime.date | None = None) -> Any:
    """Whole days from `last_contact` to `today` (None when there is no date)."""
    if last_contact is None:
        return None
    return ((today or timezone.localdate()) - last_contact).days

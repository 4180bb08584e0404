"""Which check-ins are due: the group leader's list and the task list ("Dine oppgaver") ask here.

A check-in is *due* from CHECKIN_NOTICE_DAYS days before its date, and *overdue* after it,
while it is still planned and the match runs (active, paused or ending).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from ressursvenn.followup.models import CheckIn
from ressursvenn.matching.models import Match

RUNNING = (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING)


def notice_days() -> int:
    return max(0, int(settings.CHECKIN_NOTICE_DAYS))


def due_checkins(
    branch_ids: Iterable[Any],
    today: datetime.date,
    *,
    rows: QuerySet[CheckIn] | None = None,
) -> QuerySet[CheckIn]:
    """The planned check-ins of running matches in `branch_ids` due by today +
    CHECKIN_NOTICE_DAYS, overdue (earliest) first, with the match, the woman's referral and the
    volunteer loaded. `rows` narrows the source (a view passes `CheckIn.objects.visible_to`)."""
    source = CheckIn.objects.all() if rows is None else rows
    return (
        source.filter(
            match__branch_id__in=list(branch_ids),
            match__status__in=RUNNING,
            status=CheckIn.Status.PLANNED,
            due_on__lte=today + datetime.timedelta(days=notice_days()),
        )
        .select_related("match__referral", "match__volunteer")
        .order_by("due_on", "party", "pk")
    )


def is_overdue(checkin: CheckIn, today: datetime.date) -> bool:
    return checkin.status == CheckIn.Status.PLANNED and checkin.due_on < today

"""The pair's planned meetings as a calendar file (.ics), and the query of upcoming meetings.

Neutral like the koblingsmøte's invitation (`matching/calendar.py`): the event is called
"Møte – Ressursvenn", its place "Se Ressursvenn" and its description only links to the match
page. No names, no place, and never the video room's link (whoever holds it can join). Times
in UTC; the UID is stable per meeting and SEQUENCE rises each time it is moved or cancelled,
so a calendar replaces the event instead of adding a second one. Downloaded from the match
page only: nothing here is e-mailed.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from ressursvenn.followup.models import PlannedMeeting
from ressursvenn.matching.calendar import CANCEL, CONTENT_TYPE, REQUEST, neutral_ics

__all__ = ["CANCEL", "CONTENT_TYPE", "FILENAME", "REQUEST", "build_ics", "upcoming_meetings"]

FILENAME = "ressursvenn-mote.ics"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "ressursvenn.no"


def meeting_uid(meeting: PlannedMeeting) -> str:
    """Stable for the life of the meeting (calendars update the same event when it moves)."""
    return f"parmote-{meeting.pk}@{_host()}"


def build_ics(
    meeting: PlannedMeeting,
    *,
    attendee: str | None = None,
    now: datetime.datetime | None = None,
) -> bytes:
    """One VEVENT for the pair's meeting; METHOD:CANCEL when it is cancelled."""
    return neutral_ics(
        uid=meeting_uid(meeting),
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        match_id=meeting.match_id,
        attendee=attendee,
        partstat="ACCEPTED",
        method=CANCEL if meeting.cancelled_at else REQUEST,
        now=now,
    )


def upcoming_meetings(
    matches: QuerySet[Any], *, now: datetime.datetime | None = None
) -> QuerySet[PlannedMeeting]:
    """The planned, not cancelled meetings of `matches` that start from `now` on, soonest
    first (one query; `match` selected). For the start pages: pass a queryset already built on
    `Match.objects.visible_to(user)` (this function does not scope by itself). The first row
    per `match_id` is that match's next meeting, e.g.

        nexts = {}
        for meeting in upcoming_meetings(my_matches)[:20]:
            nexts.setdefault(meeting.match_id, meeting)
    """
    now = now or timezone.now()
    return (
        PlannedMeeting.objects.filter(
            match__in=matches, cancelled_at__isnull=True, starts_at__gte=now
        )
        .select_related("match")
        .order_by("starts_at", "pk")
    )

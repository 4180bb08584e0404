"""The pair's own meetings (video room, planned meetings, .ics) in the access matrix.

Built on an active match of the first branch / centre / volunteer: outsiders get 404. Only
the volunteer renews the room and plans; the leader may read the meetings (and their .ics);
the centre sees none of it (403).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ressursvenn.followup.models import PlannedMeeting
from ressursvenn.followup.tests.access_activities import _match, expect
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Entry,
)


def _meeting(world: Any) -> dict[str, Any]:
    match = active_match(world)
    meeting = PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        duration_minutes=60,
        mode=PlannedMeeting.Mode.DIGITAL,
        created_by=world.volunteer,
    )
    return {"pk": meeting.pk}


ENTRIES = {
    "followup:pair_room_renew": Entry(
        expect(
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, REDIRECT),
            (NOT_ALLOWED, NOT_FOUND),
        ),
        kwargs=_match,
    ),
    # Forms: an empty POST re-renders with errors (200) and writes nothing.
    "followup:pair_meeting_new": Entry(
        expect((FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN), (OK, OK), (NOT_FOUND, NOT_FOUND)),
        kwargs=_match,
    ),
    "followup:pair_meeting_edit": Entry(
        expect((FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN), (OK, OK), (NOT_FOUND, NOT_FOUND)),
        kwargs=_meeting,
    ),
    # An empty POST (no sequence) is refused with a message and a redirect, nothing changed.
    "followup:pair_meeting_cancel": Entry(
        expect(
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, REDIRECT),
            (NOT_ALLOWED, NOT_FOUND),
        ),
        kwargs=_meeting,
    ),
    "followup:pair_meeting_ics": Entry(
        expect(
            (OK, NOT_ALLOWED), (FORBIDDEN, NOT_ALLOWED), (OK, NOT_ALLOWED), (NOT_FOUND, NOT_ALLOWED)
        ),
        kwargs=_meeting,
    ),
}

"""The activity log in the access matrix.

Every row is built on an active match of the first branch / centre / volunteer: the other
branch's leader, the other centre's staff and the coordinator get 404 while it exists. The
volunteer logs; the leader reads the log (403 on the volunteer's forms); the centre sees only
counts on the match page (403 on every activity page).
"""

from __future__ import annotations

from typing import Any

from ressursvenn.followup.models import Activity
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Entry,
    Expect,
    signed_in,
)

OUTSIDERS = ("coordinator", "other_leader", "other_staff")


def _match(world: Any) -> dict[str, Any]:
    return {"pk": active_match(world).pk}


def _activity(world: Any) -> dict[str, Any]:
    match = active_match(world)
    activity = Activity.objects.create(
        match=match,
        occurred_on=match.started_on,
        kind=Activity.Kind.COFFEE,
        duration_minutes=60,
        channel="in_person",
        note="Hemmelig merknad",
        created_by=world.volunteer,
    )
    return {"pk": activity.pk}


def expect(leader: Expect, staff: Expect, volunteer: Expect, outsider: Expect) -> Any:
    allowed = {"leader": leader, "staff": staff, "volunteer": volunteer}
    allowed.update(dict.fromkeys(OUTSIDERS, outsider))
    return signed_in(allowed)


ENTRIES = {
    # The volunteer's form: an empty POST re-renders with errors (200) and writes nothing.
    "followup:activity_new": Entry(
        expect((FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN), (OK, OK), (NOT_FOUND, NOT_FOUND)),
        kwargs=_match,
    ),
    # POST only; with nothing logged yet the volunteer is sent back with a message.
    "followup:activity_repeat": Entry(
        expect(
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, REDIRECT),
            (NOT_ALLOWED, NOT_FOUND),
        ),
        kwargs=_match,
    ),
    "followup:activities": Entry(
        expect(
            (OK, NOT_ALLOWED), (FORBIDDEN, NOT_ALLOWED), (OK, NOT_ALLOWED), (NOT_FOUND, NOT_ALLOWED)
        ),
        kwargs=_match,
    ),
    "followup:activity_edit": Entry(
        expect((FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN), (OK, OK), (NOT_FOUND, NOT_FOUND)),
        kwargs=_activity,
    ),
    # GET confirms; POST deletes (the volunteer is the last principal asked).
    "followup:activity_delete": Entry(
        expect(
            (FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN), (OK, REDIRECT), (NOT_FOUND, NOT_FOUND)
        ),
        kwargs=_activity,
    ),
}

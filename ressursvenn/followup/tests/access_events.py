"""Social events in the access matrix.

Every event belongs to the first branch (organised by world.leader) and is for volunteers
only, so world.volunteer is invited. The other branch's leader, crisis staff and the national
coordinator get 404 on an event (outside their scope), the volunteer 403 where she may not
manage. The list is for group leaders and volunteers (403 for staff and the coordinator).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ressursvenn.followup.models import SocialEvent
from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Entry,
    signed_in,
)


def build_event(world: Any, *, days: float = 5) -> SocialEvent:
    return SocialEvent.objects.create(
        branch=world.branch,
        title="Digital kaffe",
        starts_at=timezone.now() + datetime.timedelta(days=days),
        duration_minutes=60,
        place="Biblioteket på Tøyen",
        capacity=10,
        audience=SocialEvent.Audience.VOLUNTEERS,
        organiser=world.leader,
    )


def _upcoming(world: Any) -> dict[str, Any]:
    return {"pk": build_event(world).pk}


def _started(world: Any) -> dict[str, Any]:
    return {"pk": build_event(world, days=-0.1).pk}


OUTSIDERS = ("coordinator", "other_leader", "staff", "other_staff")


def _event(leader: Any, volunteer: Any, outsider: Any) -> dict[str, Any]:
    allowed = {"leader": leader, "volunteer": volunteer}
    allowed.update(dict.fromkeys(OUTSIDERS, outsider))
    return signed_in(allowed)


ENTRIES = {
    "followup:events": Entry(
        signed_in(
            {
                "leader": (OK, NOT_ALLOWED),
                "other_leader": (OK, NOT_ALLOWED),
                "volunteer": (OK, NOT_ALLOWED),
            },
            refused=(FORBIDDEN, NOT_ALLOWED),
        )
    ),
    # An empty POST re-renders the form with errors and writes nothing.
    "followup:event_new": Entry(
        signed_in({"leader": (OK, OK), "other_leader": (OK, OK)}),
    ),
    "followup:event_detail": Entry(
        _event((OK, NOT_ALLOWED), (OK, NOT_ALLOWED), (NOT_FOUND, NOT_ALLOWED)),
        kwargs=_upcoming,
    ),
    "followup:event_edit": Entry(
        _event((OK, OK), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)), kwargs=_upcoming
    ),
    # The leader's POST cancels the event (and redirects to it).
    "followup:event_cancel": Entry(
        _event((OK, REDIRECT), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)),
        kwargs=_upcoming,
    ),
    # POST only; an empty answer re-renders the event page with the error.
    "followup:event_answer": Entry(
        _event((NOT_ALLOWED, FORBIDDEN), (NOT_ALLOWED, OK), (NOT_ALLOWED, NOT_FOUND)),
        kwargs=_upcoming,
    ),
    # After the event started; the leader's empty POST records that nobody came.
    "followup:event_attendance": Entry(
        _event((OK, REDIRECT), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)),
        kwargs=_started,
    ),
}

"""Pause and resume in the access matrix.

The match is in the first branch / centre with the first volunteer persona: the other
branch's leader, the other centre's staff and the coordinator get 404 while it exists. The
leader and the centre's staff may pause and confirm the resume; the volunteer may not (403).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ressursvenn.followup.models import Pause
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match
from ressursvenn.tests.access import FORBIDDEN, NOT_FOUND, OK, Entry, signed_in

OUTSIDERS = ("coordinator", "other_leader", "other_staff")


def paused_match(world: Any, *, days_ago: int = 10, **pause_fields: Any) -> Match:
    """An active match of the first branch paused by the leader `days_ago` days ago."""
    match = active_match(world, status=Match.Status.PAUSED)
    Pause.objects.create(
        match=match,
        reason="Ny trussel mot Amina",
        started_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        paused_by=world.leader,
        **pause_fields,
    )
    return match


def _active(world: Any) -> dict[str, Any]:
    return {"pk": active_match(world).pk}


def _paused(world: Any) -> dict[str, Any]:
    return {"pk": paused_match(world).pk}


def _expect(handler: Any, volunteer: Any, outsider: Any) -> dict[str, Any]:
    allowed = {"leader": handler, "staff": handler, "volunteer": volunteer}
    allowed.update(dict.fromkeys(OUTSIDERS, outsider))
    return signed_in(allowed)


ENTRIES = {
    # Forms: an empty POST re-renders with errors (200) and writes nothing.
    "followup:pause": Entry(
        _expect((OK, OK), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)), kwargs=_active
    ),
    "followup:resume": Entry(
        _expect((OK, OK), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)), kwargs=_paused
    ),
}

"""The check-in pages in the access matrix.

The rows are built in the first branch / centre with the first volunteer persona, so the other
branch's leader, the other centre's staff and the coordinator get 404 while they exist. Crisis
staff and the volunteer see the match but may not record its check-ins (403). Guidance groups
are the leaders' only: everyone else gets 404 for a guidance meeting.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ressursvenn.followup.actions.checkins import create_schedule
from ressursvenn.followup.models import CheckIn
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.matching.models import Match
from ressursvenn.tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Entry, signed_in
from ressursvenn.volunteers.models import GuidanceAttendance, GuidanceGroup, GuidanceSession


def scheduled_match(world: Any, **fields: Any) -> Match:
    """`builders.active_match` with its check-in schedule."""
    match = active_match(world, **fields)
    create_schedule(match, by=world.leader)
    return match


def first_planned(match: Match, party: str = CheckIn.Party.VOLUNTEER) -> CheckIn:
    row = (
        CheckIn.objects.filter(match=match, party=party, status=CheckIn.Status.PLANNED)
        .order_by("due_on", "pk")
        .first()
    )
    assert row is not None
    return row


def guidance_session(
    world: Any, *, days_ago: int = 2, present: tuple[Any, ...] | None = None
) -> GuidanceSession:
    """A guidance meeting of world.branch `days_ago` days ago (negative: in the future), with
    `present` (default: world.volunteer) marked as attending."""
    group = GuidanceGroup.objects.create(
        branch=world.branch, name="Tirsdagsgruppa", created_by=world.leader
    )
    volunteers = present if present is not None else (world.volunteer.volunteer,)
    group.members.set(volunteers)
    session = GuidanceSession.objects.create(
        group=group, starts_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    for volunteer in volunteers:
        GuidanceAttendance.objects.create(
            session=session, volunteer=volunteer, attended=True, recorded_by=world.leader
        )
    return session


def _checkin(world: Any) -> dict[str, Any]:
    return {"pk": first_planned(scheduled_match(world)).pk}


def _session(world: Any) -> dict[str, Any]:
    scheduled_match(world)
    return {"pk": guidance_session(world).pk}


OUTSIDERS = {"coordinator", "other_leader", "other_staff"}

ENTRIES = {
    # The leader's list of due check-ins: every leader her own branches' (read-only).
    "followup:checkins_due": Entry(
        signed_in(
            {"leader": (OK, NOT_ALLOWED), "other_leader": (OK, NOT_ALLOWED)},
            refused=(FORBIDDEN, NOT_ALLOWED),
        )
    ),
    # Record a check-in: an empty POST re-renders with errors (200) and writes nothing.
    "followup:checkin_record": Entry(
        signed_in(
            {
                "leader": (OK, OK),
                "staff": (FORBIDDEN, FORBIDDEN),
                "volunteer": (FORBIDDEN, FORBIDDEN),
                **dict.fromkeys(OUTSIDERS, (NOT_FOUND, NOT_FOUND)),
            }
        ),
        kwargs=_checkin,
    ),
    # A guidance meeting as check-ins: the leader of the group's branch only.
    "followup:group_checkin": Entry(
        signed_in({"leader": (OK, OK)}, refused=(NOT_FOUND, NOT_FOUND)),
        kwargs=_session,
    ),
}

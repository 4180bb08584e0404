"""The match pages and the koblingsmøte in the access matrix.

Every match is built in the first branch / centre with the first volunteer persona, so the
other branch's leader, the other centre's staff and the coordinator must get 404 while it
exists. Staff and the volunteer see the match but may not plan, record or cancel (403).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ressursvenn.matching.models import MatchingMeeting
from ressursvenn.tests import factories
from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    Entry,
    signed_in,
)


def build_match(world: Any, *, status: str = "proposed", meeting_at: Any = None) -> Any:
    """A match (volunteer said yes) of world.branch / world.centre; with a video meeting at
    `meeting_at` when given."""
    referral = factories.referral(
        world.centre,
        world.branch,
        status="proposed",
        contact=world.staff,
        contact_channel="phone",
        contact_value="+47 912 34 567",
    )
    match = factories.match(
        referral,
        world.volunteer.volunteer,
        status=status,
        volunteer_answer="yes",
        proposed_by=world.leader,
    )
    if meeting_at is not None:
        MatchingMeeting.objects.create(
            match=match,
            starts_at=meeting_at,
            mode=MatchingMeeting.Mode.VIDEO,
            video_url="https://meet.example/abc",
            planned_by=world.leader,
        )
    return match


def _proposed(world: Any) -> dict[str, Any]:
    return {"pk": build_match(world).pk}


def _planned_future(world: Any) -> dict[str, Any]:
    at = timezone.now() + datetime.timedelta(days=3)
    return {"pk": build_match(world, status="meeting_planned", meeting_at=at).pk}


def _planned_past(world: Any) -> dict[str, Any]:
    at = timezone.now() - datetime.timedelta(hours=2)
    return {"pk": build_match(world, status="meeting_planned", meeting_at=at).pk}


OUTSIDERS = {"coordinator", "other_leader", "other_staff"}


def _by_scope(leader: Any, participant: Any, outsider: Any) -> dict[str, Any]:
    allowed = {"leader": leader, "staff": participant, "volunteer": participant}
    allowed.update(dict.fromkeys(OUTSIDERS, outsider))
    return signed_in(allowed)


ENTRIES = {
    # The list: every role that can be part of a match; its own rows only. Read-only.
    "matching:matches": Entry(
        signed_in(
            {
                "leader": (OK, NOT_ALLOWED),
                "other_leader": (OK, NOT_ALLOWED),
                "staff": (OK, NOT_ALLOWED),
                "other_staff": (OK, NOT_ALLOWED),
                "volunteer": (OK, NOT_ALLOWED),
            },
            refused=(FORBIDDEN, NOT_ALLOWED),
        )
    ),
    "matching:match_detail": Entry(
        _by_scope((OK, NOT_ALLOWED), (OK, NOT_ALLOWED), (NOT_FOUND, NOT_ALLOWED)),
        kwargs=_proposed,
    ),
    # Forms: an empty POST re-renders with errors (200) and writes nothing.
    "matching:meeting_plan": Entry(
        _by_scope((OK, OK), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)), kwargs=_proposed
    ),
    "matching:meeting_ics": Entry(
        _by_scope((OK, NOT_ALLOWED), (OK, NOT_ALLOWED), (NOT_FOUND, NOT_ALLOWED)),
        kwargs=_planned_future,
    ),
    # POST only.
    "matching:meeting_outcome": Entry(
        _by_scope((NOT_ALLOWED, OK), (NOT_ALLOWED, FORBIDDEN), (NOT_ALLOWED, NOT_FOUND)),
        kwargs=_planned_past,
    ),
    "matching:match_cancel": Entry(
        _by_scope((NOT_ALLOWED, OK), (NOT_ALLOWED, FORBIDDEN), (NOT_ALLOWED, NOT_FOUND)),
        kwargs=_proposed,
    ),
}

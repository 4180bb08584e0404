"""A person's request for access in the access matrix: her record's pages (innsyn, the JSON,
who viewed it). A woman's: the referring centre's staff and the branch's group leader; the
other centre's staff and the other branch's leader get 404 with the referral present. A
volunteer's: her branch's group leader; the other branch's leader 404. Everyone else 403,
before anything is fetched. GET only: a POST is 405 for those who hold the permission."""

from __future__ import annotations

from typing import Any

from ressursvenn.tests import factories
from ressursvenn.tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Entry, signed_in


def _woman(world: Any) -> dict[str, Any]:
    row = factories.referral(world.centre, world.branch, status="accepted", contact=world.staff)
    return {"pk": row.pk}


def _volunteer(world: Any) -> dict[str, Any]:
    return {"pk": world.volunteer.volunteer.pk}


WOMAN = signed_in(
    {
        "staff": (OK, NOT_ALLOWED),
        "leader": (OK, NOT_ALLOWED),
        "other_staff": (NOT_FOUND, NOT_ALLOWED),
        "other_leader": (NOT_FOUND, NOT_ALLOWED),
    },
    refused=(FORBIDDEN, FORBIDDEN),
)
VOLUNTEER = signed_in(
    {"leader": (OK, NOT_ALLOWED), "other_leader": (NOT_FOUND, NOT_ALLOWED)},
    refused=(FORBIDDEN, FORBIDDEN),
)

ENTRIES = {
    "privacy:woman": Entry(WOMAN, kwargs=_woman),
    "privacy:woman_json": Entry(WOMAN, kwargs=_woman),
    "privacy:woman_views": Entry(WOMAN, kwargs=_woman),
    "privacy:volunteer": Entry(VOLUNTEER, kwargs=_volunteer),
    "privacy:volunteer_json": Entry(VOLUNTEER, kwargs=_volunteer),
    "privacy:volunteer_views": Entry(VOLUNTEER, kwargs=_volunteer),
}

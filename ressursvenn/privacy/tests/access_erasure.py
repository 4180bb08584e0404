"""The erasure pages in the access matrix.

A woman's: the crisis-centre staff of the referring centre and the receiving branch's group
leader; the other centre's staff and the other branch's leader get 404 with her referral
present; the national coordinator and volunteers 403 (the role never handles a request). A
volunteer's: her branch's group leader; the other branch's leader 404; everyone else 403. An
empty POST re-renders the form with its errors (400) and erases nothing.
"""

from __future__ import annotations

from typing import Any

from ressursvenn.tests import factories
from ressursvenn.tests.access import FORBIDDEN, NOT_FOUND, OK, Entry, signed_in

BAD_REQUEST = 400
HIDDEN = (NOT_FOUND, NOT_FOUND)
REFUSED = (FORBIDDEN, FORBIDDEN)


def _woman(world: Any) -> dict[str, Any]:
    referral = factories.referral(world.centre, world.branch, status="closed", contact=world.staff)
    return {"pk": referral.pk}


def _volunteer(world: Any) -> dict[str, Any]:
    volunteer = factories.volunteer(world.branch, status="ended", email="sluttet@example.no")
    return {"pk": volunteer.pk}


ENTRIES = {
    "privacy:erase_woman": Entry(
        signed_in(
            {
                "staff": (OK, BAD_REQUEST),
                "leader": (OK, BAD_REQUEST),
                "other_staff": HIDDEN,
                "other_leader": HIDDEN,
            }
        ),
        kwargs=_woman,
    ),
    "privacy:erase_volunteer": Entry(
        signed_in({"leader": (OK, BAD_REQUEST), "other_leader": HIDDEN}, refused=REFUSED),
        kwargs=_volunteer,
    ),
}

"""The matching pages (waiting list, candidates, proposals, batch) in the access matrix.

Group leaders only for the matching pages (another branch's referral is a 404); the volunteer
only for her own proposal (the leader and the centre, who can see the match, get 403).
"""

from __future__ import annotations

from typing import Any

from ressursvenn.tests import factories
from ressursvenn.tests.access import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Entry,
    signed_in,
)


def _referral(world: Any) -> dict[str, Any]:
    factories.volunteer(world.branch, full_name="Kandidat Venn", email="kandidat@example.no")
    return {"pk": factories.referral(world.centre, world.branch, contact=world.staff).pk}


def _match(world: Any) -> dict[str, Any]:
    referral = factories.referral(
        world.centre, world.branch, status="proposed", contact=world.staff
    )
    return {"pk": factories.match(referral, world.volunteer.volunteer).pk}


ENTRIES = {
    "matching:waiting_list": Entry(
        signed_in(
            {"leader": (OK, NOT_ALLOWED), "other_leader": (OK, NOT_ALLOWED)},
            refused=(FORBIDDEN, NOT_ALLOWED),
        )
    ),
    "matching:candidates": Entry(
        signed_in(
            {"leader": (OK, NOT_ALLOWED), "other_leader": (NOT_FOUND, NOT_ALLOWED)},
            refused=(FORBIDDEN, NOT_ALLOWED),
        ),
        kwargs=_referral,
    ),
    # GET is the confirmation (without a volunteer it goes back to the candidates with a
    # message); the leader's empty POST goes back to the candidates with a message.
    "matching:propose": Entry(
        signed_in(
            {"leader": (REDIRECT, REDIRECT), "other_leader": (NOT_FOUND, NOT_FOUND)},
            refused=(FORBIDDEN, FORBIDDEN),
        ),
        kwargs=_referral,
    ),
    # An empty POST (no pair) goes back to the page with a message, writing nothing.
    "matching:batch": Entry(
        signed_in({"leader": (OK, REDIRECT), "other_leader": (OK, REDIRECT)}),
    ),
    "matching:proposal": Entry(
        signed_in(
            {
                "volunteer": (OK, NOT_ALLOWED),
                "leader": (FORBIDDEN, NOT_ALLOWED),
                "staff": (FORBIDDEN, NOT_ALLOWED),
            },
            refused=(NOT_FOUND, NOT_ALLOWED),
        ),
        kwargs=_match,
    ),
    # An empty POST re-renders the page with "Svar ja eller nei." next to the field.
    "matching:answer": Entry(
        signed_in(
            {
                "volunteer": (NOT_ALLOWED, OK),
                "leader": (NOT_ALLOWED, FORBIDDEN),
                "staff": (NOT_ALLOWED, FORBIDDEN),
            },
            refused=(NOT_ALLOWED, NOT_FOUND),
        ),
        kwargs=_match,
    ),
}

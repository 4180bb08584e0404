"""Screening pipeline, a volunteer's record, its actions and the import in the access matrix.

The group leaders of a branch screen its volunteers. `other_leader` has a pipeline and an
import of her own (200) but gets 404 for a volunteer of the first branch; every other role is
refused (403 for the branch-less pages, 404 for a record outside its scope).
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


def _applicant(world: Any) -> dict[str, Any]:
    row = factories.volunteer(
        world.branch, status="screening", full_name="Sara Søker", email="sara@example.no"
    )
    return {"pk": row.pk}


LEADERS_ONLY = (FORBIDDEN, FORBIDDEN)
NOT_HERS = (NOT_FOUND, NOT_FOUND)
# POST-only actions on a record: GET is 405 before anything is fetched.
POST_ONLY_REFUSED = (NOT_ALLOWED, NOT_FOUND)


def _post_only(leader_post: int) -> dict[str, Any]:
    return signed_in({"leader": (NOT_ALLOWED, leader_post)}, refused=POST_ONLY_REFUSED)


ENTRIES = {
    # Read-only list: every group leader sees her own branches.
    "volunteers:pipeline": Entry(
        signed_in(
            {"leader": (OK, NOT_ALLOWED), "other_leader": (OK, NOT_ALLOWED)},
            refused=(FORBIDDEN, NOT_ALLOWED),
        )
    ),
    "volunteers:detail": Entry(
        signed_in({"leader": (OK, NOT_ALLOWED)}, refused=(NOT_FOUND, NOT_ALLOWED)),
        kwargs=_applicant,
    ),
    # An empty POST of a form re-renders the record with errors; of a transition it is refused
    # as a stale page with a message (redirect). Neither writes anything.
    "volunteers:add_certificate": Entry(_post_only(OK), kwargs=_applicant),
    "volunteers:add_interview": Entry(_post_only(OK), kwargs=_applicant),
    "volunteers:add_reference": Entry(_post_only(OK), kwargs=_applicant),
    "volunteers:add_paper_declaration": Entry(_post_only(OK), kwargs=_applicant),
    "volunteers:take_into_screening": Entry(_post_only(REDIRECT), kwargs=_applicant),
    "volunteers:approve": Entry(_post_only(REDIRECT), kwargs=_applicant),
    "volunteers:change_status": Entry(_post_only(REDIRECT), kwargs=_applicant),
    # The import: every group leader for her own branches.
    "volunteers:import": Entry(
        signed_in({"leader": (OK, OK), "other_leader": (OK, OK)}, LEADERS_ONLY)
    ),
    "volunteers:import_confirm": Entry(
        signed_in(
            {"leader": (NOT_ALLOWED, REDIRECT), "other_leader": (NOT_ALLOWED, REDIRECT)},
            refused=(NOT_ALLOWED, FORBIDDEN),
        )
    ),
}

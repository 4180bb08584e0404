"""The dashboard and "Om tallene" in the access matrix. Data of the first branch exists while
the others look (the other branch's group leader sees only her own branch's figures)."""

from __future__ import annotations

from typing import Any

from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.access import NOT_ALLOWED, OK, Entry, signed_in


def _with_a_match(world: Any) -> dict[str, Any]:
    active_match(world)
    return {}


ENTRIES = {
    "reports:dashboard": Entry(
        signed_in(
            {
                "coordinator": (OK, NOT_ALLOWED),
                "leader": (OK, NOT_ALLOWED),
                "other_leader": (OK, NOT_ALLOWED),
            }
        ),
        kwargs=_with_a_match,
    ),
    "reports:about_figures": Entry(
        signed_in(
            {
                "coordinator": (OK, NOT_ALLOWED),
                "leader": (OK, NOT_ALLOWED),
                "other_leader": (OK, NOT_ALLOWED),
                "staff": (OK, NOT_ALLOWED),
                "other_staff": (OK, NOT_ALLOWED),
            }
        )
    ),
}

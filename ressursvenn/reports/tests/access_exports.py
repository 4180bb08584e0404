"""The exports and the funder report in the access matrix: the national coordinator and the
group leaders (each her own branches, the default area without parameters), everyone else
refused. A match of the first branch exists while the others ask."""

from __future__ import annotations

from typing import Any

from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.access import NOT_ALLOWED, OK, Entry, signed_in

FIGURE_READERS = {
    "coordinator": (OK, NOT_ALLOWED),
    "leader": (OK, NOT_ALLOWED),
    "other_leader": (OK, NOT_ALLOWED),
}


def _with_a_match(world: Any) -> dict[str, Any]:
    active_match(world)
    return {}


def _export(fmt: str) -> Any:
    def kwargs(world: Any) -> dict[str, Any]:
        active_match(world)
        return {"fmt": fmt}

    return kwargs


ENTRIES = {
    "reports:export": Entry(signed_in(FIGURE_READERS), kwargs=_export("xlsx")),
    "reports:funder_report": Entry(signed_in(FIGURE_READERS), kwargs=_with_a_match),
    "reports:funder_report_pdf": Entry(signed_in(FIGURE_READERS), kwargs=_with_a_match),
}

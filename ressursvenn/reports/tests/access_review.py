"""The access-log review and its export in the access matrix: the national coordinator only
(GET; a POST is 405 for her), everyone else 403."""

from __future__ import annotations

from ressursvenn.tests.access import NOT_ALLOWED, OK, Entry, signed_in

COORDINATOR = signed_in({"coordinator": (OK, NOT_ALLOWED)})

ENTRIES = {
    "reports:access_review": Entry(COORDINATOR),
    "reports:access_log_export": Entry(COORDINATOR, kwargs=lambda world: {"fmt": "csv"}),
}

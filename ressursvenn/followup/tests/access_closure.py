"""Extension and closure in the access matrix.

The match is active, in the first branch / centre with the first volunteer persona: the other
branch's leader, the other centre's staff and the coordinator get 404 while it exists; the
centre's staff and the volunteer see the match but may not extend or close it (403).
"""

from __future__ import annotations

from typing import Any

from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Entry, signed_in

OUTSIDERS = ("coordinator", "other_leader", "other_staff")


def _active(world: Any) -> dict[str, Any]:
    return {"pk": active_match(world).pk}


def _conversation(world: Any) -> dict[str, Any]:
    return {"pk": active_match(world).pk, "party": "volunteer"}


def _by_scope(leader: Any, participant: Any, outsider: Any) -> dict[str, Any]:
    allowed = {"leader": leader, "staff": participant, "volunteer": participant}
    allowed.update(dict.fromkeys(OUTSIDERS, outsider))
    return signed_in(allowed)


ENTRIES = {
    # Forms: an empty POST re-renders with errors (200) and writes nothing.
    "followup:extend": Entry(
        _by_scope((OK, OK), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)), kwargs=_active
    ),
    "followup:close": Entry(
        _by_scope((OK, OK), (FORBIDDEN, FORBIDDEN), (NOT_FOUND, NOT_FOUND)), kwargs=_active
    ),
    # POST only (the forms are on the close page).
    "followup:closing_conversation": Entry(
        _by_scope((NOT_ALLOWED, OK), (NOT_ALLOWED, FORBIDDEN), (NOT_ALLOWED, NOT_FOUND)),
        kwargs=_conversation,
    ),
}

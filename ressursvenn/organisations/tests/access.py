"""The organisation management pages in the access matrix: the national coordinator only."""

from __future__ import annotations

from typing import Any

from ressursvenn.organisations.models import Cooperation
from ressursvenn.tests.access import NOT_ALLOWED, OK, REDIRECT, Entry, signed_in


def _branch(world: Any) -> dict[str, Any]:
    return {"pk": world.branch.pk}


def _centre(world: Any) -> dict[str, Any]:
    return {"pk": world.centre.pk}


def _cooperation(world: Any) -> dict[str, Any]:
    cooperation = Cooperation.objects.get(branch=world.branch, crisis_centre=world.centre)
    return {"pk": cooperation.pk}


ENTRIES = {
    # Read-only pages: POST is not allowed.
    "organisations:list": Entry(signed_in({"coordinator": (OK, NOT_ALLOWED)})),
    "organisations:detail": Entry(signed_in({"coordinator": (OK, NOT_ALLOWED)}), kwargs=_branch),
    # Forms: an empty POST re-renders with errors (200) and writes nothing.
    "organisations:create": Entry(signed_in({"coordinator": (OK, OK)})),
    "organisations:edit": Entry(signed_in({"coordinator": (OK, OK)}), kwargs=_branch),
    "organisations:cooperation_add": Entry(signed_in({"coordinator": (OK, OK)}), kwargs=_centre),
    # POST only; the coordinator's POST ends the cooperation and goes back to the branch.
    "organisations:cooperation_end": Entry(
        signed_in({"coordinator": (NOT_ALLOWED, REDIRECT)}), kwargs=_cooperation
    ),
}

"""Concerns in the access matrix.

The match is active, in the first branch / centre with the first volunteer persona, and the
concern is the volunteer's own report: the other branch's leader, the other centre's staff
and the coordinator get 404 while it exists. The centre's staff may read and handle it but
not report one (403); the volunteer may report and read her own, not handle it (403).
"""

from __future__ import annotations

from typing import Any

from ressursvenn.followup.models import Concern
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Entry, signed_in

OUTSIDERS = ("coordinator", "other_leader", "other_staff")


def make_concern(world: Any, *, status: str = Concern.Status.NEW, **fields: Any) -> Concern:
    """A concern reported by the first volunteer about her active match."""
    match = fields.pop("match", None) or active_match(world)
    return Concern.objects.create(
        match=match,
        category=fields.pop("category", Concern.Category.SAFETY),
        severity=fields.pop("severity", Concern.Severity.URGENT),
        description=fields.pop("description", "Amina ble truet i går ved butikken"),
        reported_by=fields.pop("reported_by", world.volunteer),
        status=status,
        **fields,
    )


def _with_concern(world: Any) -> dict[str, Any]:
    make_concern(world)
    return {}


def _active(world: Any) -> dict[str, Any]:
    return {"pk": active_match(world).pk}


def _concern(world: Any) -> dict[str, Any]:
    return {"pk": make_concern(world).pk}


def _acknowledged(world: Any) -> dict[str, Any]:
    return {"pk": make_concern(world, status=Concern.Status.ACKNOWLEDGED).pk}


def _expect(leader: Any, staff: Any, volunteer: Any, outsider: Any) -> dict[str, Any]:
    allowed = {"leader": leader, "staff": staff, "volunteer": volunteer}
    allowed.update(dict.fromkeys(OUTSIDERS, outsider))
    return signed_in(allowed)


ENTRIES = {
    # The list: every role that can be part of a match, its own rows only. Read-only.
    "followup:concerns": Entry(
        signed_in(
            {
                "leader": (OK, NOT_ALLOWED),
                "other_leader": (OK, NOT_ALLOWED),
                "staff": (OK, NOT_ALLOWED),
                "other_staff": (OK, NOT_ALLOWED),
                "volunteer": (OK, NOT_ALLOWED),
            },
            refused=(FORBIDDEN, NOT_ALLOWED),
        ),
        kwargs=_with_concern,
    ),
    # The report form: an empty POST re-renders with errors (200) and writes nothing.
    "followup:concern_new": Entry(
        _expect((OK, OK), (FORBIDDEN, FORBIDDEN), (OK, OK), (NOT_FOUND, NOT_FOUND)),
        kwargs=_active,
    ),
    "followup:concern_detail": Entry(
        _expect((OK, NOT_ALLOWED), (OK, NOT_ALLOWED), (OK, NOT_ALLOWED), (NOT_FOUND, NOT_ALLOWED)),
        kwargs=_concern,
    ),
    # POST only: an empty POST re-renders the page with the form's errors.
    "followup:concern_acknowledge": Entry(
        _expect(
            (NOT_ALLOWED, OK),
            (NOT_ALLOWED, OK),
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, NOT_FOUND),
        ),
        kwargs=_concern,
    ),
    "followup:concern_resolve": Entry(
        _expect(
            (NOT_ALLOWED, OK),
            (NOT_ALLOWED, OK),
            (NOT_ALLOWED, FORBIDDEN),
            (NOT_ALLOWED, NOT_FOUND),
        ),
        kwargs=_acknowledged,
    ),
}

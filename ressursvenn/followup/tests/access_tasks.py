"""The task list in the access matrix: every signed-in role sees her own list (the
coordinator's is empty); a concern in the first branch exists while the others look."""

from __future__ import annotations

from typing import Any

from ressursvenn.followup.models import Concern
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.tests.access import NOT_ALLOWED, OK, Entry, everyone_signed_in


def _with_tasks(world: Any) -> dict[str, Any]:
    match = active_match(world)
    Concern.objects.create(
        match=match,
        category=Concern.Category.SAFETY,
        severity=Concern.Severity.URGENT,
        description="Eksen sto utenfor døren",
        reported_by=world.volunteer,
    )
    return {}


ENTRIES = {
    "followup:tasks": Entry(everyone_signed_in(get=OK, post=NOT_ALLOWED), kwargs=_with_tasks),
}

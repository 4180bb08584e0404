"""The reporting periods and targets in the access matrix: the national coordinator only. A
period with a national and a branch target exists while the others look."""

from __future__ import annotations

import datetime
from typing import Any

from ressursvenn.surveys.models import ReportingPeriod, Target
from ressursvenn.tests.access import NOT_ALLOWED, OK, Entry, signed_in

BAD_REQUEST = 400


def _period(world: Any) -> ReportingPeriod:
    period = ReportingPeriod.objects.create(
        name="Stiftelsen Dam 2027",
        funder="Stiftelsen Dam",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        created_by=world.coordinator,
    )
    Target.objects.create(period=period, metric="women_matched", value=50)
    return period


def _period_kwargs(world: Any) -> dict[str, Any]:
    return {"pk": _period(world).pk}


def _target_kwargs(world: Any) -> dict[str, Any]:
    period = _period(world)
    target = Target.objects.create(
        period=period, metric="women_matched", organisation=world.branch, value=10
    )
    return {"pk": target.pk}


def coordinator(get: int = OK, post: int = BAD_REQUEST) -> dict[str, Any]:
    return signed_in({"coordinator": (get, post)})


ENTRIES = {
    "surveys:targets": Entry(
        coordinator(post=NOT_ALLOWED), kwargs=lambda world: (_period(world), {})[1]
    ),
    "surveys:period_new": Entry(coordinator()),
    "surveys:period_detail": Entry(coordinator(), kwargs=_period_kwargs),
    "surveys:period_edit": Entry(coordinator(), kwargs=_period_kwargs),
    # An empty POST deletes (there is nothing to fill in): the coordinator is sent to the list.
    "surveys:period_delete": Entry(coordinator(post=302), kwargs=_period_kwargs),
    "surveys:target_edit": Entry(coordinator(), kwargs=_target_kwargs),
    "surveys:target_delete": Entry(coordinator(post=302), kwargs=_target_kwargs),
}

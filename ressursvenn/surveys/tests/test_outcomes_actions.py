"""The outcome question (surveys/actions/outcomes.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ressursvenn.lib.audit import MASK
from ressursvenn.lib.models import AuditEvent
from ressursvenn.surveys.actions import outcomes
from ressursvenn.surveys.models import Outcome
from ressursvenn.surveys.tests.builders import at_midway, at_start

pytestmark = pytest.mark.django_db


def test_recorded_once_corrected_and_masked_in_the_trail(world: Any) -> None:
    match = at_midway(world)
    first = outcomes.record_outcome(match, by=world.staff, time_point="six_months", value="free")
    again = outcomes.record_outcome(match, by=world.staff, time_point="six_months", value="free")
    assert again.pk == first.pk
    corrected = outcomes.record_outcome(
        match, by=world.leader, time_point="six_months", value="unknown"
    )
    assert corrected.pk == first.pk
    assert Outcome.objects.get().value == "unknown"
    assert Outcome.objects.get().recorded_by == world.leader
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "changes"))
    assert events == [
        ("survey_outcome.record", {"time_point": [None, "six_months"], "value": [MASK, MASK]}),
        ("survey_outcome.correct", {"value": [MASK, MASK]}),
    ]


def test_not_before_six_months_nor_closure_of_a_running_match(world: Any) -> None:
    match = at_start(world)
    for time_point in ("six_months", "closure", "start"):
        with pytest.raises(ValidationError):
            outcomes.record_outcome(match, by=world.staff, time_point=time_point, value="free")
    assert Outcome.objects.count() == 0


def test_bad_value(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        outcomes.record_outcome(
            at_midway(world), by=world.staff, time_point="six_months", value="maybe"
        )
    assert refused.value.message_dict == {"value": ["Velg et av svarene."]}


@pytest.mark.parametrize("who", ["volunteer", "other_leader", "other_staff", "coordinator"])
def test_never_the_volunteer_nor_outsiders(world: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        outcomes.record_outcome(
            at_midway(world), by=getattr(world, who), time_point="six_months", value="free"
        )
    assert Outcome.objects.count() == 0

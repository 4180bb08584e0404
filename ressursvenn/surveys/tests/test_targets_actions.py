"""Reporting periods and targets: created, changed and deleted by the national coordinator
only, with the audit trail; overlapping periods allowed; an end before the start, a name in
use and a duplicate target refused with a message; rows deleted meanwhile give "stale"."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.surveys.actions import targets as actions
from ressursvenn.surveys.models import ReportingPeriod, Target

pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2027, 1, 1)
DEC_31 = datetime.date(2027, 12, 31)


def period(world: World, name: str = "Stiftelsen Dam 2027") -> ReportingPeriod:
    return actions.create_period(
        by=world.coordinator, name=name, funder="Stiftelsen Dam", starts_on=JAN_1, ends_on=DEC_31
    )


def messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_the_coordinator_creates_a_period_and_it_is_audited(world: World) -> None:
    created = period(world)
    assert (created.name, created.funder, created.created_by) == (
        "Stiftelsen Dam 2027",
        "Stiftelsen Dam",
        world.coordinator,
    )
    event = AuditEvent.objects.get(action="reporting_period.create")
    assert (event.actor, event.object_id) == (world.coordinator, str(created.pk))
    assert event.changes["name"] == [None, "Stiftelsen Dam 2027"]


def test_periods_may_overlap_but_not_share_a_name(world: World) -> None:
    period(world)
    actions.create_period(
        by=world.coordinator,
        name="2027–2028",
        starts_on=JAN_1,
        ends_on=datetime.date(2028, 12, 31),
    )
    assert ReportingPeriod.objects.count() == 2
    with pytest.raises(ValidationError) as error:
        period(world)
    assert messages(error) == {
        "name": ["Det finnes allerede en periode med dette navnet. Velg et annet navn."]
    }


def test_an_end_before_the_start_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_period(by=world.coordinator, name="Feil", starts_on=DEC_31, ends_on=JAN_1)
    assert messages(error) == {"ends_on": ["Til-datoen kan ikke være før fra-datoen."]}
    assert ReportingPeriod.objects.count() == 0


@pytest.mark.parametrize("who", ["leader", "staff", "volunteer"])
def test_only_the_coordinator_manages_targets(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_period(by=getattr(world, who), name="X", starts_on=JAN_1, ends_on=DEC_31)
    created = period(world)
    with pytest.raises(PermissionDenied):
        actions.create_target(created, by=getattr(world, who), metric="women_matched", value=5)
    assert Target.objects.count() == 0


def test_update_period_changes_and_audits_only_what_changed(world: World) -> None:
    created = period(world)
    actions.update_period(
        created, by=world.coordinator, name=created.name, starts_on=JAN_1, ends_on=DEC_31
    )
    assert AuditEvent.objects.filter(action="reporting_period.update").count() == 1  # funder
    actions.update_period(
        created, by=world.coordinator, name=created.name, starts_on=JAN_1, ends_on=DEC_31
    )
    assert AuditEvent.objects.filter(action="reporting_period.update").count() == 1
    created.refresh_from_db()
    assert created.funder == ""


def test_a_duplicate_target_per_scope_is_refused_and_scopes_are_apart(world: World) -> None:
    created = period(world)
    actions.create_target(created, by=world.coordinator, metric="women_matched", value=50)
    actions.create_target(
        created, by=world.coordinator, metric="women_matched", value=10, organisation=world.branch
    )
    for organisation in (None, world.branch):
        with pytest.raises(ValidationError) as error:
            actions.create_target(
                created,
                by=world.coordinator,
                metric="women_matched",
                value=7,
                organisation=organisation,
            )
        assert messages(error) == {
            "metric": [
                "Perioden har allerede et mål for dette i dette området. Endre det målet i stedet."
            ]
        }
    assert sorted(Target.objects.values_list("value", flat=True)) == [10, 50]
    assert AuditEvent.objects.filter(action="target.create").count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"metric": "made_up", "value": 5}, "metric"),
        ({"metric": "women_matched", "value": 0}, "value"),
        ({"metric": "women_matched", "value": 1_000_001}, "value"),
        ({"metric": "women_matched", "value": True}, "value"),
    ],
)
def test_bad_targets_are_refused(world: World, kwargs: dict, field: str) -> None:
    created = period(world)
    with pytest.raises(ValidationError) as error:
        actions.create_target(created, by=world.coordinator, **kwargs)
    assert list(messages(error)) == [field]


def test_a_target_for_a_crisis_centre_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_target(
            period(world),
            by=world.coordinator,
            metric="women_matched",
            value=5,
            organisation=world.centre,
        )
    assert messages(error) == {"organisation": ["Velg hele landet eller en lokalforening."]}


def test_update_and_delete_a_target(world: World) -> None:
    created = period(world)
    target = actions.create_target(created, by=world.coordinator, metric="social_events", value=4)
    actions.update_target(target, by=world.coordinator, value=6)
    actions.update_target(target, by=world.coordinator, value=6)  # a double submit
    target.refresh_from_db()
    assert target.value == 6
    event = AuditEvent.objects.get(action="target.update")
    assert event.changes == {"value": [4, 6]}
    actions.delete_target(target, by=world.coordinator)
    assert Target.objects.count() == 0
    with pytest.raises(ValidationError) as error:
        actions.delete_target(target, by=world.coordinator)
    assert error.value.code == "stale"


def test_deleting_a_period_deletes_its_targets_and_a_second_delete_is_stale(
    world: World,
) -> None:
    created = period(world)
    actions.create_target(created, by=world.coordinator, metric="social_events", value=4)
    actions.delete_period(created, by=world.coordinator)
    assert (ReportingPeriod.objects.count(), Target.objects.count()) == (0, 0)
    event = AuditEvent.objects.get(action="reporting_period.delete")
    assert event.changes == {"name": ["Stiftelsen Dam 2027", None], "targets": [1, 0]}
    with pytest.raises(ValidationError) as error:
        actions.delete_period(created, by=world.coordinator)
    assert error.value.code == "stale"
    with pytest.raises(ValidationError) as error:
        actions.create_target(created, by=world.coordinator, metric="social_events", value=4)
    assert error.value.code == "stale"

"""The organisation actions check permission and state, and write exactly one audit event."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.organisations import actions
from ressursvenn.organisations.models import Cooperation, District, Municipality, Organisation

REFUSED = ("leader", "staff", "volunteer")


def _counts() -> tuple[int, int, int]:
    return (Organisation.objects.count(), Cooperation.objects.count(), AuditEvent.objects.count())


def _coop(world: World) -> Cooperation:
    return Cooperation.objects.get(branch=world.branch, crisis_centre=world.centre)


@pytest.mark.parametrize("principal", REFUSED)
def test_every_action_needs_the_manage_permission(world: World, principal: str) -> None:
    user = getattr(world, principal)
    before = _counts()
    oslo = Municipality.objects.get(code="0301")
    calls: list[Any] = [
        lambda: actions.create_organisation(
            by=user, kind="branch", name="Ny", municipalities=[oslo]
        ),
        lambda: actions.update_organisation(
            world.branch,
            by=user,
            name="Endret",
            municipality=oslo,
            municipalities=[oslo],
            districts=[],
            email="",
            is_active=False,
        ),
        lambda: actions.add_cooperation(
            by=user,
            branch=world.branch,
            crisis_centre=world.other_centre,
            started_on=datetime.date(2025, 1, 1),
        ),
        lambda: actions.end_cooperation(_coop(world), by=user),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert _counts() == before
    assert Organisation.objects.get(pk=world.branch.pk).is_active is True


def test_create_organisation_records_every_value(world: World) -> None:
    oslo = Municipality.objects.get(code="0301")
    districts = list(District.objects.filter(code__in=["030101", "030102"]))
    organisation = actions.create_organisation(
        by=world.coordinator,
        kind="branch",
        name=" Grünerløkka Sanitetsforening ",
        municipality=oslo,
        districts=districts,
        email=" Post@Example.no ",
    )
    assert (organisation.name, organisation.email, organisation.is_active) == (
        "Grünerløkka Sanitetsforening",
        "post@example.no",
        True,
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.organisation) == (
        "organisation.create",
        world.coordinator,
        organisation,
    )
    assert event.changes == {
        "kind": [None, "branch"],
        "name": [None, "Grünerløkka Sanitetsforening"],
        "municipality_id": [None, "0301"],
        "email": [None, "post@example.no"],
        "phone": [None, ""],
        "is_active": [None, True],
        "municipalities": [None, []],
        "districts": [None, ["030101", "030102"]],
    }


def test_create_organisation_checks_the_rules_again(world: World) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as error:
        actions.create_organisation(by=world.coordinator, kind="crisis_centre", name="Uten kommune")
    assert error.value.message_dict == {"municipality": ["Et krisesenter må ha en vertskommune."]}
    assert _counts() == before


def test_create_organisation_survives_a_concurrent_duplicate(world: World) -> None:
    """If another request creates the same name between the check and the insert."""
    before = _counts()
    oslo = Municipality.objects.get(code="0301")
    with (
        mock.patch.object(actions, "validate_organisation"),
        pytest.raises(ValidationError) as error,
    ):
        actions.create_organisation(
            by=world.coordinator, kind="branch", name=world.branch.name, municipalities=[oslo]
        )
    assert error.value.message_dict == {
        "name": ["Det finnes allerede en organisasjon med dette navnet."]
    }
    assert _counts() == before


def test_update_organisation_never_changes_the_kind(world: World) -> None:
    narvik = Municipality.objects.get(code="1806")
    actions.update_organisation(
        world.other_centre,
        by=world.coordinator,
        name="Krisesenteret i Narvik",
        municipality=narvik,
        municipalities=[narvik],
        districts=[],
        email="",
        is_active=True,
    )
    centre = Organisation.objects.get(pk=world.other_centre.pk)
    assert (centre.kind, centre.name) == ("crisis_centre", "Krisesenteret i Narvik")
    event = AuditEvent.objects.get()
    assert event.changes == {
        "name": ["Narvik krisesenter", "Krisesenteret i Narvik"],
        "municipalities": [[], ["1806"]],
    }


def test_add_cooperation_checks_kinds_and_activity(world: World) -> None:
    before = _counts()
    day = datetime.date(2025, 1, 1)
    with pytest.raises(ValidationError):
        actions.add_cooperation(
            by=world.coordinator, branch=world.centre, crisis_centre=world.branch, started_on=day
        )
    with pytest.raises(ValidationError):
        actions.add_cooperation(
            by=world.coordinator, branch=world.branch, crisis_centre=world.national, started_on=day
        )
    world.other_centre.is_active = False
    with pytest.raises(ValidationError) as error:
        actions.add_cooperation(
            by=world.coordinator,
            branch=world.branch,
            crisis_centre=world.other_centre,
            started_on=day,
        )
    assert error.value.messages == ["Begge partene må være aktive."]
    assert _counts() == before


def test_add_cooperation_refuses_a_start_more_than_a_year_ahead(world: World) -> None:
    limit = actions.latest_start()
    cooperation = actions.add_cooperation(
        by=world.coordinator,
        branch=world.branch,
        crisis_centre=world.other_centre,
        started_on=limit,
    )
    assert cooperation.started_on == limit
    before = _counts()
    with pytest.raises(ValidationError) as error:
        actions.add_cooperation(
            by=world.coordinator,
            branch=world.other_branch,
            crisis_centre=world.centre,
            started_on=limit + datetime.timedelta(days=1),
        )
    assert error.value.message_dict == {
        "started_on": ["Startdatoen kan ikke være mer enn ett år fram i tid."]
    }
    assert _counts() == before


def test_add_cooperation_twice_is_a_clear_message(world: World) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as error:
        actions.add_cooperation(
            by=world.coordinator,
            branch=world.branch,
            crisis_centre=world.centre,
            started_on=timezone.localdate(),
        )
    assert error.value.messages == [
        "Oslo Sanitetsforening og Oslo krisesenter har allerede en samarbeidsavtale."
    ]
    assert _counts() == before


def test_add_cooperation_survives_a_concurrent_duplicate(world: World) -> None:
    """The unique constraint decides when another request added the pair after the check."""
    before = _counts()
    no_duplicate = mock.Mock()
    no_duplicate.return_value.exists.return_value = False
    with (
        mock.patch.object(Cooperation.objects, "filter", no_duplicate),
        pytest.raises(ValidationError) as error,
    ):
        actions.add_cooperation(
            by=world.coordinator,
            branch=world.branch,
            crisis_centre=world.centre,
            started_on=timezone.localdate(),
        )
    assert error.value.messages == [
        "Oslo Sanitetsforening og Oslo krisesenter har allerede en samarbeidsavtale."
    ]
    assert _counts() == before


def test_end_cooperation_records_what_it_was(world: World) -> None:
    cooperation = _coop(world)
    pk = cooperation.pk
    actions.end_cooperation(cooperation, by=world.coordinator)
    assert not Cooperation.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.organisation) == (
        "cooperation.end",
        str(pk),
        world.branch,
    )
    assert event.changes == {
        "branch_id": [world.branch.pk, None],
        "crisis_centre_id": [world.centre.pk, None],
        "started_on": ["2025-01-01", None],
    }


def test_latest_start_is_one_year_ahead_also_from_a_leap_day() -> None:
    assert actions.latest_start(datetime.date(2025, 3, 10)) == datetime.date(2026, 3, 10)
    assert actions.latest_start(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)

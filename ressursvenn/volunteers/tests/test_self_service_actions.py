"""`update_own_profile` and `sign_declaration`, called directly: permission and state."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit import MASK
from ressursvenn.lib.models import AuditEvent
from ressursvenn.tests import factories
from ressursvenn.volunteers.actions.self_service import sign_declaration, update_own_profile
from ressursvenn.volunteers.models import ConfidentialityDeclaration, DeclarationText, Volunteer


def screening_volunteer(world: World, status: str = "screening") -> Volunteer:
    user = factories.member(world.branch, Role.VOLUNTEER, full_name="Sara Søker")
    row: Volunteer = factories.volunteer(world.branch, user=user, status=status, cleared=False)
    return row


def current_text() -> DeclarationText:
    text = DeclarationText.current()
    assert text is not None
    return text


def test_update_own_profile_changes_only_given_fields(world: World) -> None:
    volunteer = screening_volunteer(world)
    changed = update_own_profile(
        volunteer, by=volunteer.user, interests=["music"], max_travel_km=40
    )
    assert changed is True
    volunteer.refresh_from_db()
    assert (volunteer.interests, volunteer.max_travel_km, volunteer.languages) == (
        ["music"],
        40,
        ["nb"],
    )
    event = AuditEvent.objects.get(action="volunteer.update_own_profile")
    # Her profile is personal data: the trail shows which fields changed, not their values.
    assert event.changes == {"interests": [MASK, MASK], "max_travel_km": [MASK, MASK]}


@pytest.mark.parametrize("who", ["leader", "other_volunteer", "coordinator"])
def test_update_own_profile_refuses_anyone_else(world: World, who: str) -> None:
    volunteer = screening_volunteer(world)
    with pytest.raises(PermissionDenied):
        update_own_profile(volunteer, by=getattr(world, who), interests=["music"])
    volunteer.refresh_from_db()
    assert volunteer.interests == ["hiking"]


@pytest.mark.parametrize("field", ["capacity", "status", "full_name", "branch_id"])
def test_update_own_profile_refuses_fields_that_are_not_hers(world: World, field: str) -> None:
    volunteer = screening_volunteer(world)
    with pytest.raises(PermissionDenied):
        update_own_profile(volunteer, by=volunteer.user, **{field: 3})
    assert AuditEvent.objects.filter(action="volunteer.update_own_profile").count() == 0


@pytest.mark.parametrize("status", ["ended", "rejected", "withdrawn"])
def test_update_own_profile_refused_when_closed(world: World, status: str) -> None:
    volunteer = screening_volunteer(world, status=status)
    with pytest.raises(ValidationError):
        update_own_profile(volunteer, by=volunteer.user, interests=["music"])
    volunteer.refresh_from_db()
    assert volunteer.interests == ["hiking"]


def test_update_own_profile_without_change_writes_nothing(world: World) -> None:
    volunteer = screening_volunteer(world)
    assert update_own_profile(volunteer, by=volunteer.user, interests=["hiking"]) is False
    assert AuditEvent.objects.filter(action="volunteer.update_own_profile").count() == 0


def test_sign_declaration_records_an_in_app_signature(world: World) -> None:
    volunteer = screening_volunteer(world)
    declaration = sign_declaration(volunteer, by=volunteer.user, text=current_text())
    assert (declaration.method, declaration.recorded_by, declaration.signed_on) == (
        ConfidentialityDeclaration.Method.IN_APP,
        volunteer.user,
        timezone.localdate(),
    )
    event = AuditEvent.objects.get(action="volunteer.sign_declaration")
    assert event.organisation == world.branch


def test_sign_declaration_twice_is_refused(world: World) -> None:
    volunteer = screening_volunteer(world)
    sign_declaration(volunteer, by=volunteer.user, text=current_text())
    with pytest.raises(ValidationError, match="allerede signert"):
        sign_declaration(volunteer, by=volunteer.user, text=current_text())
    assert volunteer.declarations.count() == 1


def test_sign_declaration_refuses_a_text_that_is_not_current(world: World) -> None:
    volunteer = screening_volunteer(world)
    old = current_text()
    DeclarationText.objects.create(
        version=old.version + 1, text="Ny", published_on=old.published_on
    )
    with pytest.raises(ValidationError, match="Teksten er endret"):
        sign_declaration(volunteer, by=volunteer.user, text=old)
    assert volunteer.declarations.count() == 0


@pytest.mark.parametrize("who", ["leader", "other_volunteer"])
def test_sign_declaration_refuses_anyone_else(world: World, who: str) -> None:
    volunteer = screening_volunteer(world)
    with pytest.raises(PermissionDenied):
        sign_declaration(volunteer, by=getattr(world, who), text=current_text())
    assert volunteer.declarations.count() == 0


def test_sign_declaration_refused_when_ended(world: World) -> None:
    volunteer = screening_volunteer(world, status="ended")
    with pytest.raises(ValidationError):
        sign_declaration(volunteer, by=volunteer.user, text=current_text())
    assert volunteer.declarations.count() == 0


def test_a_volunteer_whose_role_ended_cannot_act(world: World, settings: Any) -> None:
    volunteer = screening_volunteer(world)
    assert volunteer.user is not None
    volunteer.user.memberships.update(is_active=False)
    user = type(volunteer.user).objects.get(pk=volunteer.user.pk)  # fresh role cache
    with pytest.raises(PermissionDenied):
        sign_declaration(volunteer, by=user, text=current_text())

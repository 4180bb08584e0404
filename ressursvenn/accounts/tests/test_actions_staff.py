"""The staff actions: permission, state checks, audit trail and e-mail, one transaction each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.accounts import actions
from ressursvenn.accounts.models import Invitation, Membership, Role, User
from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent


def _outbox() -> list[Any]:
    """Mail to the invited person: without the colleagues' notice of a new role."""
    return [m for m in mail.outbox if m.subject != "Melding fra Ressursvenn"]


def _invite(world: World, **overrides: Any) -> User:
    fields: dict[str, Any] = {
        "email": "ny@example.no",
        "full_name": "Ny Person",
        "organisation": world.branch,
        "role": Role.GROUP_LEADER,
    }
    fields.update(overrides)
    return actions.invite_staff(by=world.coordinator, **fields)


def _state() -> tuple[int, int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Membership.objects.filter(is_active=True).count(),
        Invitation.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("who", ["leader", "staff", "volunteer"])
def test_only_the_coordinator_may_act(who: str, world: World) -> None:
    actor = getattr(world, who)
    membership = Membership.objects.get(user=world.leader)
    before = _state()
    with pytest.raises(PermissionDenied):
        actions.invite_staff(
            by=actor,
            email="x@example.no",
            full_name="X",
            organisation=world.branch,
            role=Role.GROUP_LEADER,
        )
    with pytest.raises(PermissionDenied):
        actions.add_membership(
            world.leader, by=actor, organisation=world.other_branch, role=Role.GROUP_LEADER
        )
    with pytest.raises(PermissionDenied):
        actions.end_membership(membership, by=actor)
    with pytest.raises(PermissionDenied):
        actions.set_user_active(world.staff, by=actor, active=False)
    with pytest.raises(PermissionDenied):
        actions.resend_invitation(world.leader, by=actor)
    assert _state() == before
    assert mail.outbox == []


def test_invite_creates_user_membership_invitation_and_audit(world: World) -> None:
    before = AuditEvent.objects.count()
    user = _invite(world, email="  Ny@Example.NO ", full_name="  Ny   Person ")
    assert (user.email, user.full_name) == ("ny@example.no", "Ny Person")
    assert not user.has_usable_password()
    assert user.invitations.count() == 1
    assert user.invitations.get().created_by == world.coordinator
    actions_written = list(
        AuditEvent.objects.order_by("pk").values_list("action", flat=True)[before:]
    )
    assert actions_written == ["user.invite", "membership.add"]
    created = AuditEvent.objects.get(action="user.invite")
    assert created.changes == {"email": ["•••", "•••"], "full_name": ["•••", "•••"]}
    assert len(_outbox()) == 1


def test_invite_role_must_fit(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationError):
        _invite(world, organisation=world.centre, role=Role.GROUP_LEADER)
    assert _state() == before
    assert mail.outbox == []


def test_invite_again_while_the_link_works_writes_and_sends_nothing(world: World) -> None:
    _invite(world)
    before = _state()
    _invite(world, email="NY@example.no")
    assert _state() == before
    assert len(_outbox()) == 1


def test_invite_again_after_the_link_expired_sends_a_new_link(world: World) -> None:
    user = _invite(world)
    Invitation.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(hours=1))
    _invite(world)
    assert user.invitations.count() == 2
    assert len(_outbox()) == 2
    assert AuditEvent.objects.filter(action="user.resend_invitation").count() == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_invite_a_known_user_with_a_password_to_a_new_role(world: World) -> None:
    user = _invite(world, email=world.staff.email.upper(), full_name="Feil Navn")
    assert user == world.staff
    user.refresh_from_db()
    assert user.full_name == "Kari Senter"
    assert user.has_usable_password()
    assert Invitation.objects.filter(user=user).count() == 0
    assert [m.subject for m in _outbox()] == ["Ny oppgave i Ressursvenn"]
    assert "Kari" not in _outbox()[0].body


def test_invite_a_known_user_to_a_role_she_has_does_nothing(world: World) -> None:
    before = _state()
    _invite(world, email=world.leader.email)
    assert _state() == before
    assert mail.outbox == []


def test_invite_reopens_an_ended_role(world: World) -> None:
    membership = Membership.objects.get(user=world.leader)
    actions.end_membership(membership, by=world.coordinator)
    _invite(world, email=world.leader.email)
    membership.refresh_from_db()
    assert membership.is_active
    assert Membership.objects.filter(user=world.leader).count() == 1


def test_invite_a_deactivated_user_sends_nothing(world: World) -> None:
    actions.set_user_active(world.leader, by=world.coordinator, active=False)
    _invite(world, email=world.leader.email, organisation=world.other_branch)
    world.leader.refresh_from_db()
    assert not world.leader.is_active
    assert _outbox() == []  # nothing to her; her new colleagues still learn of the role


def test_resend_needs_a_user_without_password_who_is_active(world: World) -> None:
    user = _invite(world)
    actions.set_user_active(user, by=world.coordinator, active=False)
    before = _state()
    with pytest.raises(ValidationError, match="deaktivert"):
        actions.resend_invitation(user, by=world.coordinator)
    with pytest.raises(ValidationError, match="allerede satt passord"):
        actions.resend_invitation(world.leader, by=world.coordinator)
    assert _state() == before
    assert len(_outbox()) == 1


def test_add_membership_reopens_and_refuses_a_held_role(world: World) -> None:
    membership = Membership.objects.get(user=world.leader)
    actions.end_membership(membership, by=world.coordinator)
    reopened = actions.add_membership(
        world.leader, by=world.coordinator, organisation=world.branch, role=Role.GROUP_LEADER
    )
    assert reopened.pk == membership.pk
    assert reopened.is_active
    before = _state()
    with pytest.raises(ValidationError, match="allerede denne rollen"):
        actions.add_membership(
            world.leader, by=world.coordinator, organisation=world.branch, role=Role.GROUP_LEADER
        )
    with pytest.raises(ValidationError):
        actions.add_membership(
            world.leader, by=world.coordinator, organisation=world.centre, role=Role.GROUP_LEADER
        )
    assert _state() == before


def test_end_membership_twice(world: World) -> None:
    membership = Membership.objects.get(user=world.leader)
    actions.end_membership(membership, by=world.coordinator)
    event = AuditEvent.objects.get(action="membership.end")
    assert event.organisation == world.branch
    assert event.changes == {"is_active": [True, False]}
    stale = Membership.objects.get(pk=membership.pk)
    stale.is_active = True  # a stale copy, as from a second browser tab
    before = _state()
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        actions.end_membership(stale, by=world.coordinator)
    assert _state() == before


def test_deactivation_changes_stamp_and_expires_links(world: World) -> None:
    user = _invite(world)
    stamp = user.session_stamp
    actions.set_user_active(user, by=world.coordinator, active=False)
    user.refresh_from_db()
    assert not user.is_active
    assert user.session_stamp != stamp
    assert not any(i.is_usable() for i in user.invitations.all())
    before = _state()
    actions.set_user_active(user, by=world.coordinator, active=False)  # double submit
    assert _state() == before


def test_deactivating_yourself_is_refused(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationError, match="deg selv"):
        actions.set_user_active(world.coordinator, by=world.coordinator, active=False)
    world.coordinator.refresh_from_db()
    assert world.coordinator.is_active
    assert _state() == before

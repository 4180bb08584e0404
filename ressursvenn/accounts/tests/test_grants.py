"""Granting roles: nobody adds, reopens or re-invites herself into a role, whatever her role,
and a role that sees women's data tells the organisation's colleagues, discreetly."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ressursvenn.accounts import actions
from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.accounts.rules import Grant
from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.tests.factories import UserFactory, member, volunteer
from ressursvenn.volunteers.actions.screening import take_into_screening

NOTICE_SUBJECT = "Melding fra Ressursvenn"


def _state() -> tuple[int, int, int]:
    return (
        Membership.objects.count(),
        Membership.objects.filter(is_active=True).count(),
        AuditEvent.objects.count(),
    )


def _staff_roles(world: World) -> list[tuple[Any, str]]:
    return [
        (world.branch, Role.GROUP_LEADER),
        (world.centre, Role.CRISIS_STAFF),
        (world.national, Role.NATIONAL_COORDINATOR),
    ]


# --- Refused for every role that can grant -------------------------------------------------


def test_the_coordinator_cannot_grant_herself_any_staff_role(world: World) -> None:
    me = world.coordinator
    before = _state()
    for organisation, role in _staff_roles(world):
        assert not me.has_perm("accounts.grant_membership", Grant(me, organisation, role))
        # ... while she may grant the same role to someone else.
        assert me.has_perm("accounts.grant_membership", Grant(world.leader, organisation, role))
        with pytest.raises(ValidationError, match="Du kan ikke gi deg selv en rolle"):
            actions.add_membership(me, by=me, organisation=organisation, role=role)
        with pytest.raises(ValidationError):
            actions.add_membership(me, by=me, organisation=organisation, role=role, keep_held=True)
    assert _state() == before
    assert mail.outbox == []


def test_the_coordinator_cannot_reopen_her_own_ended_role(world: World) -> None:
    me = world.coordinator
    ended = Membership.objects.create(
        user=me, organisation=world.branch, role=Role.GROUP_LEADER, is_active=False
    )
    before = _state()
    with pytest.raises(ValidationError):
        actions.add_membership(me, by=me, organisation=world.branch, role=Role.GROUP_LEADER)
    ended.refresh_from_db()
    assert not ended.is_active
    assert _state() == before


@pytest.mark.parametrize("address", ["own", "own-upper-case"])
def test_the_coordinator_cannot_invite_herself(world: World, address: str) -> None:
    me = world.coordinator
    email = me.email.upper() if address == "own-upper-case" else me.email
    before = _state()
    with pytest.raises(ValidationError) as caught:
        actions.invite_staff(
            by=me, email=email, full_name="X", organisation=world.branch, role=Role.GROUP_LEADER
        )
    assert "email" in caught.value.message_dict
    assert _state() == before
    assert mail.outbox == []


def test_the_coordinator_gets_a_message_when_inviting_herself(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    before = _state()
    response = client.post(
        reverse("accounts:staff_invite"),
        {
            "email": world.coordinator.email,
            "full_name": "Meg Selv",
            "organisation": world.branch.pk,
            "role": Role.GROUP_LEADER,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Du kan ikke gi deg selv en rolle. Be en annen med rett til det om å gjøre det."
    ]
    assert _state() == before


def test_the_coordinator_has_no_add_role_page_for_herself(world: World, as_user: Any) -> None:
    client = as_user(world.coordinator)
    url = reverse("accounts:membership_add", args=[world.coordinator.pk])
    before = _state()
    assert client.get(url).status_code == 403
    post = {"organisation": world.branch.pk, "role": Role.GROUP_LEADER}
    assert client.post(url, post).status_code == 403
    assert _state() == before
    page = client.get(reverse("accounts:staff_detail", args=[world.coordinator.pk]))
    body = page.content.decode()
    assert f'action="{url}"' not in body
    assert "Du kan ikke gi deg selv nye roller" in body
    # Someone else's page still offers it.
    other = client.get(reverse("accounts:staff_detail", args=[world.leader.pk]))
    assert reverse("accounts:membership_add", args=[world.leader.pk]) in other.content.decode()


def test_a_group_leader_cannot_give_herself_the_volunteer_role(world: World) -> None:
    me = world.leader
    grant = Grant(me, world.branch, Role.VOLUNTEER)
    assert not me.has_perm("accounts.grant_membership", grant)
    assert me.has_perm(
        "accounts.grant_membership", Grant(world.volunteer, world.branch, "volunteer")
    )
    before = _state()
    with pytest.raises(ValidationError, match="Du kan ikke gi deg selv en rolle"):
        actions.add_membership(me, by=me, organisation=world.branch, role=Role.VOLUNTEER)
    assert _state() == before


def test_a_group_leader_cannot_screen_her_own_application_into_a_role(world: World) -> None:
    me = world.leader
    application = volunteer(
        world.branch, status="applied", full_name=me.full_name, email=me.email, cleared=False
    )
    before = _state()
    with pytest.raises(ValidationError, match="Du kan ikke gi deg selv en rolle"):
        take_into_screening(application, by=me)
    application.refresh_from_db()
    assert (application.status, application.user_id) == ("applied", None)
    assert not Membership.objects.filter(user=me, role=Role.VOLUNTEER).exists()
    assert _state() == before


def test_a_group_leader_grants_no_staff_role_and_nothing_outside_her_branch(world: World) -> None:
    me = world.leader
    for organisation, role in [*_staff_roles(world), (world.other_branch, Role.VOLUNTEER)]:
        for user in (me, world.other_volunteer):
            assert not me.has_perm("accounts.grant_membership", Grant(user, organisation, role))
            with pytest.raises(PermissionDenied):
                actions.add_membership(user, by=me, organisation=organisation, role=role)


def test_crisis_staff_grant_no_role_at_all(world: World) -> None:
    me = world.staff
    before = _state()
    roles = [*_staff_roles(world), (world.branch, Role.VOLUNTEER)]
    for organisation, role in roles:
        for user in (me, world.volunteer):
            assert not me.has_perm("accounts.grant_membership", Grant(user, organisation, role))
            with pytest.raises(PermissionDenied):
                actions.add_membership(user, by=me, organisation=organisation, role=role)
    assert _state() == before


def test_screening_grants_the_volunteer_role_through_add_membership(world: World) -> None:
    application = volunteer(
        world.branch, status="applied", full_name="Ny Venn", email="ny.venn@example.no"
    )
    take_into_screening(application, by=world.leader)
    user = User.objects.get(email="ny.venn@example.no")
    membership = Membership.objects.get(user=user, role=Role.VOLUNTEER)
    assert (membership.organisation, membership.is_active) == (world.branch, True)
    event = AuditEvent.objects.get(action="membership.add", object_id=str(membership.pk))
    assert (event.actor, event.organisation) == (world.leader, world.branch)
    assert event.changes == {
        "role": [None, "volunteer"],
        "organisation_id": [None, world.branch.pk],
    }
    # The volunteer role sees no woman's data: no notice to anyone.
    assert NOTICE_SUBJECT not in [m.subject for m in mail.outbox]


# --- The notice of a role that sees women's data ---------------------------------------------


def _notices() -> list[Any]:
    return [m for m in mail.outbox if m.subject == NOTICE_SUBJECT]


def test_a_new_group_leader_is_announced_to_the_branch_colleagues(world: World) -> None:
    colleague = member(world.branch, Role.GROUP_LEADER, email="kollega@example.no")
    gone = member(world.branch, Role.GROUP_LEADER, email="sluttet@example.no")
    Membership.objects.filter(user=gone).update(is_active=False)
    newcomer: Any = UserFactory(full_name="Nina Nykommer", email="nina@example.no")
    actions.add_membership(
        newcomer, by=world.coordinator, organisation=world.branch, role=Role.GROUP_LEADER
    )
    notices = _notices()
    assert sorted(address for m in notices for address in m.to) == sorted(
        [world.leader.email, colleague.email]
    )
    for message in notices:
        text = message.subject + message.body
        # Nothing about who, which role or where: only that something happened, and a link.
        for detail in (
            newcomer.full_name,
            newcomer.email,
            "Nina",
            "Gruppeleder",
            world.branch.name,
            world.coordinator.full_name,
        ):
            assert detail not in text
        assert "En ny rolle ble gitt i organisasjonen din" in message.body
        assert "http" in message.body


def test_a_new_crisis_staff_member_is_announced_to_the_centre_and_nobody_else(
    world: World,
) -> None:
    newcomer: Any = UserFactory(email="ny.ansatt@example.no")
    actions.invite_staff(
        by=world.coordinator,
        email=newcomer.email,
        full_name="Ny Ansatt",
        organisation=world.centre,
        role=Role.CRISIS_STAFF,
    )
    assert [m.to for m in _notices()] == [[world.staff.email]]


def test_reopening_a_role_that_sees_womens_data_is_announced(world: World) -> None:
    membership = Membership.objects.get(user=world.leader, role=Role.GROUP_LEADER)
    actions.end_membership(membership, by=world.coordinator)
    colleague = member(world.branch, Role.GROUP_LEADER)
    actions.add_membership(
        world.leader, by=world.coordinator, organisation=world.branch, role=Role.GROUP_LEADER
    )
    assert [m.to for m in _notices()] == [[colleague.email]]


def test_the_coordinator_role_and_a_held_role_send_no_notice(world: World) -> None:
    actions.add_membership(
        world.leader,
        by=world.coordinator,
        organisation=world.national,
        role=Role.NATIONAL_COORDINATOR,
    )
    actions.invite_staff(
        by=world.coordinator,
        email=world.staff.email,
        full_name="",
        organisation=world.centre,
        role=Role.CRISIS_STAFF,
    )  # already held: nothing granted
    assert _notices() == []


def test_the_recipients_are_the_organisations_women_data_roles(world: World) -> None:
    newcomer: Any = UserFactory()
    membership = Membership.objects.create(
        user=newcomer, organisation=world.branch, role=Role.GROUP_LEADER
    )
    member(world.branch, Role.VOLUNTEER, email="venn2@example.no")
    assert actions.access_grant_recipients(membership) == [world.leader.email]

"""Erasure on request (`privacy.actions.erase_woman` / `erase_volunteer`): who may, what is
refused (open match, already erased, unknown reason, outside scope) and what it does."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.conftest import World
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.participants.models import Referral
from ressursvenn.privacy import actions
from ressursvenn.privacy.actions import ErasureReason
from ressursvenn.privacy.tests import canary
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _referral(world: World, status: str = "closed", **fields: Any) -> Referral:
    referral: Referral = factories.referral(
        world.centre, world.branch, status=status, contact=world.staff, **fields
    )
    return referral


def _erase_events(pk: int, label: str) -> list[tuple[Any, dict[str, Any]]]:
    events = AuditEvent.objects.filter(
        action=AuditAction.PRIVACY_ERASE, object_type=label, object_id=str(pk)
    )
    return [(e.actor_id, e.changes) for e in events.order_by("pk")]


# --- a woman ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_the_centre_and_the_branch_erase_a_woman_whose_match_ended(
    world: World, mail_queue: Any, who: str
) -> None:
    story = canary.story(world)
    user = getattr(world, who)
    summary = actions.erase_woman(story.referral, by=user, reason="own_request")
    story.referral.refresh_from_db()
    assert story.referral.anonymised_at is not None
    assert story.referral.first_name == "Anonymisert"
    assert summary.cleared["participants.referral"] == 1
    assert _erase_events(story.referral.pk, "participants.referral") == [
        (user.pk, {"reason": "own_request"})
    ]
    event = AuditEvent.objects.get(action=AuditAction.PRIVACY_ERASE)
    expected = world.centre if who == "staff" else world.branch
    assert event.organisation_id == expected.pk
    # The volunteer stays as she was.
    story.volunteer.refresh_from_db()
    assert story.volunteer.anonymised_at is None
    assert story.volunteer.full_name.startswith("KANARI-V-")


@pytest.mark.parametrize(("who", "status"), [("staff", "withdrawn"), ("leader", "declined")])
def test_a_waiting_woman_is_taken_out_of_the_process_first(
    world: World, who: str, status: str
) -> None:
    referral = _referral(world, "accepted")
    actions.erase_woman(referral, by=getattr(world, who), reason="consent_withdrawn")
    referral.refresh_from_db()
    assert (referral.status, referral.anonymised_at is not None) == (status, True)
    assert referral.closed_at is not None
    assert referral.status_reason == ""  # the neutral reason went with the rest
    assert Referral.objects.waiting().filter(pk=referral.pk).count() == 0


def test_a_draft_is_withdrawn_by_its_centre(world: World) -> None:
    referral = _referral(world, "draft")
    actions.erase_woman(referral, by=world.staff, reason="registered_by_mistake")
    referral.refresh_from_db()
    assert (referral.status, referral.anonymised_at is not None) == ("withdrawn", True)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("proposed", "Hun har en foreslått kobling som ikke er avgjort. Avbryt forslaget først."),
        ("meeting_planned", "Hun har et planlagt koblingsmøte. Avbryt koblingen først."),
        ("active", "Hun har en aktiv kobling. Avslutt koblingen først."),
        ("paused", "Hun har en kobling på pause. Avslutt koblingen først."),
        ("ending", "Hun har en kobling som er i ferd med å avsluttes. Avslutt koblingen først."),
    ],
)
def test_an_open_match_is_refused_with_what_to_do_and_nothing_changes(
    world: World, status: str, message: str
) -> None:
    referral = _referral(world, "matched" if status != "proposed" else "proposed")
    factories.match(referral, world.volunteer.volunteer, status=status)
    before = canary.dump()
    with pytest.raises(ValidationError) as refused:
        actions.erase_woman(referral, by=world.staff, reason="own_request")
    assert refused.value.messages == [message]
    assert canary.dump() == before
    with pytest.raises(ValidationError) as refused:
        actions.erase_volunteer(world.volunteer.volunteer, by=world.leader, reason="own_request")
    assert refused.value.messages == [message]
    assert canary.dump() == before


def test_a_second_erasure_is_refused_and_changes_nothing(world: World) -> None:
    referral = _referral(world)
    actions.erase_woman(referral, by=world.staff, reason="own_request")
    before = canary.dump()
    with pytest.raises(ValidationError) as refused:
        actions.erase_woman(referral, by=world.staff, reason="own_request")
    assert refused.value.messages == [
        "Personopplysningene hennes er allerede slettet. Det er ikke noe mer å slette."
    ]
    assert canary.dump() == before


@pytest.mark.parametrize("reason", ["", "because", "Hun ba om det selv"])
def test_a_reason_outside_the_list_is_refused(world: World, reason: str) -> None:
    referral = _referral(world)
    with pytest.raises(ValidationError) as refused:
        actions.erase_woman(referral, by=world.staff, reason=reason)
    assert refused.value.message_dict == {"reason": ["Velg hvorfor opplysningene slettes."]}
    referral.refresh_from_db()
    assert referral.anonymised_at is None


@pytest.mark.parametrize("who", ["other_staff", "other_leader", "coordinator", "volunteer"])
def test_nobody_else_may_erase_a_woman(world: World, who: str) -> None:
    referral = _referral(world)
    with pytest.raises(PermissionDenied):
        actions.erase_woman(referral, by=getattr(world, who), reason="own_request")
    referral.refresh_from_db()
    assert referral.anonymised_at is None
    assert not AuditEvent.objects.exists()


def test_the_reasons_are_codes_only() -> None:
    assert ErasureReason.values == [
        "own_request",
        "consent_withdrawn",
        "registered_by_mistake",
        "other",
    ]


# --- a volunteer ------------------------------------------------------------------------------


def _volunteer(world: World, status: str) -> Volunteer:
    user: Any = factories.UserFactory(email=f"{status}@example.no", full_name="Siv Søker")
    Membership.objects.create(user=user, organisation=world.branch, role=Role.VOLUNTEER)
    return factories.volunteer(world.branch, user=user, status=status)


@pytest.mark.parametrize(
    ("status", "after"),
    [
        ("applied", "withdrawn"),
        ("screening", "withdrawn"),
        ("approved", "ended"),
        ("paused", "ended"),
        ("ended", "ended"),
        ("rejected", "rejected"),
    ],
)
def test_the_group_leader_erases_a_volunteer_and_her_account(
    world: World, status: str, after: str
) -> None:
    volunteer = _volunteer(world, status)
    user = User.objects.get(pk=volunteer.user_id)
    summary = actions.erase_volunteer(volunteer, by=world.leader, reason="own_request")
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.full_name, volunteer.anonymised_at is not None) == (
        after,
        "Anonymisert",
        True,
    )
    assert summary.account == "anonymised"
    account = User.objects.get(pk=user.pk)
    assert (account.is_active, account.full_name) == (False, "Anonymisert")
    assert _erase_events(volunteer.pk, "volunteers.volunteer") == [
        (world.leader.pk, {"reason": "own_request"})
    ]


@pytest.mark.parametrize("who", ["other_leader", "staff", "coordinator", "volunteer"])
def test_nobody_else_may_erase_a_volunteer(world: World, who: str) -> None:
    volunteer = _volunteer(world, "ended")
    with pytest.raises(PermissionDenied):
        actions.erase_volunteer(volunteer, by=getattr(world, who), reason="own_request")
    volunteer.refresh_from_db()
    assert volunteer.anonymised_at is None


def test_an_erased_volunteer_is_refused_the_second_time(world: World) -> None:
    volunteer = _volunteer(world, "ended")
    actions.erase_volunteer(volunteer, by=world.leader, reason="other")
    with pytest.raises(ValidationError, match="allerede slettet"):
        actions.erase_volunteer(volunteer, by=world.leader, reason="other")
    assert len(_erase_events(volunteer.pk, "volunteers.volunteer")) == 1
    assert volunteer.anonymised_at is not None
    assert volunteer.anonymised_at <= timezone.now()

"""Referral actions: every transition, its refusals, audit and discreet e-mail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from mailer.models import Message

from ressursvenn.accounts.models import Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit import MASK
from ressursvenn.lib.models import AuditEvent
from ressursvenn.organisations.models import Cooperation, Municipality
from ressursvenn.participants import actions
from ressursvenn.participants.choices import CONSENT_WITHDRAWN_REASON
from ressursvenn.participants.models import ConsentText, Referral
from ressursvenn.tests import factories

Status = Referral.Status


def _fields(world: World, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "centre": world.centre,
        "branch": world.branch,
        "first_name": "Amina",
        "birth_year": today.year - 35,
        "municipality": Municipality.objects.get(code="1806"),
        "district": None,
        "children_count": 2,
        "languages": ["nb", "ar"],
        "required_languages": ["ar"],
        "interpreter_needed": False,
        "interests": ["hiking"],
        "needs": ["housing"],
        "availability": ["evenings"],
        "modes": ["digital"],
        "preferred_age_min": 30,
        "preferred_age_max": 60,
        "contact_channel": Referral.Channel.PHONE,
        "contact_value": "91234567",
        "contact_times": ["morning"],
        "may_leave_message": False,
        "excluded_areas": ["0301"],
        "notes": "Liker å gå tur",
        "safety_assessed_on": today,
        "safety_assessed_by": world.staff,
        "consent_text": ConsentText.current(),
        "consent_scope": ["matching"],
        "consent_given_on": today,
    }
    fields.update(extra)
    return fields


def _state(referral: Referral) -> tuple[Any, ...]:
    referral.refresh_from_db()
    return (
        referral.status,
        referral.status_reason,
        referral.submitted_at,
        referral.waiting_since,
        referral.consent_withdrawn_at,
        AuditEvent.objects.count(),
        len(mail.outbox),
        Message.objects.count(),  # the queue, when a test uses the mail_queue fixture
    )


# --- create / update --------------------------------------------------------------------------


def test_create_saves_a_draft_with_masked_audit(world: World) -> None:
    referral = actions.create_referral(by=world.staff, **_fields(world))
    assert (referral.status, referral.contact, referral.created_by) == (
        Status.DRAFT,
        world.staff,
        world.staff,
    )
    event = AuditEvent.objects.get(action="referral.create")
    assert (event.actor, event.organisation, event.object_id) == (
        world.staff,
        world.centre,
        str(referral.pk),
    )
    for name in ("first_name", "contact_value", "notes", "excluded_areas", "contact_channel"):
        assert event.changes[name] == [MASK, MASK], name
    assert "Amina" not in str(event.changes)
    assert "91234567" not in str(event.changes)
    assert mail.outbox == []


def test_create_to_branch_without_cooperation_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_referral(by=world.staff, **_fields(world, branch=world.other_branch))
    assert list(error.value.message_dict) == ["branch"]
    assert (Referral.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_create_for_another_centre_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_referral(by=world.staff, **_fields(world, centre=world.other_centre))
    assert list(error.value.message_dict) == ["centre"]
    assert Referral.objects.count() == 0


def test_create_with_assessor_of_another_centre_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_referral(
            by=world.staff, **_fields(world, safety_assessed_by=world.other_staff)
        )
    assert list(error.value.message_dict) == ["safety_assessed_by"]


def test_create_with_future_dates_is_refused(world: World) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        actions.create_referral(
            by=world.staff,
            **_fields(world, safety_assessed_on=tomorrow, consent_given_on=tomorrow),
        )
    assert sorted(error.value.message_dict) == ["consent_given_on", "safety_assessed_on"]


@pytest.mark.parametrize("who", ["leader", "coordinator", "volunteer"])
def test_create_by_other_roles_is_refused(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_referral(by=getattr(world, who), **_fields(world))
    assert Referral.objects.count() == 0


def test_update_changes_a_draft_and_audits_only_changes(world: World) -> None:
    referral = actions.create_referral(by=world.staff, **_fields(world))
    actions.update_referral(referral, by=world.staff, **_fields(world, children_count=3))
    event = AuditEvent.objects.get(action="referral.update")
    # Her number of children is personal: only that it changed (lib/audit.py PERSONAL_FIELDS).
    assert event.changes == {"children_count": [MASK, MASK]}
    actions.update_referral(referral, by=world.staff, **_fields(world, children_count=3))
    assert AuditEvent.objects.filter(action="referral.update").count() == 1


def test_update_of_a_sent_referral_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="submitted")
    before = _state(referral)
    with pytest.raises(ValidationError, match="Bare utkast"):
        actions.update_referral(referral, by=world.staff, **_fields(world, first_name="Ny"))
    assert _state(referral) == before
    assert referral.first_name == "Amina"


def test_update_by_other_centre_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="draft")
    with pytest.raises(PermissionDenied):
        actions.update_referral(referral, by=world.other_staff, **_fields(world))


# --- submit -----------------------------------------------------------------------------------


def _draft(world: World, **fields: Any) -> Referral:
    return factories.referral(
        world.centre, world.branch, status="draft", contact=world.staff, **fields
    )


def test_submit_sends_and_mails_the_leaders_discreetly(world: World) -> None:
    second = factories.member(world.branch, Role.GROUP_LEADER, full_name="Grete To")
    factories.member(world.other_branch, Role.GROUP_LEADER)
    referral = _draft(world)
    actions.submit_referral(referral, by=world.staff)
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.submitted_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [world.leader.email, second.email]
    )
    for message in mail.outbox:
        assert "Amina" not in message.subject + message.body
        assert f"/henvisninger/{referral.pk}/" in message.body
        assert message.subject == "Ny oppgave i Ressursvenn"
    event = AuditEvent.objects.get(action="referral.submit")
    assert event.changes["status"] == ["draft", "submitted"]


def test_submit_without_clearance_is_refused_and_names_it(world: World) -> None:
    referral = _draft(world, safety_assessed_on=None, safety_assessed_by=None)
    before = _state(referral)
    with pytest.raises(ValidationError) as error:
        actions.submit_referral(referral, by=world.staff)
    assert error.value.messages == [
        "Henvisningen kan ikke sendes ennå: sikkerhetsvurderingen er ikke registrert "
        "(dato og hvem som gjorde den)."
    ]
    assert _state(referral) == before


def test_submit_without_consent_is_refused(world: World) -> None:
    referral = _draft(world, consent_given_on=None, consent_text=None)
    before = _state(referral)
    with pytest.raises(ValidationError, match="samtykket er ikke registrert"):
        actions.submit_referral(referral, by=world.staff)
    assert _state(referral) == before


def test_submit_without_matching_in_scope_is_refused(world: World) -> None:
    referral = _draft(world, consent_scope=["questionnaires"])
    with pytest.raises(ValidationError, match="omfatter ikke matching"):
        actions.submit_referral(referral, by=world.staff)
    assert _state(referral)[0] == Status.DRAFT


def test_submit_with_withdrawn_consent_is_refused(world: World) -> None:
    referral = _draft(world, consent_withdrawn_at=timezone.now())
    before = _state(referral)
    with pytest.raises(ValidationError, match="trukket samtykket"):
        actions.submit_referral(referral, by=world.staff)
    assert _state(referral) == before


def test_submit_without_cooperation_is_refused(world: World) -> None:
    referral = _draft(world)
    Cooperation.objects.filter(branch=world.branch, crisis_centre=world.centre).delete()
    before = _state(referral)
    with pytest.raises(ValidationError, match="ingen samarbeidsavtale"):
        actions.submit_referral(referral, by=world.staff)
    assert _state(referral) == before


def test_submit_names_every_missing_item(world: World) -> None:
    referral = _draft(world, safety_assessed_on=None, consent_given_on=None)
    Cooperation.objects.all().delete()
    with pytest.raises(ValidationError) as error:
        actions.submit_referral(referral, by=world.staff)
    message = error.value.messages[0]
    assert message.count(";") == 2
    for part in ("sikkerhetsvurderingen", "samtykket", "samarbeidsavtale"):
        assert part in message


def test_submit_twice_is_refused_the_second_time(world: World) -> None:
    referral = _draft(world)
    stale = Referral.objects.get(pk=referral.pk)
    actions.submit_referral(referral, by=world.staff)
    before = _state(referral)
    with pytest.raises(ValidationError, match="allerede sendt"):
        actions.submit_referral(stale, by=world.staff)
    assert _state(referral) == before


@pytest.mark.parametrize("who", ["other_staff", "leader"])
def test_submit_by_others_is_refused(world: World, who: str) -> None:
    referral = _draft(world)
    with pytest.raises(PermissionDenied):
        actions.submit_referral(referral, by=getattr(world, who))
    assert _state(referral)[0] == Status.DRAFT


# --- accept / decline -------------------------------------------------------------------------


def test_accept_puts_her_on_the_waiting_list(world: World) -> None:
    referral = factories.referral(
        world.centre, world.branch, status="submitted", contact=world.staff
    )
    assert list(Referral.objects.waiting()) == []
    actions.accept_referral(referral, by=world.leader)
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.waiting_since is not None
    assert list(Referral.objects.waiting()) == [referral]
    assert [message.to for message in mail.outbox] == [[world.staff.email]]
    assert "Amina" not in mail.outbox[0].body
    assert AuditEvent.objects.get(action="referral.accept").organisation == world.branch


def test_accept_of_an_accepted_referral_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="accepted")
    before = _state(referral)
    with pytest.raises(ValidationError, match="kan ikke tas imot"):
        actions.accept_referral(referral, by=world.leader)
    assert _state(referral) == before


@pytest.mark.parametrize("who", ["other_leader", "staff", "coordinator"])
def test_accept_by_others_is_refused(world: World, who: str) -> None:
    referral = factories.referral(world.centre, world.branch, status="submitted")
    with pytest.raises(PermissionDenied):
        actions.accept_referral(referral, by=getattr(world, who))
    assert _state(referral)[0] == Status.SUBMITTED


def test_decline_stores_the_reason_encrypted_and_masked(world: World) -> None:
    referral = factories.referral(
        world.centre, world.branch, status="submitted", contact=world.staff
    )
    actions.decline_referral(referral, by=world.leader, reason="  Ingen ledige nå  ")
    referral.refresh_from_db()
    assert (referral.status, referral.status_reason) == (Status.DECLINED, "Ingen ledige nå")
    assert referral.closed_at is not None
    event = AuditEvent.objects.get(action="referral.decline")
    assert event.changes["status_reason"] == [MASK, MASK]
    assert len(mail.outbox) == 1


def test_decline_without_reason_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="submitted")
    before = _state(referral)
    with pytest.raises(ValidationError) as error:
        actions.decline_referral(referral, by=world.leader, reason="   ")
    assert list(error.value.message_dict) == ["reason"]
    assert _state(referral) == before


def test_decline_of_a_withdrawn_referral_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="withdrawn")
    before = _state(referral)
    with pytest.raises(ValidationError, match="kan ikke avvises"):
        actions.decline_referral(referral, by=world.leader, reason="Nei")
    assert _state(referral) == before


# --- withdraw ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "accepted", "proposed"])
def test_withdraw_from_each_open_state(world: World, status: str) -> None:
    referral = factories.referral(world.centre, world.branch, status=status)
    actions.withdraw_referral(referral, by=world.staff, reason="Flyttet")
    referral.refresh_from_db()
    assert (referral.status, referral.status_reason) == (Status.WITHDRAWN, "Flyttet")
    assert list(Referral.objects.waiting()) == []
    # The branch hears about it only when it had received the referral.
    assert len(mail.outbox) == (0 if status == "draft" else 1)


@pytest.mark.parametrize("status", ["matched", "closed", "declined", "withdrawn"])
def test_withdraw_from_other_states_is_refused(world: World, status: str) -> None:
    referral = factories.referral(world.centre, world.branch, status=status)
    before = _state(referral)
    with pytest.raises(ValidationError, match="kan ikke trekkes"):
        actions.withdraw_referral(referral, by=world.staff, reason="Flyttet")
    assert _state(referral) == before


def test_withdraw_by_the_leader_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="submitted")
    with pytest.raises(PermissionDenied):
        actions.withdraw_referral(referral, by=world.leader, reason="x")


# --- consent withdrawn ------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "accepted", "proposed", "matched"])
def test_withdrawn_consent_stops_processing(world: World, status: str) -> None:
    referral = factories.referral(world.centre, world.branch, status=status)
    actions.withdraw_consent(referral, by=world.staff)
    referral.refresh_from_db()
    assert referral.consent_withdrawn_at is not None
    assert (referral.status, referral.status_reason) == (
        Status.WITHDRAWN,
        CONSENT_WITHDRAWN_REASON,
    )
    assert list(Referral.objects.waiting()) == []
    assert not referral.has_consent
    assert AuditEvent.objects.get(action="referral.withdraw_consent").changes["status"] == [
        status,
        "withdrawn",
    ]
    assert len(mail.outbox) == 1


def test_withdrawn_consent_after_closure_keeps_the_status(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="closed")
    actions.withdraw_consent(referral, by=world.staff)
    referral.refresh_from_db()
    assert (referral.status, referral.consent_withdrawn_at is not None) == (Status.CLOSED, True)


def test_withdrawing_consent_twice_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="accepted")
    actions.withdraw_consent(referral, by=world.staff)
    before = _state(referral)
    with pytest.raises(ValidationError, match="allerede registrert"):
        actions.withdraw_consent(referral, by=world.staff)
    assert _state(referral) == before


def test_accept_after_consent_withdrawn_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="submitted")
    stale = Referral.objects.get(pk=referral.pk)
    actions.withdraw_consent(referral, by=world.staff)
    before = _state(referral)
    with pytest.raises(ValidationError):
        actions.accept_referral(stale, by=world.leader)
    assert _state(referral) == before


def test_withdraw_consent_by_other_centre_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="accepted")
    with pytest.raises(PermissionDenied):
        actions.withdraw_consent(referral, by=world.other_staff)
    assert _state(referral)[4] is None


# --- excluded volunteers ----------------------------------------------------------------------


def test_leader_sets_and_clears_excluded_volunteers(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="accepted")
    vera = world.volunteer.volunteer  # type: ignore[attr-defined]
    actions.set_excluded_volunteers(referral, by=world.leader, volunteers=[vera])
    assert list(referral.excluded_volunteers.all()) == [vera]
    actions.set_excluded_volunteers(referral, by=world.leader, volunteers=[])
    assert list(referral.excluded_volunteers.all()) == []
    changes = list(
        AuditEvent.objects.filter(action="referral.exclude_volunteers")
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    assert changes == [
        {"excluded_volunteers": [[], [vera.pk]]},
        {"excluded_volunteers": [[vera.pk], []]},
    ]


def test_excluding_a_volunteer_of_another_branch_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="accepted")
    with pytest.raises(ValidationError):
        actions.set_excluded_volunteers(
            referral,
            by=world.leader,
            volunteers=[world.other_volunteer.volunteer],  # type: ignore[attr-defined]
        )
    assert list(referral.excluded_volunteers.all()) == []


def test_excluding_on_a_closed_referral_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="declined")
    with pytest.raises(ValidationError):
        actions.set_excluded_volunteers(referral, by=world.leader, volunteers=[])


def test_excluding_by_the_centre_is_refused(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, status="accepted")
    with pytest.raises(PermissionDenied):
        actions.set_excluded_volunteers(referral, by=world.staff, volunteers=[])


@pytest.mark.parametrize("match_status", ["proposed", "meeting_planned", "active", "paused"])
def test_withdrawn_consent_cancels_her_open_match(world: World, match_status: str) -> None:
    from ressursvenn.matching.models import Match

    status = "matched" if match_status in ("active", "paused") else "proposed"
    referral = factories.referral(world.centre, world.branch, status=status, contact=world.staff)
    volunteer = factories.volunteer(world.branch, full_name="Hanne Hjelper", email="h@example.no")
    match = factories.match(referral, volunteer, status=match_status)
    closed = factories.match(
        factories.referral(world.centre, world.branch, status="closed"),
        volunteer,
        status="closed",
    )

    actions.withdraw_consent(referral, by=world.staff)

    match.refresh_from_db()
    closed.refresh_from_db()
    assert (match.status, match.status_reason) == ("cancelled", CONSENT_WITHDRAWN_REASON)
    assert closed.status == "closed"
    assert Match.objects.filter(volunteer=volunteer).open().count() == 0
    assert AuditEvent.objects.filter(action="match.cancel", object_id=str(match.pk)).count() == 1


def test_withdrawing_a_proposed_referral_cancels_the_proposal(world: World) -> None:
    referral = factories.referral(
        world.centre, world.branch, status="proposed", contact=world.staff
    )
    volunteer = factories.volunteer(world.branch, full_name="Hanne Hjelper", email="h@example.no")
    match = factories.match(referral, volunteer)

    actions.withdraw_referral(referral, by=world.staff, reason="Flyttet")

    match.refresh_from_db()
    assert match.status == "cancelled"


# --- withdrawal with a planned koblingsmøte (issue 8, item 7) ----------------------------------


def _planned_match(world: World) -> Any:
    from ressursvenn.matching.actions.meetings import plan_meeting
    from ressursvenn.matching.tests.access_meetings import build_match

    match = build_match(world)
    plan_meeting(
        match,
        by=world.leader,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        duration_minutes=60,
        mode="phone",
    )
    mail.outbox.clear()
    return match


def _cancellations() -> list[Any]:
    return [message for message in mail.outbox if message.subject == "Avlyst møte i Ressursvenn"]


@pytest.mark.parametrize("withdraw", ["consent", "referral"])
def test_withdrawal_cancels_the_match_and_the_planned_meeting(
    world: World, django_capture_on_commit_callbacks: Any, withdraw: str
) -> None:
    from ressursvenn.matching.models import Match, MatchingMeeting

    match = _planned_match(world)
    referral = Referral.objects.get(pk=match.referral_id)
    with django_capture_on_commit_callbacks(execute=True):
        if withdraw == "consent":
            actions.withdraw_consent(referral, by=world.staff)
        else:
            actions.withdraw_referral(referral, by=world.staff, reason="Flyttet")

    match.refresh_from_db()
    meeting = MatchingMeeting.objects.get(match=match)
    referral.refresh_from_db()
    reason = CONSENT_WITHDRAWN_REASON if withdraw == "consent" else "Henvisningen er trukket."
    assert (match.status, match.status_reason, match.ended_on) == (
        Match.Status.CANCELLED,
        reason,
        None,
    )
    assert meeting.outcome == MatchingMeeting.Outcome.STOP
    # Everyone invited (centre contact, group leader, volunteer) gets the calendar cancellation.
    cancellations = _cancellations()
    assert sorted(message.to[0] for message in cancellations) == sorted(
        [world.staff.email, world.leader.email, world.volunteer.email]
    )
    for message in cancellations:
        part = message.message().get_payload()[1]
        assert part.get_param("method") == "CANCEL"
        assert "Amina" not in message.body
    # The woman's referral as the rule says: withdrawn, off the waiting list, never back on it.
    assert referral.status == Status.WITHDRAWN
    assert (referral.consent_withdrawn_at is not None) == (withdraw == "consent")
    assert list(Referral.objects.waiting()) == []
    assert list(
        AuditEvent.objects.filter(
            action__in=["match.cancel", "meeting.cancel", "referral.back_to_waiting_list"]
        )
        .order_by("pk")
        .values_list("action", "object_id")
    ) == [("match.cancel", str(match.pk)), ("meeting.cancel", str(meeting.pk))]


def test_withdrawing_consent_of_an_active_match_ends_it_today(world: World) -> None:
    from ressursvenn.matching.models import Match

    referral = factories.referral(world.centre, world.branch, status="matched")
    match = factories.match(referral, world.volunteer.volunteer, status="active")  # type: ignore[attr-defined]
    actions.withdraw_consent(referral, by=world.staff)
    match.refresh_from_db()
    assert (match.status, match.ended_on) == (Match.Status.CANCELLED, timezone.localdate())
    assert _cancellations() == []


def test_a_failing_hook_rolls_the_withdrawal_back(
    world: World, monkeypatch: Any, mail_queue: Any
) -> None:
    from ressursvenn.participants import hooks

    def broken(referral: Referral, *, by: Any, reason: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(hooks, "on_referral_withdrawn", [*hooks.on_referral_withdrawn, broken])
    match = _planned_match(world)
    referral = Referral.objects.get(pk=match.referral_id)
    before = _state(referral)
    with pytest.raises(RuntimeError):
        actions.withdraw_consent(referral, by=world.staff)
    match.refresh_from_db()
    assert (_state(referral), match.status) == (before, "meeting_planned")


def test_matching_registers_its_withdrawal_handler() -> None:
    from ressursvenn.matching.actions.matches import cancel_for_withdrawn_referral
    from ressursvenn.participants import hooks

    assert hooks.on_referral_withdrawn == [cancel_for_withdrawn_referral]

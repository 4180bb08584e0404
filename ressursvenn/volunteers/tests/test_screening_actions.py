"""Screening actions: every transition, every refusal, and the approval guard."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.accounts.models import Invitation, Membership, Role, User
from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.tests import factories
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.actions import screening as actions
from ressursvenn.volunteers.models import (
    BranchPolicy,
    ConfidentialityDeclaration,
    DeclarationText,
    PoliceCertificate,
    Reference,
    SuitabilityInterview,
    Volunteer,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _applicant(world: World, **fields: Any) -> Volunteer:
    fields.setdefault("full_name", "Sara Søker")
    fields.setdefault("email", "sara@example.no")
    return factories.volunteer(world.branch, status=fields.pop("status", "applied"), **fields)


def _cleared(world: World) -> Volunteer:
    return _applicant(world, status="screening", cleared=True)


def _state(volunteer: Volunteer) -> tuple[Any, ...]:
    volunteer.refresh_from_db()
    return (volunteer.status, volunteer.approved_on, AuditEvent.objects.count())


# --- the transition table -------------------------------------------------------------------


def test_transition_table_lists_legal_moves() -> None:
    assert actions.allowed_transitions("applied") == ["take_into_screening", "reject", "withdraw"]
    assert actions.allowed_transitions("screening") == ["approve", "reject", "withdraw"]
    assert actions.allowed_transitions("approved") == ["pause", "end"]
    assert actions.allowed_transitions("paused") == ["resume", "end"]
    assert actions.allowed_transitions("ended") == []
    assert actions.allowed_transitions("rejected") == []
    assert actions.allowed_transitions("withdrawn") == []


# --- take into screening ----------------------------------------------------------------------


def test_take_into_screening_creates_user_membership_and_invitation(world: World) -> None:
    volunteer = _applicant(world)
    before = volunteer.status_changed_at
    actions.take_into_screening(volunteer, by=world.leader, expected_status="applied")
    volunteer.refresh_from_db()
    assert volunteer.status == "screening"
    assert volunteer.status_changed_at > before
    user = User.objects.get(email="sara@example.no")
    assert volunteer.user == user
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (world.branch.pk, Role.VOLUNTEER)
    ]
    assert Invitation.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sara@example.no"]
    assert "Sara" not in mail.outbox[0].subject + mail.outbox[0].body
    assert "/invitasjon/" in mail.outbox[0].body or "http" in mail.outbox[0].body
    actions_written = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.invite", "membership.add", "volunteer.take_into_screening"} <= actions_written


def test_take_into_screening_links_an_existing_user(world: World) -> None:
    existing = factories.UserFactory(email="sara@example.no")
    volunteer = _applicant(world, email="Sara@Example.no")
    actions.take_into_screening(volunteer, by=world.leader)
    volunteer.refresh_from_db()
    assert volunteer.user == existing
    assert User.objects.filter(email__iexact="sara@example.no").count() == 1
    assert Membership.objects.filter(user=existing, role=Role.VOLUNTEER).count() == 1
    # She has a password: a neutral notice of the new role, no set-password link.
    assert Invitation.objects.filter(user=existing).count() == 0
    assert len(mail.outbox) == 1


def test_take_into_screening_refuses_a_user_who_is_another_volunteer(world: World) -> None:
    volunteer = _applicant(world, email=world.other_volunteer.email)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="annen ressursvenn"):
        actions.take_into_screening(volunteer, by=world.leader)
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.user_id, AuditEvent.objects.count()) == (
        "applied",
        None,
        events,
    )


def test_take_into_screening_twice_is_refused(world: World) -> None:
    volunteer = _applicant(world)
    actions.take_into_screening(volunteer, by=world.leader, expected_status="applied")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="endret mens du så på siden"):
        actions.take_into_screening(volunteer, by=world.leader, expected_status="applied")
    with pytest.raises(ValidationError, match="kan ikke gjøres"):
        actions.take_into_screening(volunteer, by=world.leader)
    assert AuditEvent.objects.count() == events
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["other_leader", "staff", "coordinator", "volunteer"])
def test_only_the_branch_leader_may_screen(world: World, who: str) -> None:
    volunteer = _applicant(world)
    with pytest.raises(PermissionDenied):
        actions.take_into_screening(volunteer, by=getattr(world, who))
    assert _state(volunteer)[0] == "applied"


# --- approval guard ---------------------------------------------------------------------------


def _too_young(v: Volunteer) -> None:
    v.date_of_birth = TODAY.replace(year=TODAY.year - 24)
    v.save()


def _not_woman(v: Volunteer) -> None:
    Volunteer.objects.filter(pk=v.pk).update(self_declared_woman=False)


def _no_certificate(v: Volunteer) -> None:
    v.police_certificates.all().delete()


def _certificate_due(v: Volunteer) -> None:
    v.police_certificates.update(renewal_due_on=TODAY - DAY)


def _no_course(v: Volunteer) -> None:
    Volunteer.objects.filter(pk=v.pk).update(course_completed_on=None)


def _course_expired(v: Volunteer) -> None:
    old = screening.add_years(TODAY, -3) - DAY
    Volunteer.objects.filter(pk=v.pk).update(course_completed_on=old)


def _no_declaration(v: Volunteer) -> None:
    v.declarations.all().delete()


def _no_interview(v: Volunteer) -> None:
    v.interviews.all().delete()


def _not_suitable(v: Volunteer) -> None:
    v.interviews.update(outcome=SuitabilityInterview.Outcome.NOT_SUITABLE)


def _another_interview(v: Volunteer) -> None:
    v.interviews.update(outcome=SuitabilityInterview.Outcome.ANOTHER)


def _references_required(v: Volunteer) -> None:
    BranchPolicy.objects.create(branch=v.branch, references_required=1)


def _only_a_bad_reference(v: Volunteer) -> None:
    BranchPolicy.objects.create(branch=v.branch, references_required=1)
    Reference.objects.create(
        volunteer=v,
        name="Ola",
        contacted_on=TODAY,
        is_positive=False,
        recorded_by=PoliceCertificate.objects.get(volunteer=v).seen_by,
    )


BROKEN: dict[str, tuple[Callable[[Volunteer], None], str]] = {
    "under minimum age": (_too_young, screening.AGE),
    "not declared a woman": (_not_woman, screening.WOMAN),
    "no police certificate": (_no_certificate, screening.POLICE_CERTIFICATE),
    "police certificate due for renewal": (_certificate_due, screening.POLICE_CERTIFICATE),
    "no course": (_no_course, screening.COURSE),
    "course expired": (_course_expired, screening.COURSE),
    "no declaration": (_no_declaration, screening.DECLARATION),
    "no interview": (_no_interview, screening.INTERVIEW),
    "interview: not suitable": (_not_suitable, screening.INTERVIEW),
    "interview: another needed": (_another_interview, screening.INTERVIEW),
    "references required, none": (_references_required, screening.REFERENCES),
    "references required, only a bad one": (_only_a_bad_reference, screening.REFERENCES),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_approval_is_refused_for_every_missing_requirement(world: World, case: str) -> None:
    volunteer = _cleared(world)
    breaker, code = BROKEN[case]
    breaker(volunteer)
    checked = screening.with_checklist(Volunteer.objects.filter(pk=volunteer.pk)).get()
    assert [item.code for item in screening.missing(checked)] == [code]
    before = _state(volunteer)
    with pytest.raises(ValidationError) as refused:
        actions.approve_volunteer(volunteer, by=world.leader, expected_status="screening")
    assert str(screening.TITLES[code]) in " ".join(refused.value.messages)
    assert _state(volunteer) == before


def test_approval_when_everything_holds(world: World) -> None:
    volunteer = _cleared(world)
    actions.approve_volunteer(volunteer, by=world.leader, expected_status="screening")
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.approved_on) == ("approved", TODAY)
    event = AuditEvent.objects.get(action="volunteer.approve")
    assert event.changes == {"status": ["screening", "approved"]}
    assert event.organisation_id == world.branch.pk


@pytest.mark.parametrize("status", ["applied", "approved", "paused", "ended", "rejected"])
def test_approval_refused_from_other_statuses(world: World, status: str) -> None:
    volunteer = _applicant(world, status=status, cleared=True)
    before = _state(volunteer)
    with pytest.raises(ValidationError):
        actions.approve_volunteer(volunteer, by=world.leader)
    assert _state(volunteer) == before


# --- reasoned transitions ---------------------------------------------------------------------

LEGAL = [
    ("applied", "reject", "rejected"),
    ("screening", "reject", "rejected"),
    ("applied", "withdraw", "withdrawn"),
    ("screening", "withdraw", "withdrawn"),
    ("approved", "pause", "paused"),
    ("paused", "resume", "approved"),
    ("approved", "end", "ended"),
    ("paused", "end", "ended"),
]


@pytest.mark.parametrize(("start", "transition", "end"), LEGAL)
def test_every_legal_transition(world: World, start: str, transition: str, end: str) -> None:
    volunteer = _applicant(world, status=start)
    before = volunteer.status_changed_at
    actions.change_status(
        volunteer, by=world.leader, transition=transition, reason="Flyttet", expected_status=start
    )
    volunteer.refresh_from_db()
    assert volunteer.status == end
    assert volunteer.status_reason == "Flyttet"
    assert volunteer.status_changed_at > before
    event = AuditEvent.objects.get(action=f"volunteer.{transition}")
    assert event.changes == {"status": [start, end], "status_reason": ["•••", "•••"]}


ILLEGAL = [
    (start, transition)
    for start in ("applied", "screening", "approved", "paused", "ended", "rejected", "withdrawn")
    for transition in ("reject", "withdraw", "pause", "resume", "end")
    if (start, transition) not in {(s, t) for s, t, _e in LEGAL}
]


@pytest.mark.parametrize(("start", "transition"), ILLEGAL)
def test_every_illegal_transition_is_refused(world: World, start: str, transition: str) -> None:
    volunteer = _applicant(world, status=start)
    before = _state(volunteer)
    with pytest.raises(ValidationError, match="kan ikke gjøres"):
        actions.change_status(volunteer, by=world.leader, transition=transition, reason="x")
    assert _state(volunteer) == before


@pytest.mark.parametrize("transition", ["reject", "withdraw"])
def test_reason_is_required(world: World, transition: str) -> None:
    volunteer = _applicant(world)
    before = _state(volunteer)
    with pytest.raises(ValidationError) as refused:
        actions.change_status(volunteer, by=world.leader, transition=transition, reason="  ")
    assert refused.value.message_dict == {"reason": ["Skriv en begrunnelse."]}
    assert _state(volunteer) == before


def test_stale_status_is_refused(world: World) -> None:
    volunteer = _applicant(world, status="approved")
    before = _state(volunteer)
    with pytest.raises(ValidationError, match="endret mens du så på siden"):
        actions.change_status(
            volunteer, by=world.leader, transition="end", reason="x", expected_status="paused"
        )
    assert _state(volunteer) == before


def test_ending_a_volunteer_ends_her_role(world: World) -> None:
    volunteer = world.volunteer.volunteer
    actions.end_volunteer(volunteer, by=world.leader, reason="Flytter", expected_status="approved")
    assert not Membership.objects.get(user=world.volunteer, role=Role.VOLUNTEER).is_active


@pytest.mark.parametrize("match_status", ["proposed", "meeting_planned", "active", "paused"])
def test_a_volunteer_with_an_open_match_cannot_be_ended(world: World, match_status: str) -> None:
    volunteer = world.volunteer.volunteer
    referral = factories.referral(world.centre, world.branch, status="matched")
    factories.match(referral, volunteer, status=match_status)
    before = _state(volunteer)
    with pytest.raises(ValidationError, match="kobling som ikke er avsluttet"):
        actions.end_volunteer(volunteer, by=world.leader, reason="Flytter")
    assert _state(volunteer) == before
    assert Membership.objects.get(user=world.volunteer, role=Role.VOLUNTEER).is_active


def test_a_volunteer_whose_matches_are_over_can_be_ended(world: World) -> None:
    volunteer = world.volunteer.volunteer
    referral = factories.referral(world.centre, world.branch, status="closed")
    factories.match(referral, volunteer, status="closed")
    actions.end_volunteer(volunteer, by=world.leader, reason="Flytter")
    volunteer.refresh_from_db()
    assert volunteer.status == "ended"


def test_unknown_transition_is_refused(world: World) -> None:
    volunteer = _applicant(world)
    with pytest.raises(ValidationError):
        actions.change_status(volunteer, by=world.leader, transition="approve", reason="x")


# --- police certificate -----------------------------------------------------------------------


def test_record_certificate(world: World) -> None:
    volunteer = _applicant(world, status="screening")
    certificate = actions.record_police_certificate(
        volunteer, by=world.leader, kind="ordinary", issued_on=TODAY - 10 * DAY, seen_on=TODAY
    )
    assert certificate.seen_by == world.leader
    assert certificate.renewal_due_on == screening.certificate_renewal_due(TODAY)
    assert AuditEvent.objects.filter(action="volunteer.record_police_certificate").count() == 1


def test_certificate_exactly_at_the_limit_is_accepted(world: World, settings: Any) -> None:
    volunteer = _applicant(world, status="screening")
    days = settings.POLICE_CERTIFICATE_MAX_AGE_DAYS
    actions.record_police_certificate(
        volunteer, by=world.leader, kind="ordinary", issued_on=TODAY - days * DAY, seen_on=TODAY
    )
    assert volunteer.police_certificates.count() == 1


BAD_CERTIFICATES = {
    "too old when seen": (lambda days: TODAY - (days + 1) * DAY, TODAY, "issued_on", "eldre enn"),
    "seen in the future": (lambda days: TODAY, TODAY + DAY, "seen_on", "fram i tid"),
    "issued in the future": (lambda days: TODAY + DAY, TODAY, "issued_on", "fram i tid"),
    "issued after seen": (lambda days: TODAY - DAY, TODAY - 2 * DAY, "issued_on", "etter"),
}


@pytest.mark.parametrize("case", list(BAD_CERTIFICATES))
def test_bad_certificates_are_refused(world: World, settings: Any, case: str) -> None:
    issued, seen, field, text = BAD_CERTIFICATES[case]
    volunteer = _applicant(world, status="screening")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.record_police_certificate(
            volunteer,
            by=world.leader,
            kind="ordinary",
            issued_on=issued(settings.POLICE_CERTIFICATE_MAX_AGE_DAYS),
            seen_on=seen,
        )
    assert list(refused.value.message_dict) == [field]
    assert text in refused.value.message_dict[field][0]
    assert (volunteer.police_certificates.count(), AuditEvent.objects.count()) == (0, events)


def test_same_certificate_twice_is_refused(world: World) -> None:
    volunteer = _applicant(world, status="screening")
    kwargs = {"kind": "ordinary", "issued_on": TODAY - DAY, "seen_on": TODAY}
    actions.record_police_certificate(volunteer, by=world.leader, **kwargs)
    with pytest.raises(ValidationError, match="allerede"):
        actions.record_police_certificate(volunteer, by=world.leader, **kwargs)
    assert volunteer.police_certificates.count() == 1


@pytest.mark.parametrize("status", ["applied", "rejected", "withdrawn", "ended"])
def test_facts_are_refused_outside_screening(world: World, status: str) -> None:
    volunteer = _applicant(world, status=status)
    with pytest.raises(ValidationError, match="bare registreres"):
        actions.record_police_certificate(
            volunteer, by=world.leader, kind="ordinary", issued_on=TODAY, seen_on=TODAY
        )
    assert volunteer.police_certificates.count() == 0


def test_other_leader_cannot_record(world: World) -> None:
    volunteer = _applicant(world, status="screening")
    with pytest.raises(PermissionDenied):
        actions.record_police_certificate(
            volunteer, by=world.other_leader, kind="ordinary", issued_on=TODAY, seen_on=TODAY
        )


# --- interview, reference, declaration ---------------------------------------------------------


def test_record_interview_encrypts_notes_and_masks_audit(world: World) -> None:
    volunteer = _applicant(world, status="screening")
    interview = actions.record_interview(
        volunteer,
        by=world.leader,
        held_on=TODAY,
        interviewer=world.leader,
        outcome="suitable",
        notes="Rolig og trygg",
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT notes FROM volunteers_suitabilityinterview WHERE id=%s", [interview.pk]
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:")
    event = AuditEvent.objects.get(action="volunteer.record_interview")
    assert event.changes["notes"] == ["•••", "•••"]


def test_interviewer_may_be_another_leader_of_the_branch(world: World) -> None:
    colleague = factories.member(world.branch, Role.GROUP_LEADER)
    volunteer = _applicant(world, status="screening")
    actions.record_interview(
        volunteer, by=world.leader, held_on=TODAY, interviewer=colleague, outcome="suitable"
    )
    assert volunteer.interviews.get().interviewer == colleague


@pytest.mark.parametrize("who", ["other_leader", "staff", "volunteer"])
def test_interviewer_must_lead_the_branch(world: World, who: str) -> None:
    volunteer = _applicant(world, status="screening")
    with pytest.raises(ValidationError) as refused:
        actions.record_interview(
            volunteer,
            by=world.leader,
            held_on=TODAY,
            interviewer=getattr(world, who),
            outcome="suitable",
        )
    assert list(refused.value.message_dict) == ["interviewer"]
    assert volunteer.interviews.count() == 0


def test_interview_in_the_future_is_refused(world: World) -> None:
    volunteer = _applicant(world, status="screening")
    with pytest.raises(ValidationError):
        actions.record_interview(
            volunteer,
            by=world.leader,
            held_on=TODAY + DAY,
            interviewer=world.leader,
            outcome="suitable",
        )
    assert volunteer.interviews.count() == 0


def test_record_reference_and_refuse_duplicates(world: World) -> None:
    volunteer = _applicant(world, status="screening")
    kwargs: dict[str, Any] = {
        "name": "Ola  Nordmann",
        "relation": "Leder",
        "contacted_on": TODAY,
        "is_positive": True,
    }
    actions.record_reference(volunteer, by=world.leader, **kwargs)
    with pytest.raises(ValidationError, match="allerede"):
        actions.record_reference(volunteer, by=world.leader, **kwargs)
    with pytest.raises(ValidationError):
        actions.record_reference(
            volunteer, by=world.leader, **{**kwargs, "contacted_on": TODAY + DAY}
        )
    assert [r.name for r in volunteer.references.all()] == ["Ola Nordmann"]


def test_record_paper_declaration(world: World) -> None:
    volunteer = _applicant(world, status="screening")
    text = DeclarationText.objects.get()
    actions.record_paper_declaration(volunteer, by=world.leader, text=text, signed_on=TODAY)
    declaration = volunteer.declarations.get()
    assert (declaration.method, declaration.recorded_by) == (
        ConfidentialityDeclaration.Method.PAPER,
        world.leader,
    )
    with pytest.raises(ValidationError, match="allerede signert"):
        actions.record_paper_declaration(volunteer, by=world.leader, text=text, signed_on=TODAY)
    with pytest.raises(ValidationError):
        actions.record_paper_declaration(
            _applicant(world, status="screening", email="b@example.no"),
            by=world.leader,
            text=text,
            signed_on=TODAY + DAY,
        )
    assert ConfidentialityDeclaration.objects.filter(volunteer__email="b@example.no").count() == 0


def test_declaration_before_the_text_was_published_is_refused(world: World) -> None:
    volunteer = _applicant(world, status="screening")
    text = DeclarationText.objects.get()
    with pytest.raises(ValidationError) as refused:
        actions.record_paper_declaration(
            volunteer, by=world.leader, text=text, signed_on=text.published_on - DAY
        )
    assert list(refused.value.message_dict) == ["signed_on"]

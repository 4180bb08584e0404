"""Concern actions: report, acknowledge, resolve, the urgent re-send and the overdue query."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.accounts.models import Role, TaskEmail
from ressursvenn.followup.actions import concerns as actions
from ressursvenn.followup.models import Concern, Notice
from ressursvenn.followup.tests.access_concerns import make_concern
from ressursvenn.followup.tests.builders import active_match, other_branch_match
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.models import Match
from ressursvenn.tests import factories

TEXT = "Amina ble truet av eksen ved Grønland t-bane"
HOUR = datetime.timedelta(hours=1)


def _report(match: Match, by: Any, **overrides: Any) -> Concern:
    data: dict[str, Any] = {
        "category": Concern.Category.SAFETY,
        "severity": Concern.Severity.URGENT,
        "description": TEXT,
        **overrides,
    }
    return actions.report_concern(match, by=by, **data)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _assert_discreet(message: Any, world: Any) -> None:
    text = f"{message.subject}\n{message.body}"
    for secret in ("Amina", "Vera", "Venn", "Grønland", "truet", "Oslo", "krisesenter"):
        assert secret not in text


def test_volunteer_reports_and_leaders_and_contact_get_a_discreet_email_at_once(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    match = active_match(world)
    second_leader = factories.member(world.branch, Role.GROUP_LEADER, full_name="Liv Leder")
    second_leader.task_email = TaskEmail.NONE
    second_leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        concern = _report(match, world.volunteer)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW
    assert concern.description == TEXT
    assert concern.reported_by == world.volunteer
    # Every leader of the branch and the centre contact, whatever they chose; not the reporter.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.leader.email, second_leader.email, world.staff.email]
    )
    for message in mail.outbox:
        _assert_discreet(message, world)
    assert Notice.objects.filter(key=f"concern:{concern.pk}").count() == 3
    (event,) = _events(AuditAction.CONCERN_REPORT)
    assert event.actor == world.volunteer
    assert event.organisation == world.branch
    assert event.changes["description"] == ["•••", "•••"]
    assert TEXT not in str(event.changes)


def test_a_less_serious_concern_also_reaches_them_at_once(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    match = active_match(world)
    with django_capture_on_commit_callbacks(execute=True):
        _report(match, world.leader, severity=Concern.Severity.INFORMATION)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.leader.email, world.staff.email])


def test_children_concern_is_flagged(world: Any) -> None:
    concern = _report(active_match(world), world.leader, category=Concern.Category.CHILDREN)
    assert concern.about_children is True


def test_staff_and_other_volunteer_may_not_report(world: Any) -> None:
    match = active_match(world)
    with pytest.raises(PermissionDenied):
        _report(match, world.staff)
    with pytest.raises(PermissionDenied):
        _report(match, world.other_volunteer)
    with pytest.raises(PermissionDenied):
        _report(match, world.other_leader)
    assert Concern.objects.count() == 0


@pytest.mark.parametrize("status", ["closed", "cancelled", "proposed"])
def test_no_report_on_a_match_that_is_not_going_on(world: Any, status: str) -> None:
    match = active_match(world, status=status)
    with pytest.raises(ValidationError) as error:
        _report(match, world.volunteer)
    assert error.value.messages == ["Du kan bare melde fra om en kobling som er i gang."]
    assert Concern.objects.count() == 0
    assert _events(AuditAction.CONCERN_REPORT) == []


def test_a_paused_match_can_still_get_a_concern(world: Any) -> None:
    concern = _report(active_match(world, status="paused"), world.volunteer)
    assert concern.pk is not None


def test_double_submit_is_refused(world: Any) -> None:
    match = active_match(world)
    _report(match, world.volunteer)
    with pytest.raises(ValidationError) as error:
        _report(match, world.volunteer)
    assert error.value.messages == ["Denne bekymringsmeldingen er allerede sendt."]
    assert Concern.objects.count() == 1
    # A different text is a new concern.
    _report(match, world.volunteer, description="Noe annet")
    assert Concern.objects.count() == 2


def test_bad_choices_are_refused(world: Any) -> None:
    match = active_match(world)
    with pytest.raises(ValidationError) as error:
        _report(match, world.volunteer, category="weather")
    assert error.value.message_dict == {"category": ["Velg hva det gjelder fra listen."]}
    with pytest.raises(ValidationError):
        _report(match, world.volunteer, severity="huge")
    with pytest.raises(ValidationError):
        _report(match, world.volunteer, description="   ")
    assert Concern.objects.count() == 0


def test_acknowledge_then_resolve(world: Any) -> None:
    concern = make_concern(world)
    actions.acknowledge_concern(concern, by=world.staff, note="Jeg ringer henne i dag")
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ACKNOWLEDGED
    assert concern.acknowledged_by == world.staff
    assert concern.acknowledge_note == "Jeg ringer henne i dag"
    actions.resolve_concern(concern, by=world.leader, resolution="Snakket med begge")
    concern.refresh_from_db()
    assert concern.status == Concern.Status.RESOLVED
    assert concern.resolved_by == world.leader
    assert concern.resolution == "Snakket med begge"
    (ack,) = _events(AuditAction.CONCERN_ACKNOWLEDGE)
    assert ack.changes["acknowledge_note"] == ["•••", "•••"]
    assert ack.changes["status"] == ["new", "acknowledged"]
    (resolve,) = _events(AuditAction.CONCERN_RESOLVE)
    assert resolve.changes["resolution"] == ["•••", "•••"]
    assert resolve.changes["status"] == ["acknowledged", "resolved"]


def test_acknowledge_twice_and_resolve_out_of_order_change_nothing(world: Any) -> None:
    concern = make_concern(world)
    with pytest.raises(ValidationError) as error:
        actions.resolve_concern(concern, by=world.leader, resolution="Ferdig")
    assert error.value.messages == ["Bekreft først at bekymringsmeldingen er mottatt."]
    actions.acknowledge_concern(concern, by=world.leader)
    with pytest.raises(ValidationError) as error:
        actions.acknowledge_concern(concern, by=world.staff)
    assert error.value.messages == ["Bekymringsmeldingen er allerede bekreftet mottatt."]
    concern.refresh_from_db()
    assert concern.acknowledged_by == world.leader
    with pytest.raises(ValidationError) as error:
        actions.resolve_concern(concern, by=world.leader, resolution="  ")
    assert error.value.message_dict == {"resolution": ["Skriv hva som er gjort."]}
    actions.resolve_concern(concern, by=world.leader, resolution="Ferdig")
    with pytest.raises(ValidationError) as error:
        actions.resolve_concern(concern, by=world.staff, resolution="Igjen")
    assert error.value.messages == ["Bekymringsmeldingen er allerede løst."]
    concern.refresh_from_db()
    assert concern.resolution == "Ferdig"
    assert len(_events(AuditAction.CONCERN_RESOLVE)) == 1


def test_only_leader_and_centre_handle(world: Any) -> None:
    concern = make_concern(world)
    for user in (world.volunteer, world.other_leader, world.other_staff, world.coordinator):
        with pytest.raises(PermissionDenied):
            actions.acknowledge_concern(concern, by=user)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW


def test_overdue_urgent_and_resend_with_a_controlled_clock(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reported = timezone.now()
    urgent = make_concern(world, reported_at=reported)
    make_concern(world, severity=Concern.Severity.SOON, reported_at=reported - 48 * HOUR)
    other = make_concern(world, match=other_branch_match(world), reported_by=world.other_volunteer)
    other.reported_at = reported - 48 * HOUR
    other.save()
    limit = reported + 24 * HOUR
    everything = Concern.objects.all()
    assert list(actions.overdue_urgent(everything, limit - HOUR)) == [other]
    assert set(actions.overdue_urgent(everything, limit)) == {urgent, other}

    assert actions.resend_unacknowledged(now=limit - HOUR) == 1  # the other branch's only
    mail.outbox.clear()
    assert actions.resend_unacknowledged(now=limit) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.leader.email, world.staff.email])
    for message in mail.outbox:
        _assert_discreet(message, world)
    urgent.refresh_from_db()
    assert urgent.resent_at == limit
    events = [e for e in _events(AuditAction.CONCERN_RESEND) if e.object_id == str(urgent.pk)]
    assert len(events) == 1
    assert events[0].actor is None
    # Run twice: nothing more.
    mail.outbox.clear()
    assert actions.resend_unacknowledged(now=limit + HOUR) == 0
    assert mail.outbox == []


def test_resend_skips_acknowledged(world: Any) -> None:
    concern = make_concern(world, reported_at=timezone.now() - 30 * HOUR)
    actions.acknowledge_concern(concern, by=world.leader)
    assert actions.resend_unacknowledged() == 0
    assert mail.outbox == []


def test_resend_resumes_after_a_crash_between_two_emails(world: Any, monkeypatch: Any) -> None:
    concern = make_concern(world, reported_at=timezone.now() - 30 * HOUR)
    real = actions.notify.send_once
    calls: list[str] = []

    def crash_on_second(user: Any, key: str, **kwargs: Any) -> bool:
        calls.append(user.email)
        if len(calls) == 2:
            raise RuntimeError("crash")
        return real(user, key, **kwargs)

    monkeypatch.setattr(actions.notify, "send_once", crash_on_second)
    with pytest.raises(RuntimeError):
        actions.resend_unacknowledged()
    assert len(mail.outbox) == 1
    concern.refresh_from_db()
    assert concern.resent_at is None
    monkeypatch.setattr(actions.notify, "send_once", real)
    assert actions.resend_unacknowledged() == 1
    # The one already e-mailed is not e-mailed again; the other gets hers.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.leader.email, world.staff.email])
    concern.refresh_from_db()
    assert concern.resent_at is not None


def test_inactive_contact_gets_nothing(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    match = active_match(world)
    world.staff.is_active = False
    world.staff.save()
    match.referral.contact.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        _report(match, world.volunteer)
    assert [m.to[0] for m in mail.outbox] == [world.leader.email]

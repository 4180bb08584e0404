"""Pause for safety: pausing, the two-step resume in either order, paused days."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role, TaskEmail
from ressursvenn.followup.actions import pauses as actions
from ressursvenn.followup.models import Notice, Pause
from ressursvenn.followup.pauses import paused_days
from ressursvenn.followup.tests.access_pauses import paused_match
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.models import Match
from ressursvenn.tests import factories

REASON = "Eksen til Amina har funnet ut hvor hun bor"
DAY = datetime.timedelta(days=1)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.mark.parametrize("who", ["leader", "staff"])
def test_leader_or_centre_pauses_an_active_match(world: Any, who: str) -> None:
    match = active_match(world)
    pause = actions.pause_match(match, by=getattr(world, who), reason=REASON)
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED
    assert pause.reason == REASON
    assert pause.started_on == timezone.localdate()
    assert pause.paused_by == getattr(world, who)
    (event,) = _events(AuditAction.MATCH_PAUSE)
    assert event.changes["status"] == ["active", "paused"]
    assert event.changes["pause.reason"] == ["•••", "•••"]
    assert REASON not in str(event.changes)


def test_an_ending_match_can_be_paused(world: Any) -> None:
    match = active_match(world, status="ending")
    actions.pause_match(match, by=world.leader, reason=REASON)
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED


@pytest.mark.parametrize("who", ["volunteer", "other_leader", "other_staff", "coordinator"])
def test_a_role_that_may_not_pause(world: Any, who: str) -> None:
    match = active_match(world)
    with pytest.raises(PermissionDenied):
        actions.pause_match(match, by=getattr(world, who), reason=REASON)
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert Pause.objects.count() == 0


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("paused", "Koblingen er allerede satt på pause."),
        ("closed", "Bare en kobling som er i gang kan settes på pause."),
        ("meeting_planned", "Bare en kobling som er i gang kan settes på pause."),
    ],
)
def test_pause_refused_when_not_going_on(world: Any, status: str, message: str) -> None:
    match = active_match(world, status=status)
    with pytest.raises(ValidationError) as error:
        actions.pause_match(match, by=world.leader, reason=REASON)
    assert error.value.messages == [message]
    assert Pause.objects.count() == 0
    assert _events(AuditAction.MATCH_PAUSE) == []


def test_pause_needs_a_reason(world: Any) -> None:
    match = active_match(world)
    with pytest.raises(ValidationError) as error:
        actions.pause_match(match, by=world.leader, reason="  ")
    assert error.value.message_dict == {"reason": ["Skriv hvorfor koblingen settes på pause."]}
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE


@pytest.mark.parametrize("first", ["leader", "staff"])
def test_resume_needs_both_sides_in_either_order(
    world: Any, first: str, django_capture_on_commit_callbacks: Any
) -> None:
    second = "staff" if first == "leader" else "leader"
    match = paused_match(world, days_ago=10)
    end = match.planned_end_on
    assert end is not None
    for user in (world.leader, world.staff):
        user.task_email = TaskEmail.EVERY
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.confirm_resume(match, by=getattr(world, first)) is False
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED  # only one of the two confirmations
    pause = Pause.objects.get()
    # The other side got a task (and, as she chose, an e-mail without any detail).
    assert [m.to[0] for m in mail.outbox] == [getattr(world, second).email]
    assert "Amina" not in mail.outbox[0].body
    assert Notice.objects.filter(key=f"resume:{pause.pk}").count() == 1
    (confirm,) = _events(AuditAction.MATCH_RESUME_CONFIRM)
    assert confirm.actor == getattr(world, first)

    assert actions.confirm_resume(match, by=getattr(world, second)) is True
    match.refresh_from_db()
    pause.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert pause.ended_on == timezone.localdate()
    assert pause.end_moved_days == 10
    assert match.planned_end_on == end + 10 * DAY
    assert pause.leader_confirmed_by == world.leader
    assert pause.centre_confirmed_by == world.staff
    (resumed,) = _events(AuditAction.MATCH_RESUME)
    assert resumed.changes["status"] == ["paused", "active"]
    assert resumed.changes["planned_end_on"] == [end.isoformat(), (end + 10 * DAY).isoformat()]
    assert paused_days(match) == 10


def test_leader_may_keep_the_planned_end(world: Any) -> None:
    match = paused_match(world, days_ago=5)
    end = match.planned_end_on
    actions.confirm_resume(match, by=world.staff)
    actions.confirm_resume(match, by=world.leader, move_end=False)
    match.refresh_from_db()
    assert match.planned_end_on == end
    assert Pause.objects.get().end_moved_days == 0
    assert paused_days(match) == 5


def test_the_leaders_choice_holds_when_she_confirms_first(world: Any) -> None:
    match = paused_match(world, days_ago=5)
    end = match.planned_end_on
    actions.confirm_resume(match, by=world.leader, move_end=False)
    actions.confirm_resume(match, by=world.staff, move_end=True)  # not the centre's choice
    match.refresh_from_db()
    assert (match.status, match.planned_end_on) == (Match.Status.ACTIVE, end)
    assert (Pause.objects.get().move_end, Pause.objects.get().end_moved_days) == (False, 0)


def test_the_same_side_twice_changes_nothing(world: Any) -> None:
    match = paused_match(world)
    actions.confirm_resume(match, by=world.leader)
    with pytest.raises(ValidationError) as error:
        actions.confirm_resume(match, by=world.leader)
    assert error.value.messages == [
        "Gruppelederen har allerede bekreftet. Nå må krisesenteret bekrefte."
    ]
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED
    assert len(_events(AuditAction.MATCH_RESUME_CONFIRM)) == 1


def test_confirming_a_match_no_longer_paused(world: Any) -> None:
    match = paused_match(world)
    actions.confirm_resume(match, by=world.leader)
    actions.confirm_resume(match, by=world.staff)
    with pytest.raises(ValidationError) as error:
        actions.confirm_resume(match, by=world.staff)
    assert error.value.messages == ["Koblingen er ikke satt på pause lenger."]
    assert len(_events(AuditAction.MATCH_RESUME)) == 1


@pytest.mark.parametrize("who", ["volunteer", "other_leader", "other_staff"])
def test_a_role_that_may_not_confirm(world: Any, who: str) -> None:
    match = paused_match(world)
    with pytest.raises(PermissionDenied):
        actions.confirm_resume(match, by=getattr(world, who))
    pause = Pause.objects.get()
    assert (pause.leader_confirmed_at, pause.centre_confirmed_at) == (None, None)


def test_paused_days_count_every_pause_and_the_open_one_to_today(world: Any) -> None:
    match = paused_match(world, days_ago=3)
    today = timezone.localdate()
    Pause.objects.create(
        match=match,
        reason="tidligere",
        started_on=today - 30 * DAY,
        ended_on=today - 20 * DAY,
        paused_by=world.leader,
    )
    assert paused_days(match) == 13
    assert paused_days(match, today=today + DAY) == 14


def test_resuming_the_same_day_moves_nothing(world: Any) -> None:
    match = active_match(world)
    end = match.planned_end_on
    actions.pause_match(match, by=world.staff, reason=REASON)
    actions.confirm_resume(match, by=world.staff)
    actions.confirm_resume(match, by=world.leader)
    match.refresh_from_db()
    assert (match.status, match.planned_end_on) == (Match.Status.ACTIVE, end)


def test_moving_the_end_extends_the_checkin_schedule(world: Any, monkeypatch: Any) -> None:
    calls: list[tuple[int, Any]] = []
    monkeypatch.setattr(
        actions.checkins, "extend_schedule", lambda match, *, by: calls.append((match.pk, by))
    )
    match = paused_match(world, days_ago=4)
    actions.confirm_resume(match, by=world.leader)
    assert calls == []
    actions.confirm_resume(match, by=world.staff)
    assert calls == [(match.pk, world.staff)]


def test_one_person_with_both_roles_cannot_resume_alone(world: Any) -> None:
    both = factories.member(world.branch, Role.GROUP_LEADER, full_name="Begge Roller")
    Membership.objects.create(user=both, organisation=world.centre, role=Role.CRISIS_STAFF)
    match = paused_match(world)
    actions.confirm_resume(match, by=both)
    assert Pause.objects.get().leader_confirmed_by == both
    with pytest.raises(ValidationError):
        actions.confirm_resume(match, by=both)
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED
    assert Pause.objects.get().centre_confirmed_at is None

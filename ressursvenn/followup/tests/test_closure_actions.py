"""Extension and closure actions: extend_match, record_closing_conversation, close_match."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.followup.actions import checkins
from ressursvenn.followup.actions import closure as actions
from ressursvenn.followup.models import (
    CheckIn,
    ClosingConversation,
    Closure,
    Extension,
    PairRoom,
    Pause,
    PlannedMeeting,
)
from ressursvenn.followup.tests.builders import active_match, other_branch_match
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import Volunteer

DAY = datetime.timedelta(days=1)
NOTE = "Hemmelig notat om Amina"


def _today() -> datetime.date:
    return timezone.localdate()


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _both_conversations(match: Match, by: Any) -> None:
    for party in ("volunteer", "woman"):
        actions.record_closing_conversation(
            match, by=by, party=party, held_on=_today(), mode="phone", notes=NOTE
        )


def _close(match: Match, by: Any, **overrides: Any) -> Closure:
    arguments: dict[str, Any] = {
        "reason": Closure.Reason.COMPLETED,
        "ended_on": _today(),
        "keep_in_touch": Closure.KeepInTouch.YES,
        "volunteer_next": Closure.VolunteerNext.AVAILABLE,
        "note": NOTE,
        **overrides,
    }
    return actions.close_match(match, by=by, **arguments)


# --- extension ----------------------------------------------------------------------------------


def test_extend_moves_the_planned_end_and_keeps_the_reason_out_of_the_trail(world: Any) -> None:
    match = active_match(world)
    old_end = match.planned_end_on
    new_end = old_end + datetime.timedelta(days=60)

    extension = actions.extend_match(match, by=world.leader, new_end_on=new_end, reason=NOTE)

    match.refresh_from_db()
    assert match.planned_end_on == new_end
    assert extension.previous_end_on == old_end
    assert extension.new_end_on == new_end
    assert Extension.objects.get().reason == NOTE
    (event,) = _events(AuditAction.MATCH_EXTEND)
    assert event.changes["planned_end_on"] == [old_end.isoformat(), new_end.isoformat()]
    assert NOTE not in str(event.changes)


def test_extension_must_be_later_than_the_current_end(world: Any) -> None:
    match = active_match(world)
    old_end = match.planned_end_on
    with pytest.raises(ValidationError) as caught:
        actions.extend_match(match, by=world.leader, new_end_on=old_end, reason="Mer tid")
    assert list(caught.value.message_dict) == ["new_end_on"]
    assert "etter dagens planlagte slutt" in caught.value.message_dict["new_end_on"][0]
    match.refresh_from_db()
    assert match.planned_end_on == old_end
    assert Extension.objects.count() == 0


def test_extension_past_the_maximum_names_the_limit(world: Any) -> None:
    match = active_match(world)
    old_end = match.planned_end_on
    limit = add_months(match.started_on, settings.MATCH_EXTENDED_MAX_MONTHS)
    with pytest.raises(ValidationError) as caught:
        actions.extend_match(match, by=world.leader, new_end_on=limit + DAY, reason="Mer tid")
    message = caught.value.message_dict["new_end_on"][0]
    assert f"høyst {settings.MATCH_EXTENDED_MAX_MONTHS} måneder" in message
    assert actions.day_text(limit) in message
    match.refresh_from_db()
    assert match.planned_end_on == old_end
    assert Extension.objects.count() == 0
    assert _events(AuditAction.MATCH_EXTEND) == []
    # The limit itself is allowed.
    actions.extend_match(match, by=world.leader, new_end_on=limit, reason="Mer tid")
    match.refresh_from_db()
    assert match.planned_end_on == limit


def test_extension_needs_a_reason(world: Any) -> None:
    match = active_match(world)
    with pytest.raises(ValidationError) as caught:
        actions.extend_match(
            match, by=world.leader, new_end_on=match.planned_end_on + DAY, reason="  "
        )
    assert list(caught.value.message_dict) == ["reason"]
    assert Extension.objects.count() == 0


def test_extension_of_an_ending_match_keeps_it_ending(world: Any) -> None:
    match = active_match(world, status="ending")
    actions.extend_match(
        match, by=world.leader, new_end_on=match.planned_end_on + DAY, reason="Mer tid"
    )
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING


def test_closed_match_cannot_be_extended(world: Any) -> None:
    match = active_match(world, status="closed")
    old_end = match.planned_end_on
    with pytest.raises(ValidationError) as caught:
        actions.extend_match(match, by=world.leader, new_end_on=old_end + DAY, reason="Mer tid")
    assert caught.value.code == "stale"
    assert caught.value.messages == ["Koblingen er allerede avsluttet. Ingenting er endret."]
    match.refresh_from_db()
    assert match.planned_end_on == old_end
    assert Extension.objects.count() == 0


@pytest.mark.parametrize("who", ["staff", "volunteer", "other_leader", "coordinator"])
def test_only_the_branch_leader_may_extend(world: Any, who: str) -> None:
    match = active_match(world)
    with pytest.raises(PermissionDenied):
        actions.extend_match(
            match, by=getattr(world, who), new_end_on=match.planned_end_on + DAY, reason="x"
        )
    assert Extension.objects.count() == 0


# --- closing conversations ------------------------------------------------------------------------


def test_first_conversation_starts_the_closing(world: Any) -> None:
    match = active_match(world)
    conversation = actions.record_closing_conversation(
        match, by=world.leader, party="volunteer", held_on=_today(), mode="phone", notes=NOTE
    )
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING
    assert conversation.notes == NOTE
    (recorded,) = _events(AuditAction.MATCH_CLOSING_CONVERSATION)
    assert NOTE not in str(recorded.changes)
    (started,) = _events(AuditAction.MATCH_START_CLOSING)
    assert started.changes["status"] == ["active", "ending"]

    # The second one: the match stays ending, no second start event.
    actions.record_closing_conversation(
        match, by=world.leader, party="woman", held_on=_today(), mode="not_held"
    )
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING
    assert len(_events(AuditAction.MATCH_START_CLOSING)) == 1
    assert actions.missing_parties(match) == []


def test_recording_again_corrects_the_conversation(world: Any) -> None:
    match = active_match(world)
    actions.record_closing_conversation(
        match, by=world.leader, party="woman", held_on=_today() - DAY, mode="phone"
    )
    actions.record_closing_conversation(
        match, by=world.leader, party="woman", held_on=_today(), mode="video", notes="Rettet"
    )
    row = ClosingConversation.objects.get()
    assert (row.held_on, row.mode, row.notes) == (_today(), "video", "Rettet")
    # The same again (a double submit) writes no audit event.
    events = AuditEvent.objects.count()
    actions.record_closing_conversation(
        match, by=world.leader, party="woman", held_on=_today(), mode="video", notes="Rettet"
    )
    assert AuditEvent.objects.count() == events


def test_conversation_on_a_paused_match_keeps_it_paused(world: Any) -> None:
    match = active_match(world, status="paused")
    actions.record_closing_conversation(
        match, by=world.leader, party="volunteer", held_on=_today(), mode="in_person"
    )
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED


@pytest.mark.parametrize(
    ("offset", "text"),
    [(1, "fram i tid"), (-41, "før koblingen startet")],
)
def test_conversation_date_must_lie_within_the_match(world: Any, offset: int, text: str) -> None:
    match = active_match(world, started_days_ago=40)
    with pytest.raises(ValidationError) as caught:
        actions.record_closing_conversation(
            match,
            by=world.leader,
            party="volunteer",
            held_on=_today() + datetime.timedelta(days=offset),
            mode="phone",
        )
    assert text in caught.value.message_dict["held_on"][0]
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert ClosingConversation.objects.count() == 0


def test_conversation_on_a_closed_match_is_refused(world: Any) -> None:
    match = active_match(world, status="closed")
    with pytest.raises(ValidationError) as caught:
        actions.record_closing_conversation(
            match, by=world.leader, party="volunteer", held_on=_today(), mode="phone"
        )
    assert caught.value.code == "stale"
    assert ClosingConversation.objects.count() == 0


@pytest.mark.parametrize("who", ["staff", "volunteer", "other_leader"])
def test_only_the_branch_leader_records_conversations(world: Any, who: str) -> None:
    match = active_match(world)
    with pytest.raises(PermissionDenied):
        actions.record_closing_conversation(
            match, by=getattr(world, who), party="volunteer", held_on=_today(), mode="phone"
        )
    assert ClosingConversation.objects.count() == 0


# --- closure ------------------------------------------------------------------------------------


def test_close_ends_everything_in_one_go(world: Any) -> None:
    match = active_match(world)
    now = timezone.now()
    future = PlannedMeeting.objects.create(
        match=match,
        starts_at=now + datetime.timedelta(days=3),
        mode="digital",
        created_by=world.volunteer,
    )
    past = PlannedMeeting.objects.create(
        match=match,
        starts_at=now - datetime.timedelta(days=3),
        mode="digital",
        created_by=world.volunteer,
    )
    PairRoom.objects.create(
        match=match, video_url="https://meet.example/room", renewed_by=world.volunteer
    )
    _both_conversations(match, world.leader)

    closure = _close(match, world.leader)

    match.refresh_from_db()
    assert match.status == Match.Status.CLOSED
    assert match.ended_on == _today()
    assert closure.note == NOTE
    assert closure.planned is False  # 9 months planned, closed after 40 days: early
    referral = Referral.objects.get(pk=match.referral_id)
    assert referral.status == Referral.Status.CLOSED
    assert referral.closed_at is not None
    future.refresh_from_db()
    past.refresh_from_db()
    assert future.cancelled_at is not None
    assert past.cancelled_at is None
    assert PairRoom.objects.filter(match=match).exists() is False
    volunteer = Volunteer.objects.get(pk=match.volunteer_id)
    assert volunteer.status == Volunteer.Status.APPROVED
    assert Match.objects.filter(volunteer=volunteer).open().count() == 0
    closed = [
        event for event in _events(AuditAction.MATCH_CLOSE) if event.object_type == "matching.match"
    ]
    assert len(closed) == 1
    assert closed[0].changes["status"] == ["ending", "closed"]
    assert closed[0].changes["reason"] == [None, "completed"]
    assert NOTE not in str(AuditEvent.objects.values_list("changes", flat=True))
    referral_events = AuditEvent.objects.filter(
        object_type="participants.referral", action=AuditAction.REFERRAL_CLOSE
    )
    assert referral_events.count() == 1


def test_closing_twice_is_refused_and_changes_nothing(world: Any) -> None:
    match = active_match(world)
    _both_conversations(match, world.leader)
    _close(match, world.leader)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _close(match, world.leader, reason=Closure.Reason.OTHER)
    assert caught.value.code == "stale"
    assert caught.value.messages == ["Koblingen er allerede avsluttet. Ingenting er endret."]
    assert Closure.objects.get().reason == Closure.Reason.COMPLETED
    assert AuditEvent.objects.count() == events


def test_close_needs_both_conversations(world: Any) -> None:
    match = active_match(world)
    actions.record_closing_conversation(
        match, by=world.leader, party="volunteer", held_on=_today(), mode="phone"
    )
    with pytest.raises(ValidationError) as caught:
        _close(match, world.leader)
    assert caught.value.code == "missing_conversations"
    assert "både ressursvennen og kvinnen" in caught.value.messages[0]
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING
    assert Closure.objects.count() == 0
    assert Referral.objects.get(pk=match.referral_id).status == Referral.Status.MATCHED


@pytest.mark.parametrize(
    ("offset", "text"),
    [(1, "fram i tid"), (-41, "før koblingen startet")],
)
def test_close_date_must_lie_within_the_match(world: Any, offset: int, text: str) -> None:
    match = active_match(world, started_days_ago=40)
    _both_conversations(match, world.leader)
    with pytest.raises(ValidationError) as caught:
        _close(match, world.leader, ended_on=_today() + datetime.timedelta(days=offset))
    assert text in caught.value.message_dict["ended_on"][0]
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING
    assert Closure.objects.count() == 0


def test_planned_when_ended_within_the_notice_days_of_the_planned_end(world: Any) -> None:
    match = active_match(world, started_days_ago=300)
    assert match.planned_end_on is not None
    Match.objects.filter(pk=match.pk).update(
        planned_end_on=_today() + datetime.timedelta(days=settings.MATCH_END_NOTICE_DAYS)
    )
    match.refresh_from_db()
    _both_conversations(match, world.leader)
    assert _close(match, world.leader).planned is True


def test_closing_a_paused_match_ends_the_pause(world: Any) -> None:
    match = active_match(world, status="paused")
    pause = Pause.objects.create(
        match=match, reason="Trussel", started_on=_today() - 5 * DAY, paused_by=world.leader
    )
    _both_conversations(match, world.leader)
    _close(match, world.leader, reason=Closure.Reason.SAFETY, ended_on=_today() - DAY)
    pause.refresh_from_db()
    assert pause.ended_on == _today() - DAY
    match.refresh_from_db()
    assert match.status == Match.Status.CLOSED


def test_volunteer_takes_a_pause(world: Any) -> None:
    match = active_match(world)
    _both_conversations(match, world.leader)
    _close(match, world.leader, volunteer_next=Closure.VolunteerNext.PAUSE)
    volunteer = Volunteer.objects.get(pk=match.volunteer_id)
    assert volunteer.status == Volunteer.Status.PAUSED
    assert _events("volunteer.pause")[0].object_id == str(volunteer.pk)


def test_volunteer_ends(world: Any) -> None:
    match = active_match(world)
    _both_conversations(match, world.leader)
    _close(match, world.leader, volunteer_next=Closure.VolunteerNext.END)
    volunteer = Volunteer.objects.get(pk=match.volunteer_id)
    assert volunteer.status == Volunteer.Status.ENDED
    assert (
        Membership.objects.filter(
            user=world.volunteer, role=Role.VOLUNTEER, is_active=True
        ).exists()
        is False
    )


def test_volunteer_cannot_end_while_she_has_another_open_match(world: Any) -> None:
    match = active_match(world)
    volunteer = match.volunteer
    Volunteer.objects.filter(pk=volunteer.pk).update(capacity=2)
    other = factories.referral(world.centre, world.branch, status="proposed")
    factories.match(other, volunteer, status="proposed")
    _both_conversations(match, world.leader)
    with pytest.raises(ValidationError) as caught:
        _close(match, world.leader, volunteer_next=Closure.VolunteerNext.END)
    assert list(caught.value.message_dict) == ["volunteer_next"]
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING
    assert Closure.objects.count() == 0
    assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.APPROVED


@pytest.mark.parametrize("who", ["staff", "volunteer", "other_leader", "coordinator"])
def test_only_the_branch_leader_may_close(world: Any, who: str) -> None:
    match = active_match(world)
    _both_conversations(match, world.leader)
    with pytest.raises(PermissionDenied):
        _close(match, getattr(world, who))
    match.refresh_from_db()
    assert match.status == Match.Status.ENDING
    assert Closure.objects.count() == 0


def test_another_branch_leader_may_not_close_her_match(world: Any) -> None:
    match = other_branch_match(world)
    with pytest.raises(PermissionDenied):
        _close(match, world.leader)


def test_ends_soon_within_the_notice_days(world: Any) -> None:
    match = active_match(world)
    notice = datetime.timedelta(days=settings.MATCH_END_NOTICE_DAYS)
    match.planned_end_on = _today() + notice
    assert actions.ends_soon(match) is True
    match.planned_end_on = _today() + notice + DAY
    assert actions.ends_soon(match) is False
    match.status = Match.Status.CLOSED
    match.planned_end_on = _today()
    assert actions.ends_soon(match) is False


def test_extension_and_closure_carry_the_check_in_schedule(world: Any) -> None:
    match = active_match(world)
    checkins.create_schedule(match, by=world.leader)
    before = CheckIn.objects.filter(match=match).count()
    end = match.planned_end_on
    actions.extend_match(
        match, by=world.leader, new_end_on=end + datetime.timedelta(days=92), reason="Mer tid"
    )
    assert CheckIn.objects.filter(match=match).count() > before

    _both_conversations(match, world.leader)
    _close(match, world.leader)
    still_planned = CheckIn.objects.filter(match=match, status=CheckIn.Status.PLANNED)
    assert still_planned.count() == 0

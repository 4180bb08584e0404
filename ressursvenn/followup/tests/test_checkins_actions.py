"""Check-in actions: the schedule (created on activation, extended, cancelled), recording one,
and a guidance meeting counted as the volunteers' check-ins."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.followup.actions import checkins as actions
from ressursvenn.followup.checkins import due_checkins
from ressursvenn.followup.models import CheckIn
from ressursvenn.followup.schedule import due_dates
from ressursvenn.followup.tests.access_checkins import (
    first_planned,
    guidance_session,
    scheduled_match,
)
from ressursvenn.followup.tests.builders import active_match, other_branch_match
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.actions.meetings import add_months, record_meeting_outcome
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.matching.tests.access_meetings import build_match

pytestmark = pytest.mark.django_db

D = datetime.date


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _held(**fields: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "held_on": timezone.localdate(),
        "mode": CheckIn.Mode.PHONE,
        "rating": 4,
        "notes": "Hun har fått ny jobb.",
    }
    arguments.update(fields)
    return arguments


def _pairs(match: Match) -> list[tuple[str, D]]:
    return list(
        CheckIn.objects.filter(match=match)
        .order_by("due_on", "party")
        .values_list("party", "due_on")
    )


# The schedule ---------------------------------------------------------------------------


def test_schedule_has_both_parties_on_every_due_date_and_is_audited_once(world: World) -> None:
    match = active_match(world)
    actions.create_schedule(match, by=world.leader)
    assert match.started_on is not None
    dates = due_dates(match.started_on, match.planned_end_on)
    assert _pairs(match) == [(party, day) for day in dates for party in ("volunteer", "woman")]
    assert set(CheckIn.objects.filter(match=match).values_list("status", flat=True)) == {"planned"}
    events = _events(AuditAction.CHECKIN_SCHEDULE)
    assert [(e.object_id, e.changes) for e in events] == [
        (str(match.pk), {"checkins": [0, 2 * len(dates)]})
    ]


def test_schedule_is_idempotent(world: World) -> None:
    match = scheduled_match(world)
    before = _pairs(match)
    actions.create_schedule(match, by=world.leader)
    actions.extend_schedule(match, by=world.leader)
    assert _pairs(match) == before
    assert len(_events(AuditAction.CHECKIN_SCHEDULE)) == 1


def test_schedule_of_a_match_started_31_january_2028(world: World) -> None:
    match = active_match(world)
    Match.objects.filter(pk=match.pk).update(
        started_on=D(2028, 1, 31), planned_end_on=add_months(D(2028, 1, 31), 12)
    )
    match.refresh_from_db()
    actions.create_schedule(match, by=world.leader)
    days = sorted(set(CheckIn.objects.filter(match=match).values_list("due_on", flat=True)))
    assert days[:4] == [D(2028, 2, 14), D(2028, 2, 29), D(2028, 3, 31), D(2028, 4, 30)]
    assert days[-1] == D(2029, 1, 31)
    assert len(days) == 13


def test_schedule_of_a_match_started_on_leap_day(world: World) -> None:
    match = active_match(world)
    Match.objects.filter(pk=match.pk).update(
        started_on=D(2028, 2, 29), planned_end_on=add_months(D(2028, 2, 29), 12)
    )
    match.refresh_from_db()
    assert match.planned_end_on == D(2029, 2, 28)
    actions.create_schedule(match, by=world.leader)
    days = sorted(set(CheckIn.objects.filter(match=match).values_list("due_on", flat=True)))
    assert days[-1] == D(2029, 2, 28)
    assert days[1:3] == [D(2028, 3, 29), D(2028, 4, 29)]


def test_activating_a_match_creates_its_schedule(world: World) -> None:
    match = build_match(
        world,
        status="meeting_planned",
        meeting_at=timezone.now() - datetime.timedelta(hours=1),
    )
    record_meeting_outcome(
        match, by=world.leader, outcome=MatchingMeeting.Outcome.CONTINUE, months=9
    )
    match.refresh_from_db()
    assert match.started_on is not None
    dates = due_dates(match.started_on, match.planned_end_on)
    assert CheckIn.objects.filter(match=match).count() == 2 * len(dates)


def test_extend_adds_the_missing_check_ins_up_to_the_new_end(world: World) -> None:
    match = scheduled_match(world, months=9)
    assert match.started_on is not None
    assert match.planned_end_on is not None
    held = first_planned(match)
    actions.record_checkin(held, by=world.leader, **_held())
    count = CheckIn.objects.filter(match=match).count()
    match.planned_end_on = add_months(match.started_on, 11)
    match.save(update_fields=["planned_end_on"])
    actions.extend_schedule(match, by=world.leader)
    assert CheckIn.objects.filter(match=match).count() == count + 4
    assert CheckIn.objects.filter(match=match, due_on=match.planned_end_on).count() == 2
    held.refresh_from_db()
    assert held.status == CheckIn.Status.HELD
    assert _events(AuditAction.CHECKIN_SCHEDULE)[-1].changes == {"checkins": [count, count + 4]}


def test_cancel_open_checkins_cancels_every_planned_one(world: World) -> None:
    match = scheduled_match(world, started_days_ago=40)
    held = first_planned(match)
    actions.record_checkin(held, by=world.leader, **_held())
    total = CheckIn.objects.filter(match=match).count()
    actions.cancel_open_checkins(match, by=world.leader)
    rows = CheckIn.objects.filter(match=match)
    assert rows.filter(status="planned").count() == 0
    assert rows.filter(status="held").count() == 1
    assert rows.filter(status="cancelled").count() == total - 1
    assert _events(AuditAction.CHECKIN_CANCEL)[-1].changes == {"cancelled": [0, total - 1]}


# Recording -----------------------------------------------------------------------------


def test_record_checkin_saves_and_audits_with_notes_masked(world: World) -> None:
    match = scheduled_match(world)
    checkin = first_planned(match, CheckIn.Party.WOMAN)
    row = actions.record_checkin(
        checkin,
        by=world.leader,
        **_held(
            via=CheckIn.Via.CENTRE,
            followup_needed=True,
            followup_what="Snakke med krisesenteret om bolig.",
        ),
    )
    row.refresh_from_db()
    assert row.status == CheckIn.Status.HELD
    assert row.held_on == timezone.localdate()
    assert row.mode == CheckIn.Mode.PHONE
    assert row.via == CheckIn.Via.CENTRE
    assert row.rating == 4
    assert row.notes == "Hun har fått ny jobb."
    assert row.followup_what == "Snakke med krisesenteret om bolig."
    assert row.held_by == world.leader
    event = _events(AuditAction.CHECKIN_RECORD)[-1]
    assert event.changes["notes"] == ["•••", "•••"]
    assert event.changes["followup_what"] == ["•••", "•••"]
    assert event.changes["status"] == ["planned", "held"]
    assert "jobb" not in str(event.changes)


def test_a_check_in_may_be_held_early(world: World) -> None:
    match = scheduled_match(world, started_days_ago=2)
    later = CheckIn.objects.filter(match=match, party="volunteer").order_by("-due_on").first()
    assert later is not None
    actions.record_checkin(later, by=world.leader, **_held())
    later.refresh_from_db()
    assert later.status == CheckIn.Status.HELD


def test_the_volunteers_check_in_has_no_via(world: World) -> None:
    checkin = first_planned(scheduled_match(world))
    row = actions.record_checkin(checkin, by=world.leader, **_held(via=CheckIn.Via.CENTRE))
    assert row.via == ""


def _refused(checkin: CheckIn, world: World, **fields: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        actions.record_checkin(checkin, by=world.leader, **_held(**fields))
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.PLANNED
    assert checkin.held_on is None
    assert _events(AuditAction.CHECKIN_RECORD) == []
    return caught.value


def test_a_date_in_the_future_is_refused(world: World) -> None:
    checkin = first_planned(scheduled_match(world))
    error = _refused(checkin, world, held_on=timezone.localdate() + datetime.timedelta(days=1))
    assert error.message_dict == {"held_on": ["Datoen kan ikke være fram i tid."]}


def test_a_date_before_the_start_is_refused(world: World) -> None:
    match = scheduled_match(world, started_days_ago=10)
    assert match.started_on is not None
    error = _refused(
        first_planned(match), world, held_on=match.started_on - datetime.timedelta(days=1)
    )
    assert error.message_dict == {"held_on": ["Datoen kan ikke være før koblingen startet."]}


def test_follow_up_needs_what(world: World) -> None:
    error = _refused(first_planned(scheduled_match(world)), world, followup_needed=True)
    assert error.message_dict == {"followup_what": ["Skriv hva som må følges opp."]}


def test_the_womans_check_in_needs_via(world: World) -> None:
    checkin = first_planned(scheduled_match(world), CheckIn.Party.WOMAN)
    error = _refused(checkin, world, via="")
    assert list(error.message_dict) == ["via"]


def test_a_group_mode_is_refused_on_the_form_path(world: World) -> None:
    error = _refused(first_planned(scheduled_match(world)), world, mode=CheckIn.Mode.GROUP)
    assert list(error.message_dict) == ["mode"]


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_a_check_in_on_a_closed_match_is_refused(world: World, status: str) -> None:
    match = scheduled_match(world)
    checkin = first_planned(match)
    Match.objects.filter(pk=match.pk).update(
        status=status, ended_on=timezone.localdate() if status == "closed" else None
    )
    error = _refused(checkin, world)
    assert error.messages == ["Koblingen er avsluttet."]
    assert error.code == "stale"


def test_a_paused_match_can_have_its_check_in(world: World) -> None:
    match = scheduled_match(world)
    Match.objects.filter(pk=match.pk).update(status="paused")
    checkin = first_planned(match)
    actions.record_checkin(checkin, by=world.leader, **_held())
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.HELD


def test_a_double_submit_changes_nothing(world: World) -> None:
    checkin = first_planned(scheduled_match(world))
    actions.record_checkin(checkin, by=world.leader, **_held(rating=5))
    with pytest.raises(ValidationError) as caught:
        actions.record_checkin(checkin, by=world.leader, **_held(rating=1, notes="Annet"))
    assert caught.value.messages == ["Denne oppfølgingssamtalen er allerede registrert."]
    checkin.refresh_from_db()
    assert (checkin.rating, checkin.notes) == (5, "Hun har fått ny jobb.")
    assert len(_events(AuditAction.CHECKIN_RECORD)) == 1


@pytest.mark.parametrize("who", ["other_leader", "staff", "volunteer", "coordinator"])
def test_only_the_branch_leader_may_record(world: World, who: str) -> None:
    checkin = first_planned(scheduled_match(world))
    with pytest.raises(PermissionDenied):
        actions.record_checkin(checkin, by=getattr(world, who), **_held())
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.PLANNED


def test_default_via_follows_the_contact_channel(world: World) -> None:
    phone = active_match(world)
    assert actions.default_via(phone.referral) == CheckIn.Via.DIRECT
    Match.objects.filter(pk=phone.pk).update(status="closed", ended_on=timezone.localdate())
    centre = active_match(world, contact_channel="via_centre", contact_value="")
    assert actions.default_via(centre.referral) == CheckIn.Via.CENTRE


# Due list -------------------------------------------------------------------------------


def test_due_checkins_are_the_running_matches_planned_ones_due_soon(
    world: World, settings: Any
) -> None:
    settings.CHECKIN_NOTICE_DAYS = 3
    today = timezone.localdate()
    match = scheduled_match(world, started_days_ago=40)
    other = other_branch_match(world)
    actions.create_schedule(other, by=world.other_leader)
    rows = list(due_checkins([world.branch.pk], today))
    horizon = today + datetime.timedelta(days=3)
    expected = list(
        CheckIn.objects.filter(match=match, due_on__lte=horizon).order_by("due_on", "party", "pk")
    )
    assert rows == expected
    assert rows
    assert rows[0].due_on < today
    actions.record_checkin(rows[0], by=world.leader, **_held())
    assert list(due_checkins([world.branch.pk], today)) == expected[1:]
    Match.objects.filter(pk=match.pk).update(status="closed", ended_on=today)
    assert list(due_checkins([world.branch.pk], today)) == []


# Group check-in -------------------------------------------------------------------------


def test_group_checkin_records_the_ticked_volunteers_earliest_check_in(world: World) -> None:
    match = scheduled_match(world, started_days_ago=40)
    session = guidance_session(world, days_ago=2)
    earliest = first_planned(match)
    woman = first_planned(match, CheckIn.Party.WOMAN)
    candidates = actions.group_candidates(session)
    assert [(row["match"], row["checkin"], row["counted"]) for row in candidates] == [
        (match, earliest, False)
    ]
    held = actions.record_group_checkin(session, by=world.leader, matches=[match.pk])
    assert held == [earliest]
    earliest.refresh_from_db()
    assert earliest.status == CheckIn.Status.HELD
    assert earliest.mode == CheckIn.Mode.GROUP
    assert earliest.held_on == timezone.localdate(session.starts_at)
    assert earliest.guidance_session == session
    woman.refresh_from_db()
    assert woman.status == CheckIn.Status.PLANNED
    assert [e.object_id for e in _events(AuditAction.CHECKIN_GROUP)] == [str(earliest.pk)]
    assert actions.group_candidates(session)[0]["counted"] is True


def test_group_checkin_twice_changes_nothing(world: World) -> None:
    match = scheduled_match(world)
    session = guidance_session(world)
    actions.record_group_checkin(session, by=world.leader, matches=[match.pk])
    with pytest.raises(ValidationError):
        actions.record_group_checkin(session, by=world.leader, matches=[match.pk])
    assert CheckIn.objects.filter(match=match, status="held").count() == 1
    assert len(_events(AuditAction.CHECKIN_GROUP)) == 1


def test_group_checkin_for_a_future_session_is_refused(world: World) -> None:
    match = scheduled_match(world)
    session = guidance_session(world, days_ago=-2)
    with pytest.raises(ValidationError) as caught:
        actions.record_group_checkin(session, by=world.leader, matches=[match.pk])
    assert caught.value.code == "future"
    assert CheckIn.objects.filter(match=match, status="held").count() == 0


def test_group_checkin_counts_nobody_unless_ticked(world: World) -> None:
    match = scheduled_match(world)
    session = guidance_session(world)
    with pytest.raises(ValidationError) as caught:
        actions.record_group_checkin(session, by=world.leader, matches=[])
    assert caught.value.message_dict == {"matches": ["Kryss av for minst én ressursvenn."]}
    assert CheckIn.objects.filter(match=match, status="held").count() == 0


def test_absent_volunteers_and_closed_matches_are_not_candidates(world: World) -> None:
    match = scheduled_match(world)
    session = guidance_session(world)
    session.attendance.update(attended=False)
    assert actions.group_candidates(session) == []
    with pytest.raises(ValidationError):
        actions.record_group_checkin(session, by=world.leader, matches=[match.pk])
    session.attendance.update(attended=True)
    Match.objects.filter(pk=match.pk).update(status="closed", ended_on=timezone.localdate())
    assert actions.group_candidates(session) == []


def test_group_checkin_by_another_branch_leader_is_refused(world: World) -> None:
    match = scheduled_match(world)
    session = guidance_session(world)
    with pytest.raises(PermissionDenied):
        actions.record_group_checkin(session, by=world.other_leader, matches=[match.pk])
    assert CheckIn.objects.filter(match=match, status="held").count() == 0

"""The pair's own meetings: the video room, planning / moving / cancelling, the .ics."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.followup import calendar
from ressursvenn.followup.actions import meetings as actions
from ressursvenn.followup.models import Activity, PairRoom, PlannedMeeting
from ressursvenn.followup.tests.builders import active_match, other_branch_match
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.models import Match

pytestmark = pytest.mark.django_db


def _soon(days: int = 3) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


def _plan(match: Match, world: World, **fields: Any) -> PlannedMeeting:
    arguments: dict[str, Any] = {"starts_at": _soon(), "duration_minutes": 60, "mode": "digital"}
    arguments.update(fields)
    return actions.plan_pair_meeting(match, by=world.volunteer, **arguments)


def _form(starts_at: datetime.datetime, **fields: Any) -> dict[str, Any]:
    local = timezone.localtime(starts_at)
    data = {
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "duration_minutes": "60",
        "mode": "digital",
    }
    data.update(fields)
    return data


def _detail(match: Match) -> str:
    return reverse("matching:match_detail", args=[match.pk])


# The room ------------------------------------------------------------------------------


def test_room_is_made_on_the_volunteers_first_view_and_shown_to_her_only(
    world: World, as_user: Any, client: Any
) -> None:
    match = active_match(world)
    page = as_user(world.volunteer).get(_detail(match)).content.decode()
    room = PairRoom.objects.get(match=match)
    assert room.video_url.startswith("https://meet.jit.si/")
    assert len(room.video_url.rsplit("/", 1)[1]) == 32
    assert room.video_url in page
    event = AuditEvent.objects.get(action="room.renew")
    assert event.changes == {"video_url": ["•••", "•••"]}
    page = as_user(world.volunteer).get(_detail(match)).content.decode()
    assert PairRoom.objects.count() == 1
    assert AuditEvent.objects.filter(action="room.renew").count() == 1
    for user in (world.leader, world.staff):
        other_page = as_user(user).get(_detail(match)).content.decode()
        assert room.video_url not in other_page
        assert "Lag nytt videorom" not in other_page


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("paused", "Videorommet er stengt"),
        ("closed", "Koblingen er avsluttet. Videorommet er stengt."),
    ],
)
def test_room_is_closed_when_paused_or_closed(
    world: World, as_user: Any, status: str, message: str
) -> None:
    match = active_match(world)
    room = PairRoom.objects.create(
        match=match, video_url="https://meet.jit.si/gammeltrom", renewed_by=world.volunteer
    )
    Match.objects.filter(pk=match.pk).update(status=status)
    client = as_user(world.volunteer)
    page = client.get(_detail(match)).content.decode()
    assert room.video_url not in page
    assert message in page
    response = client.post(reverse("followup:pair_room_renew", args=[match.pk]), follow=True)
    assert message in response.content.decode()
    room.refresh_from_db()
    assert room.video_url == "https://meet.jit.si/gammeltrom"
    assert AuditEvent.objects.count() == 0


def test_renew_replaces_the_link(world: World, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.volunteer)
    client.get(_detail(match))
    old = PairRoom.objects.get().video_url
    response = client.post(reverse("followup:pair_room_renew", args=[match.pk]), follow=True)
    content = response.content.decode()
    new = PairRoom.objects.get().video_url
    assert new != old
    assert new in content
    assert old not in content
    assert "Dere har fått et nytt videorom." in content
    events = AuditEvent.objects.filter(action="room.renew")
    assert events.count() == 2
    assert all(old not in str(e.changes) and new not in str(e.changes) for e in events)


@pytest.mark.parametrize(
    ("principal", "status"), [("leader", 403), ("staff", 403), ("other_volunteer", 404)]
)
def test_renew_is_refused_for_others(
    world: World, as_user: Any, principal: str, status: int
) -> None:
    match = active_match(world)
    response = as_user(getattr(world, principal)).post(
        reverse("followup:pair_room_renew", args=[match.pk])
    )
    assert response.status_code == status
    assert PairRoom.objects.count() == 0


def test_renew_action_refuses_another_volunteer(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.renew_room(other_branch_match(world), by=world.volunteer)


# Planning ------------------------------------------------------------------------------


def test_plan_is_audited_and_sends_no_email(world: World) -> None:
    match = active_match(world)
    meeting = _plan(match, world)
    assert (meeting.sequence, meeting.mode, meeting.cancelled_at) == (0, "digital", None)
    assert AuditEvent.objects.get(action="pair_meeting.plan").object_id == str(meeting.pk)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (lambda: timezone.now() - datetime.timedelta(minutes=5), "Tidspunktet har vært."),
        (lambda: timezone.now() + datetime.timedelta(days=93), "høyst 92 dager fram i tid"),
    ],
)
def test_a_time_in_the_past_or_too_far_ahead_is_refused(
    world: World, settings: Any, starts_at: Any, message: str
) -> None:
    settings.PAIR_MEETING_MAX_DAYS_AHEAD = 92
    match = active_match(world)
    with pytest.raises(ValidationError) as error:
        _plan(match, world, starts_at=starts_at())
    assert message in error.value.message_dict["date"][0]
    assert PlannedMeeting.objects.count() == 0


@pytest.mark.parametrize("status", ["paused", "closed"])
def test_planning_on_a_paused_or_closed_match_is_refused(world: World, status: str) -> None:
    match = active_match(world, status=status)
    with pytest.raises(ValidationError):
        _plan(match, world)
    assert PlannedMeeting.objects.count() == 0


def test_the_same_meeting_twice_is_refused(world: World) -> None:
    match = active_match(world)
    starts = _soon()
    _plan(match, world, starts_at=starts)
    with pytest.raises(ValidationError) as error:
        _plan(match, world, starts_at=starts)
    assert error.value.messages == ["Dette møtet er allerede planlagt."]
    assert PlannedMeeting.objects.count() == 1


def test_only_the_matched_volunteer_may_plan(world: World) -> None:
    match = active_match(world)
    for user in (world.leader, world.staff, world.other_volunteer):
        with pytest.raises(PermissionDenied):
            actions.plan_pair_meeting(
                match, by=user, starts_at=_soon(), duration_minutes=60, mode="digital"
            )
    assert PlannedMeeting.objects.count() == 0


def test_move_raises_the_sequence_and_a_stale_form_is_refused(world: World) -> None:
    match = active_match(world)
    meeting = _plan(match, world)
    moved = actions.move_pair_meeting(
        meeting,
        by=world.volunteer,
        starts_at=_soon(5),
        duration_minutes=90,
        mode="in_person",
        expected_sequence=0,
    )
    assert (moved.sequence, moved.duration_minutes, moved.mode) == (1, 90, "in_person")
    assert AuditEvent.objects.get(action="pair_meeting.move").changes["sequence"] == [0, 1]
    with pytest.raises(ValidationError) as error:
        actions.move_pair_meeting(
            meeting,
            by=world.volunteer,
            starts_at=_soon(6),
            duration_minutes=60,
            mode="digital",
            expected_sequence=0,
        )
    assert "endret i mellomtiden" in error.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.starts_at == _soon(5)


def test_cancel_and_cancel_again(world: World) -> None:
    match = active_match(world)
    meeting = _plan(match, world)
    cancelled = actions.cancel_pair_meeting(meeting, by=world.volunteer, expected_sequence=0)
    assert cancelled.cancelled_at is not None
    assert cancelled.sequence == 1
    with pytest.raises(ValidationError) as error:
        actions.cancel_pair_meeting(meeting, by=world.volunteer)
    assert error.value.messages == ["Møtet er avlyst."]
    assert AuditEvent.objects.filter(action="pair_meeting.cancel").count() == 1


def test_a_logged_meeting_cannot_be_moved(world: World) -> None:
    match = active_match(world)
    meeting = PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        mode="digital",
        created_by=world.volunteer,
    )
    Activity.objects.create(
        match=match,
        occurred_on=timezone.localdate(),
        kind="coffee",
        duration_minutes=60,
        channel="video",
        planned_meeting=meeting,
        created_by=world.volunteer,
    )
    with pytest.raises(ValidationError):
        actions.move_pair_meeting(
            meeting, by=world.volunteer, starts_at=_soon(), duration_minutes=60, mode="digital"
        )


# Views ---------------------------------------------------------------------------------


def test_volunteer_plans_and_both_she_and_the_leader_see_it(world: World, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.volunteer)
    url = reverse("followup:pair_meeting_new", args=[match.pk])
    assert client.get(url).status_code == 200
    starts = _soon(4)
    response = client.post(url, _form(starts), follow=True)
    assert response.redirect_chain[-1][0] == _detail(match)
    content = response.content.decode()
    assert "Møtet er planlagt." in content
    meeting = PlannedMeeting.objects.get()
    assert meeting.starts_at == starts
    assert reverse("followup:pair_meeting_ics", args=[meeting.pk]) in content
    assert reverse("followup:pair_meeting_edit", args=[meeting.pk]) in content
    leader_page = as_user(world.leader).get(_detail(match)).content.decode()
    assert f'data-meeting="{meeting.pk}"' in leader_page
    assert reverse("followup:pair_meeting_edit", args=[meeting.pk]) not in leader_page
    staff_page = as_user(world.staff).get(_detail(match)).content.decode()
    assert f'data-meeting="{meeting.pk}"' not in staff_page
    assert "Møter for dere to" not in staff_page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": "2001-01-01"}, "Tidspunktet har vært."),
        ({"date": "2999-01-01"}, "dager fram i tid"),
        ({"time": ""}, "Velg et klokkeslett."),
        ({"mode": "telepathy"}, "Velg om dere møtes eller har et videomøte."),
        ({"duration_minutes": "7"}, "Velg en varighet fra listen."),
    ],
)
def test_bad_input_in_the_plan_form(
    world: World, as_user: Any, fields: dict[str, str], message: str
) -> None:
    match = active_match(world)
    response = as_user(world.volunteer).post(
        reverse("followup:pair_meeting_new", args=[match.pk]), _form(_soon(), **fields)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PlannedMeeting.objects.count() == 0


def test_double_submit_of_the_plan_form(world: World, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.volunteer)
    url = reverse("followup:pair_meeting_new", args=[match.pk])
    starts = _soon()
    client.post(url, _form(starts))
    response = client.post(url, _form(starts), follow=True)
    assert "Dette møtet er allerede planlagt." in response.content.decode()
    assert PlannedMeeting.objects.count() == 1


def test_move_and_cancel_through_the_pages(world: World, as_user: Any) -> None:
    match = active_match(world)
    meeting = _plan(match, world)
    client = as_user(world.volunteer)
    edit = reverse("followup:pair_meeting_edit", args=[meeting.pk])
    assert client.get(edit).status_code == 200
    new = _soon(6)
    response = client.post(edit, _form(new, sequence="0"), follow=True)
    assert "Møtet er flyttet." in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (new, 1)
    # The old form (sequence 0) again: refused, nothing changed.
    response = client.post(edit, _form(_soon(8), sequence="0"), follow=True)
    assert "endret i mellomtiden" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at == new
    cancel = reverse("followup:pair_meeting_cancel", args=[meeting.pk])
    response = client.post(cancel, {"sequence": "1"}, follow=True)
    assert "Møtet er avlyst." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None
    assert f'data-meeting="{meeting.pk}"' not in response.content.decode()
    assert client.get(reverse("followup:pair_meeting_ics", args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize(
    ("principal", "status"), [("leader", 403), ("staff", 403), ("other_volunteer", 404)]
)
def test_plan_move_cancel_refused_for_others(
    world: World, as_user: Any, principal: str, status: int
) -> None:
    match = active_match(world)
    meeting = _plan(match, world)
    client = as_user(getattr(world, principal))
    new = reverse("followup:pair_meeting_new", args=[match.pk])
    edit = reverse("followup:pair_meeting_edit", args=[meeting.pk])
    cancel = reverse("followup:pair_meeting_cancel", args=[meeting.pk])
    assert client.get(new).status_code == status
    assert client.post(new, _form(_soon(9))).status_code == status
    assert client.post(edit, _form(_soon(9), sequence="0")).status_code == status
    assert client.post(cancel, {"sequence": "0"}).status_code == status
    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.cancelled_at) == (0, None)
    assert PlannedMeeting.objects.count() == 1


def test_paused_match_plan_form_redirects_with_a_message(world: World, as_user: Any) -> None:
    match = active_match(world, status="paused")
    response = as_user(world.volunteer).get(
        reverse("followup:pair_meeting_new", args=[match.pk]), follow=True
    )
    assert "Koblingen er satt på pause." in response.content.decode()


# The .ics ------------------------------------------------------------------------------


def test_ics_is_neutral_utc_and_stable(world: World, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.volunteer)
    client.get(_detail(match))  # makes the room
    room_url = PairRoom.objects.get().video_url
    meeting = _plan(match, world)
    response = client.get(reverse("followup:pair_meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Møte – Ressursvenn"
    assert str(event["LOCATION"]) == "Se Ressursvenn"
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["UID"]) == calendar.meeting_uid(meeting)
    assert int(event["SEQUENCE"]) == 0
    for secret in (b"Amina", b"Vera", b"Venn", b"Oslo", room_url.encode(), b"meet.jit.si"):
        assert secret not in raw
    actions.move_pair_meeting(
        meeting, by=world.volunteer, starts_at=_soon(7), duration_minutes=60, mode="digital"
    )
    again = client.get(reverse("followup:pair_meeting_ics", args=[meeting.pk])).content
    moved = next(iter(icalendar.Calendar.from_ical(again).walk("VEVENT")))
    assert str(moved["UID"]) == str(event["UID"])
    assert int(moved["SEQUENCE"]) == 1
    leader = as_user(world.leader).get(reverse("followup:pair_meeting_ics", args=[meeting.pk]))
    assert leader.status_code == 200


def test_build_ics_for_a_cancelled_meeting_says_cancel(world: World) -> None:
    match = active_match(world)
    meeting = actions.cancel_pair_meeting(_plan(match, world), by=world.volunteer)
    parsed = icalendar.Calendar.from_ical(calendar.build_ics(meeting))
    assert str(parsed["METHOD"]) == "CANCEL"
    assert str(next(iter(parsed.walk("VEVENT")))["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("principal", "status"), [("staff", 403), ("other_leader", 404), ("other_volunteer", 404)]
)
def test_ics_refused_for_others(world: World, as_user: Any, principal: str, status: int) -> None:
    meeting = _plan(active_match(world), world)
    response = as_user(getattr(world, principal)).get(
        reverse("followup:pair_meeting_ics", args=[meeting.pk])
    )
    assert response.status_code == status


def test_upcoming_meetings_helper(world: World) -> None:
    match = active_match(world)
    later = _plan(match, world, starts_at=_soon(9))
    sooner = _plan(match, world, starts_at=_soon(2))
    cancelled = _plan(match, world, starts_at=_soon(1))
    actions.cancel_pair_meeting(cancelled, by=world.volunteer)
    PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        mode="digital",
        created_by=world.volunteer,
    )
    other = other_branch_match(world)
    PlannedMeeting.objects.create(
        match=other, starts_at=_soon(1), mode="digital", created_by=world.other_volunteer
    )
    mine = Match.objects.visible_to(world.volunteer)
    assert list(calendar.upcoming_meetings(mine)) == [sooner, later]


def test_volunteer_match_page_queries_are_constant(world: World, as_user: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    match = active_match(world)
    client = as_user(world.volunteer)
    client.get(_detail(match))  # the first view makes the room
    _plan(match, world, starts_at=_soon(1))
    PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        mode="digital",
        created_by=world.volunteer,
    )

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(_detail(match)).status_code == 200
        return len(context.captured_queries)

    one = count()
    for days in range(2, 7):
        _plan(match, world, starts_at=_soon(days))
        PlannedMeeting.objects.create(
            match=match,
            starts_at=timezone.now() - datetime.timedelta(days=days),
            mode="in_person",
            created_by=world.volunteer,
        )
    assert count() == one


def test_closed_match_shows_the_history_read_only(world: World, as_user: Any) -> None:
    match = active_match(world)
    meeting = _plan(match, world)
    Activity.objects.create(
        match=match,
        occurred_on=timezone.localdate(),
        kind="coffee",
        duration_minutes=60,
        channel="in_person",
        created_by=world.volunteer,
    )
    Match.objects.filter(pk=match.pk).update(status="closed")
    page = as_user(world.volunteer).get(_detail(match)).content.decode()
    assert "Koblingen er avsluttet. Aktivitetene kan bare leses." in page
    assert 'data-field="count_total">1<' in page
    assert reverse("followup:activity_new", args=[match.pk]) not in page
    assert reverse("followup:pair_meeting_new", args=[match.pk]) not in page
    assert reverse("followup:pair_meeting_edit", args=[meeting.pk]) not in page
    assert "Lag nytt videorom" not in page

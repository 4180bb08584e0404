"""The .ics invitation: valid, neutral, stable UID, rising SEQUENCE, times in UTC."""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.matching import calendar
from ressursvenn.matching.actions.matches import cancel_match
from ressursvenn.matching.actions.meetings import plan_meeting
from ressursvenn.matching.models import MatchingMeeting
from ressursvenn.matching.tests.access_meetings import build_match

pytestmark = pytest.mark.django_db

STARTS = datetime.datetime(2030, 5, 6, 10, 30, tzinfo=datetime.UTC)


def _event(ics: bytes) -> Any:
    parsed = icalendar.Calendar.from_ical(ics)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 1
    return parsed, events[0]


def _meeting(world: World, **fields: Any) -> MatchingMeeting:
    match = build_match(world, status="meeting_planned")
    return MatchingMeeting.objects.create(
        match=match,
        starts_at=STARTS,
        duration_minutes=90,
        mode=fields.pop("mode", MatchingMeeting.Mode.VIDEO),
        video_url="https://meet.jit.si/hemmelig-rom-123",
        planned_by=world.leader,
        **fields,
    )


def test_ics_parses_back_with_the_right_fields(world: World) -> None:
    meeting = _meeting(world)
    parsed, event = _event(calendar.build_ics(meeting, attendee="vera@example.no"))
    assert str(parsed["METHOD"]) == "REQUEST"
    assert str(parsed["VERSION"]) == "2.0"
    assert str(event["UID"]) == f"koblingsmote-{meeting.pk}@127.0.0.1"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == STARTS
    assert event.decoded("DTEND") == STARTS + datetime.timedelta(minutes=90)
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert "DTSTART:20300506T103000Z" in calendar.build_ics(meeting).decode()
    assert str(event["SUMMARY"]) == "Møte – Ressursvenn"
    assert str(event["LOCATION"]) == "Se Ressursvenn"
    assert str(event["ATTENDEE"]) == "mailto:vera@example.no"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert f"/kobling/koblinger/{meeting.match_id}/" in str(event["DESCRIPTION"])


def test_ics_is_neutral(world: World) -> None:
    meeting = _meeting(world, mode=MatchingMeeting.Mode.PUBLIC_PLACE, place="kafeen på biblioteket")
    text = calendar.build_ics(meeting, attendee=world.staff.email).decode()
    unfolded = text.replace("\r\n ", "")
    for personal in (
        "Amina",
        "Vera",
        "Venn",
        "Oslo",
        "kafeen",
        "hemmelig-rom",
        "meet.jit.si",
        world.volunteer.email,
        world.leader.full_name,
    ):
        assert personal not in unfolded


def test_uid_stable_and_sequence_rises_when_moved(world: World) -> None:
    match = build_match(world)
    starts = timezone.now() + datetime.timedelta(days=2)
    meeting = plan_meeting(
        match, by=world.leader, starts_at=starts, duration_minutes=60, mode="video"
    )
    _parsed, first = _event(calendar.build_ics(meeting))
    meeting = plan_meeting(
        match,
        by=world.leader,
        starts_at=starts + datetime.timedelta(days=1),
        duration_minutes=60,
        mode="video",
    )
    _parsed, second = _event(calendar.build_ics(meeting))
    assert str(first["UID"]) == str(second["UID"])
    assert (int(first["SEQUENCE"]), int(second["SEQUENCE"])) == (0, 1)
    assert second.decoded("DTSTART") - first.decoded("DTSTART") == datetime.timedelta(days=1)


def test_invitation_mail_carries_a_request_attachment(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    match = build_match(world)
    with django_capture_on_commit_callbacks(execute=True):
        plan_meeting(
            match,
            by=world.leader,
            starts_at=timezone.now() + datetime.timedelta(days=2),
            duration_minutes=60,
            mode="video",
        )
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        part = message.message().get_payload()[1]
        assert part.get_content_type() == "text/calendar"
        assert part.get_param("method") == "REQUEST"
        assert part.get_filename() == calendar.FILENAME
        _parsed, event = _event(part.get_payload(decode=True))
        assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"
        assert "Amina" not in message.body
        assert "Vera" not in message.body


def test_cancelling_a_planned_match_sends_a_cancel(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    match = build_match(world)
    plan_meeting(
        match,
        by=world.leader,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        duration_minutes=60,
        mode="phone",
    )
    mail.outbox.clear()  # the invitations
    with django_capture_on_commit_callbacks(execute=True):
        cancel_match(match, by=world.leader, reason="Hun flyttet.")
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert message.subject == "Avlyst møte i Ressursvenn"
        part = message.message().get_payload()[1]
        assert part.get_param("method") == "CANCEL"
        parsed, event = _event(part.get_payload(decode=True))
        assert str(parsed["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"

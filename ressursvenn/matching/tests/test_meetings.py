"""Planning the koblingsmøte and recording its outcome: actions and views."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.actions.meetings import (
    add_months,
    plan_meeting,
    record_meeting_outcome,
)
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.matching.tests.access_meetings import build_match
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db


def _soon(days: int = 3) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)


def _plan(match: Match, world: World, **fields: Any) -> MatchingMeeting:
    arguments: dict[str, Any] = {
        "starts_at": _soon(),
        "duration_minutes": 60,
        "mode": MatchingMeeting.Mode.VIDEO,
    }
    arguments.update(fields)
    return plan_meeting(match, by=world.leader, **arguments)


def _form(starts_at: datetime.datetime, **fields: Any) -> dict[str, Any]:
    local = timezone.localtime(starts_at)
    data: dict[str, Any] = {
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "duration_minutes": "60",
        "mode": "video",
        "place": "",
        "includes_centre_contact": "on",
        "includes_group_leader": "on",
        "sequence": "-1",
    }
    data.update(fields)
    return data


# --- plan_meeting


def test_plan_video_meeting_sets_state_link_audit_and_sends_invitations(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    match = build_match(world)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _plan(match, world)
    match.refresh_from_db()
    referral = Referral.objects.get(pk=match.referral_id)
    assert match.status == Match.Status.MEETING_PLANNED
    assert referral.status == Referral.Status.PROPOSED
    assert meeting.sequence == 0
    assert meeting.video_url.startswith("https://meet.jit.si/")
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["meeting.plan", "match.plan_meeting"]
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        [world.staff.email, world.leader.email, world.volunteer.volunteer.email]
    )
    for message in mail.outbox:
        assert message.subject == "Nytt møte i Ressursvenn"
        assert "Amina" not in message.body
        assert meeting.video_url not in message.body


def test_video_rooms_are_random_and_hold_no_personal_data(world: World) -> None:
    first = _plan(build_match(world), world)
    other = factories_match_for(world)
    second = _plan(other, world)
    rooms = [urlsplit(m.video_url).path.strip("/") for m in (first, second)]
    assert rooms[0] != rooms[1]
    for room in rooms:
        assert len(room) >= 32
        assert room.replace("-", "").replace("_", "").isalnum()
        for personal in ("amina", "berit", "vera", "anne", "oslo"):
            assert personal not in room.lower()


def factories_match_for(world: World) -> Match:
    """A second yes-answered proposed match in the same branch, for another volunteer."""
    volunteer = factories.volunteer(world.branch, email="annen@example.no", full_name="Anne Annen")
    referral = factories.referral(world.centre, world.branch, status="proposed", first_name="Berit")
    return factories.match(referral, volunteer, volunteer_answer="yes")


def test_moving_keeps_the_link_raises_sequence_and_sends_updates(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    match = build_match(world)
    first = _plan(match, world)
    link = first.video_url
    mail.outbox.clear()  # the invitations of the first plan
    with django_capture_on_commit_callbacks(execute=True):
        moved = _plan(match, world, starts_at=_soon(5), expected_sequence=0)
    assert moved.pk == first.pk
    assert moved.sequence == 1
    assert moved.video_url == link
    assert {message.subject for message in mail.outbox} == {"Endret møte i Ressursvenn"}
    assert AuditEvent.objects.filter(action="meeting.move").count() == 1


def test_switching_away_from_video_drops_the_link(world: World) -> None:
    match = build_match(world)
    _plan(match, world)
    moved = _plan(match, world, mode=MatchingMeeting.Mode.PHONE)
    assert moved.video_url == ""


def test_stale_sequence_is_refused_and_changes_nothing(world: World) -> None:
    match = build_match(world)
    meeting = _plan(match, world)
    with pytest.raises(ValidationError) as error:
        _plan(match, world, starts_at=_soon(9), expected_sequence=-1)
    assert error.value.code == "stale"
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_meeting_in_the_past_is_refused(world: World) -> None:
    match = build_match(world)
    with pytest.raises(ValidationError) as error:
        _plan(match, world, starts_at=timezone.now() - datetime.timedelta(minutes=5))
    assert "date" in error.value.message_dict
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED
    assert not MatchingMeeting.objects.exists()


def test_meeting_too_far_ahead_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        _plan(build_match(world), world, starts_at=_soon(200))


def test_planning_before_the_volunteer_said_yes_is_refused(world: World) -> None:
    match = build_match(world)
    Match.objects.filter(pk=match.pk).update(volunteer_answer=Match.Answer.PENDING)
    match.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _plan(match, world)
    assert error.value.code == "stale"
    assert not MatchingMeeting.objects.exists()
    assert AuditEvent.objects.count() == 0


def test_public_place_needs_a_description(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        _plan(build_match(world), world, mode=MatchingMeeting.Mode.PUBLIC_PLACE, place=" ")
    assert list(error.value.message_dict) == ["place"]


def test_only_the_branch_leader_may_plan(world: World) -> None:
    match = build_match(world)
    for user in (world.other_leader, world.staff, world.volunteer, world.coordinator):
        with pytest.raises(PermissionDenied):
            plan_meeting(
                match,
                by=user,
                starts_at=_soon(),
                duration_minutes=60,
                mode=MatchingMeeting.Mode.PHONE,
            )
    assert not MatchingMeeting.objects.exists()


# --- record_meeting_outcome


def _held(world: World) -> Match:
    match = build_match(world)
    _plan(match, world)
    MatchingMeeting.objects.filter(match=match).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    match.refresh_from_db()
    return match


def test_continue_makes_the_match_active_from_the_meeting_day(world: World) -> None:
    match = _held(world)
    record_meeting_outcome(match, by=world.leader, outcome="continue", months=10)
    match.refresh_from_db()
    meeting = MatchingMeeting.objects.get(match=match)
    day = timezone.localdate(meeting.starts_at)
    assert match.status == Match.Status.ACTIVE
    assert match.started_on == day
    assert match.planned_end_on == add_months(day, 10)
    assert Referral.objects.get(pk=match.referral_id).status == Referral.Status.MATCHED
    assert meeting.outcome == MatchingMeeting.Outcome.CONTINUE


def test_stop_cancels_and_she_keeps_her_place(world: World) -> None:
    match = _held(world)
    waiting_since = Referral.objects.get(pk=match.referral_id).waiting_since
    record_meeting_outcome(match, by=world.leader, outcome="stop", reason="Kjemien stemte ikke.")
    match.refresh_from_db()
    referral = Referral.objects.get(pk=match.referral_id)
    assert match.status == Match.Status.CANCELLED
    assert match.status_reason == "Kjemien stemte ikke."
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.waiting_since == waiting_since
    assert list(Referral.objects.waiting()) == [referral]


def test_outcome_before_the_meeting_is_refused(world: World) -> None:
    match = build_match(world)
    _plan(match, world)
    with pytest.raises(ValidationError):
        record_meeting_outcome(match, by=world.leader, outcome="continue", months=12)
    match.refresh_from_db()
    assert match.status == Match.Status.MEETING_PLANNED


def test_outcome_twice_is_refused_and_changes_nothing(world: World) -> None:
    match = _held(world)
    record_meeting_outcome(match, by=world.leader, outcome="continue", months=12)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        record_meeting_outcome(match, by=world.leader, outcome="stop", reason="x")
    assert error.value.code == "stale"
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("months", [None, 8, 13])
def test_months_outside_the_range_are_refused(world: World, months: int | None) -> None:
    match = _held(world)
    with pytest.raises(ValidationError):
        record_meeting_outcome(match, by=world.leader, outcome="continue", months=months)
    match.refresh_from_db()
    assert match.status == Match.Status.MEETING_PLANNED


def test_stop_without_reason_is_refused(world: World) -> None:
    match = _held(world)
    with pytest.raises(ValidationError):
        record_meeting_outcome(match, by=world.leader, outcome="stop", reason="  ")


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 3, 15), 12) == datetime.date(2026, 3, 15)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


# --- views


def test_leader_plans_through_the_form(
    world: World, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    match = build_match(world)
    client: Client = as_user(world.leader)
    url = reverse("matching:meeting_plan", args=[match.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form(_soon()))
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:match_detail", args=[match.pk])
    match.refresh_from_db()
    assert match.status == Match.Status.MEETING_PLANNED
    assert len(mail.outbox) == 3
    # The same form again (double submit): refused with a message, nothing changed.
    response = client.post(url, _form(_soon()), follow=True)
    assert "endret i mellomtiden" in response.content.decode()
    assert MatchingMeeting.objects.get(match=match).sequence == 0
    assert len(mail.outbox) == 3


def test_form_refuses_the_past_with_a_message_next_to_the_date(world: World, as_user: Any) -> None:
    match = build_match(world)
    client: Client = as_user(world.leader)
    url = reverse("matching:meeting_plan", args=[match.pk])
    response = client.post(url, _form(timezone.now() - datetime.timedelta(days=1)))
    assert response.status_code == 200
    assert "Tidspunktet har vært" in response.content.decode()
    assert not MatchingMeeting.objects.exists()


@pytest.mark.parametrize("place", ["Storgata 5", "kafé på Karl Johans gate", "0150 Oslo"])
def test_form_refuses_an_address(world: World, as_user: Any, place: str) -> None:
    match = build_match(world)
    client: Client = as_user(world.leader)
    url = reverse("matching:meeting_plan", args=[match.pk])
    response = client.post(url, _form(_soon(), mode="public_place", place=place))
    assert response.status_code == 200
    assert "uten adresse" in response.content.decode()
    assert not MatchingMeeting.objects.exists()


def test_plan_page_before_yes_redirects_with_a_message(world: World, as_user: Any) -> None:
    match = build_match(world)
    Match.objects.filter(pk=match.pk).update(volunteer_answer=Match.Answer.PENDING)
    client: Client = as_user(world.leader)
    response = client.get(reverse("matching:meeting_plan", args=[match.pk]), follow=True)
    assert "har ikke sagt ja" in response.content.decode()


def test_other_leader_cannot_plan_and_sees_nothing(world: World, as_user: Any) -> None:
    match = build_match(world)
    client: Client = as_user(world.other_leader)
    url = reverse("matching:meeting_plan", args=[match.pk])
    for response in (client.get(url), client.post(url, _form(_soon()))):
        assert response.status_code == 404
        assert "Amina" not in response.content.decode()
    assert not MatchingMeeting.objects.exists()


def test_outcome_through_the_form(world: World, as_user: Any) -> None:
    match = _held(world)
    client: Client = as_user(world.leader)
    detail = client.get(reverse("matching:match_detail", args=[match.pk])).content.decode()
    assert "Etter koblingsmøtet" in detail
    url = reverse("matching:meeting_outcome", args=[match.pk])
    response = client.post(url, {"outcome-outcome": "continue", "outcome-months": "12"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE


def test_outcome_form_stop_needs_a_reason(world: World, as_user: Any) -> None:
    match = _held(world)
    client: Client = as_user(world.leader)
    url = reverse("matching:meeting_outcome", args=[match.pk])
    response = client.post(url, {"outcome-outcome": "stop", "outcome-reason": ""})
    assert response.status_code == 200
    assert "Skriv hvorfor det ikke blir noe av." in response.content.decode()
    match.refresh_from_db()
    assert match.status == Match.Status.MEETING_PLANNED


def test_staff_and_volunteer_cannot_record_the_outcome(world: World, as_user: Any) -> None:
    match = _held(world)
    for user in (world.staff, world.volunteer):
        client: Client = as_user(user)
        url = reverse("matching:meeting_outcome", args=[match.pk])
        assert (
            client.post(url, {"outcome-outcome": "continue", "outcome-months": "12"}).status_code
            == 403
        )
    match.refresh_from_db()
    assert match.status == Match.Status.MEETING_PLANNED


def test_ics_download_for_participants(world: World, as_user: Any) -> None:
    match = build_match(world)
    _plan(match, world)
    for user in (world.leader, world.staff, world.volunteer):
        response = as_user(user).get(reverse("matching:meeting_ics", args=[match.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in response.content
    for user in (world.other_leader, world.other_staff, world.other_volunteer):
        response = as_user(user).get(reverse("matching:meeting_ics", args=[match.pk]))
        assert response.status_code == 404
        assert b"VEVENT" not in response.content


def test_ics_without_a_planned_meeting_is_404(world: World, as_user: Any) -> None:
    match = build_match(world)
    response = as_user(world.leader).get(reverse("matching:meeting_ics", args=[match.pk]))
    assert response.status_code == 404

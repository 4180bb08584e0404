"""The activity log: actions, forms and views, for every role that may use them."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.followup.actions import activities as actions
from ressursvenn.followup.models import Activity, PlannedMeeting
from ressursvenn.followup.tests.builders import active_match, other_branch_match
from ressursvenn.lib.audit import MASK
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.models import Match

pytestmark = pytest.mark.django_db

NOTE = "Hun fortalte om naboen Hemmeligsen"


def _log(match: Match, world: World, **fields: Any) -> Activity:
    arguments: dict[str, Any] = {
        "occurred_on": timezone.localdate(),
        "kind": Activity.Kind.COFFEE,
        "duration_minutes": 60,
        "channel": "in_person",
        "note": "",
    }
    arguments.update(fields)
    return actions.log_activity(match, by=world.volunteer, **arguments)


def _row(match: Match, world: World, **fields: Any) -> Activity:
    values: dict[str, Any] = {
        "occurred_on": timezone.localdate(),
        "kind": Activity.Kind.WALK,
        "duration_minutes": 90,
        "channel": "video",
        "note": NOTE,
        "created_by": world.volunteer,
    }
    values.update(fields)
    return Activity.objects.create(match=match, **values)


def _form(**fields: Any) -> dict[str, Any]:
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "kind": "walk",
        "duration_minutes": "90",
        "channel": "phone",
        "note": "",
    }
    data.update(fields)
    return data


def _detail(match: Match) -> str:
    return reverse("matching:match_detail", args=[match.pk])


# Actions ---------------------------------------------------------------------------------


def test_log_activity_creates_the_row_and_audits_with_the_note_masked(world: World) -> None:
    match = active_match(world)
    activity = _log(match, world, note=NOTE)
    assert activity.match_id == match.pk
    assert activity.created_by_id == world.volunteer.pk
    assert Activity.objects.get().note == NOTE
    event = AuditEvent.objects.get(action="activity.log")
    assert event.object_id == str(activity.pk)
    assert event.changes["note"] == ["•••", "•••"]
    assert NOTE not in str(event.changes)


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "fram i tid"), (-41, "før koblingen startet")],
)
def test_a_date_in_the_future_or_before_the_start_is_refused(
    world: World, days: int, message: str
) -> None:
    match = active_match(world, started_days_ago=40)
    with pytest.raises(ValidationError) as error:
        _log(match, world, occurred_on=timezone.localdate() + datetime.timedelta(days=days))
    assert message in error.value.message_dict["occurred_on"][0]
    assert Activity.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_the_start_day_itself_is_allowed(world: World) -> None:
    match = active_match(world, started_days_ago=40)
    assert match.started_on is not None
    _log(match, world, occurred_on=match.started_on)
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("paused", "Koblingen er satt på pause. Du kan ikke registrere aktiviteter nå."),
        ("closed", "Koblingen er avsluttet. Aktivitetene kan bare leses."),
    ],
)
def test_a_paused_or_closed_match_is_refused(world: World, status: str, message: str) -> None:
    match = active_match(world, status=status)
    with pytest.raises(ValidationError) as error:
        _log(match, world)
    assert error.value.messages == [message]
    assert Activity.objects.count() == 0


def test_an_ending_match_can_still_log(world: World) -> None:
    match = active_match(world, status="ending")
    _log(match, world)
    assert Activity.objects.count() == 1


def test_someone_elses_match_is_refused(world: World) -> None:
    match = other_branch_match(world)
    with pytest.raises(PermissionDenied):
        _log(match, world)
    with pytest.raises(PermissionDenied):
        actions.log_activity(
            active_match(world),
            by=world.leader,
            occurred_on=timezone.localdate(),
            kind="coffee",
            duration_minutes=60,
            channel="in_person",
        )
    assert Activity.objects.count() == 0


def test_a_double_submit_is_refused_but_a_different_entry_is_not(world: World) -> None:
    match = active_match(world)
    _log(match, world, note="Kaffe")
    with pytest.raises(ValidationError) as error:
        _log(match, world, note="Kaffe")
    assert error.value.messages == [
        "Denne aktiviteten er allerede registrert. Du trenger ikke sende den igjen."
    ]
    assert Activity.objects.count() == 1
    _log(match, world, note="Kaffe igjen")
    assert Activity.objects.count() == 2


def test_an_identical_entry_later_than_a_minute_is_allowed(world: World) -> None:
    match = active_match(world)
    _log(match, world)
    Activity.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=61))
    _log(match, world)
    assert Activity.objects.count() == 2


def test_repeat_last_copies_kind_duration_and_channel_with_todays_date(world: World) -> None:
    match = active_match(world)
    _row(match, world, occurred_on=timezone.localdate() - datetime.timedelta(days=3))
    repeated = actions.repeat_last(match, by=world.volunteer)
    assert (repeated.kind, repeated.duration_minutes, repeated.channel) == ("walk", 90, "video")
    assert repeated.occurred_on == timezone.localdate()
    assert repeated.note == ""
    with pytest.raises(ValidationError):  # a second tap at once
        actions.repeat_last(match, by=world.volunteer)
    assert Activity.objects.count() == 2


def test_repeat_last_with_nothing_logged_is_refused(world: World) -> None:
    match = active_match(world)
    with pytest.raises(ValidationError) as error:
        actions.repeat_last(match, by=world.volunteer)
    assert "ingen tidligere aktivitet" in error.value.messages[0]
    assert Activity.objects.count() == 0


def test_update_within_the_edit_days_is_audited(world: World) -> None:
    match = active_match(world)
    activity = _row(match, world)
    actions.update_activity(
        activity,
        by=world.volunteer,
        occurred_on=timezone.localdate() - datetime.timedelta(days=1),
        kind="job",
        duration_minutes=120,
        channel="in_person",
        note="Ny merknad",
    )
    activity.refresh_from_db()
    assert (activity.kind, activity.duration_minutes, activity.note) == ("job", 120, "Ny merknad")
    event = AuditEvent.objects.get(action="activity.update")
    # What the pair did is about the woman: the trail says it changed, not to what.
    assert event.changes["kind"] == [MASK, MASK]
    assert event.changes["note"] == ["•••", "•••"]


def test_update_after_the_edit_days_is_refused(world: World, settings: Any) -> None:
    settings.ACTIVITY_EDIT_DAYS = 7
    match = active_match(world)
    activity = _row(match, world, created_at=timezone.now() - datetime.timedelta(days=8))
    with pytest.raises(ValidationError) as error:
        actions.update_activity(
            activity,
            by=world.volunteer,
            occurred_on=activity.occurred_on,
            kind="job",
            duration_minutes=60,
            channel="video",
        )
    assert "7 dager" in error.value.messages[0]
    activity.refresh_from_db()
    assert activity.kind == "walk"
    with pytest.raises(ValidationError):
        actions.delete_activity(activity, by=world.volunteer)
    assert Activity.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_an_entry_she_did_not_create_cannot_be_changed(world: World) -> None:
    match = active_match(world)
    activity = _row(match, world, created_by=world.leader)
    with pytest.raises(ValidationError):
        actions.delete_activity(activity, by=world.volunteer)
    assert Activity.objects.count() == 1


def test_delete_is_audited(world: World) -> None:
    match = active_match(world)
    activity = _row(match, world)
    pk = activity.pk
    actions.delete_activity(activity, by=world.volunteer)
    assert Activity.objects.count() == 0
    event = AuditEvent.objects.get(action="activity.delete")
    assert event.object_id == str(pk)
    assert event.changes["kind"] == [MASK, MASK]
    assert event.changes["note"] == ["•••", "•••"]


def test_logging_a_planned_meeting_links_it_once(world: World) -> None:
    match = active_match(world)
    meeting = PlannedMeeting.objects.create(
        match=match,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        mode="digital",
        created_by=world.volunteer,
    )
    activity = _log(match, world, planned_meeting=meeting, channel="video")
    assert activity.planned_meeting_id == meeting.pk
    with pytest.raises(ValidationError) as error:
        _log(match, world, planned_meeting=meeting, kind="walk")
    assert error.value.messages == ["Dette møtet er allerede registrert som en aktivitet."]
    assert Activity.objects.count() == 1


# Views -----------------------------------------------------------------------------------


def test_volunteer_logs_through_the_form(world: World, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.volunteer)
    url = reverse("followup:activity_new", args=[match.pk])
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Ikke skriv sensitive opplysninger" in content
    assert f'value="{timezone.localdate().isoformat()}"' in content
    response = client.post(url, _form(note="Fin tur"), follow=True)
    assert response.redirect_chain[-1][0] == _detail(match)
    assert "Aktiviteten er registrert." in response.content.decode()
    activity = Activity.objects.get()
    assert (activity.kind, activity.duration_minutes, activity.channel) == ("walk", 90, "phone")
    assert activity.note == "Fin tur"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"occurred_on": "2999-01-01"}, "Datoen er fram i tid."),
        ({"occurred_on": "2001-01-01"}, "Datoen er før koblingen startet"),
        ({"kind": ""}, "Velg hva dere gjorde."),
        ({"duration_minutes": "7"}, "Velg en varighet fra listen."),
        ({"channel": "pigeon"}, "Velg hvordan dere hadde kontakt."),
        ({"note": "x" * 501}, "Skriv høyst 500 tegn"),
        ({"note": "Hei\u202eder"}, "usynlige tegn"),
    ],
)
def test_bad_input_shows_a_norwegian_message_and_saves_nothing(
    world: World, as_user: Any, fields: dict[str, str], message: str
) -> None:
    match = active_match(world)
    response = as_user(world.volunteer).post(
        reverse("followup:activity_new", args=[match.pk]), _form(**fields)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Activity.objects.count() == 0


def test_paused_match_form_redirects_with_the_pause_message(world: World, as_user: Any) -> None:
    match = active_match(world, status="paused")
    client = as_user(world.volunteer)
    for response in (
        client.get(reverse("followup:activity_new", args=[match.pk]), follow=True),
        client.post(reverse("followup:activity_new", args=[match.pk]), _form(), follow=True),
    ):
        assert "Koblingen er satt på pause" in response.content.decode()
    assert Activity.objects.count() == 0


def test_double_submit_through_the_form_gives_a_friendly_message(
    world: World, as_user: Any
) -> None:
    match = active_match(world)
    client = as_user(world.volunteer)
    url = reverse("followup:activity_new", args=[match.pk])
    client.post(url, _form())
    response = client.post(url, _form(), follow=True)
    assert "allerede registrert" in response.content.decode()
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("principal", "status"),
    [("leader", 403), ("staff", 403), ("other_volunteer", 404), ("other_leader", 404)],
)
def test_others_may_not_log(world: World, as_user: Any, principal: str, status: int) -> None:
    match = active_match(world)
    client = as_user(getattr(world, principal))
    url = reverse("followup:activity_new", args=[match.pk])
    assert client.get(url).status_code == status
    assert client.post(url, _form()).status_code == status
    repeat = reverse("followup:activity_repeat", args=[match.pk])
    _row(match, world)
    assert client.post(repeat).status_code == status
    assert Activity.objects.count() == 1


def test_repeat_button_logs_in_one_tap(world: World, as_user: Any) -> None:
    match = active_match(world)
    _row(match, world, occurred_on=match.started_on)
    client = as_user(world.volunteer)
    page = client.get(_detail(match)).content.decode()
    assert "Logg det samme som sist" in page
    response = client.post(reverse("followup:activity_repeat", args=[match.pk]), follow=True)
    assert "Aktiviteten er registrert med dagens dato." in response.content.decode()
    assert Activity.objects.filter(occurred_on=timezone.localdate()).count() == 1


def test_volunteer_section_has_the_log_button_first_and_edit_links(
    world: World, as_user: Any
) -> None:
    match = active_match(world)
    mine = _row(match, world)
    old = _row(
        match,
        world,
        occurred_on=match.started_on,
        created_at=timezone.now() - datetime.timedelta(days=30),
    )
    page = as_user(world.volunteer).get(_detail(match)).content.decode()
    section = page[page.index('id="activities-heading"') :]
    first_button = section.index('class="ds-button"')
    assert section[first_button : first_button + 200].count("Registrer en aktivitet") == 1
    assert reverse("followup:activity_edit", args=[mine.pk]) in page
    assert reverse("followup:activity_edit", args=[old.pk]) not in page


def test_paused_section_tells_the_volunteer_and_offers_no_button(
    world: World, as_user: Any
) -> None:
    match = active_match(world, status="paused")
    page = as_user(world.volunteer).get(_detail(match)).content.decode()
    assert "Koblingen er satt på pause. Du kan ikke registrere aktiviteter nå." in page
    assert reverse("followup:activity_new", args=[match.pk]) not in page


def test_centre_sees_only_counts_and_the_last_contact(world: World, as_user: Any) -> None:
    match = active_match(world)
    _row(match, world, occurred_on=timezone.localdate() - datetime.timedelta(days=2))
    _row(match, world, channel="in_person", kind="housing", occurred_on=match.started_on)
    page = as_user(world.staff).get(_detail(match)).content.decode()
    assert 'data-field="count_total">2<' in page
    assert 'data-field="count_in_person">1<' in page
    assert 'data-field="count_digital">1<' in page
    assert 'data-field="count_recent">1<' in page
    assert "for 2 dager siden" in page
    assert NOTE not in page
    assert "Tur eller trening" not in page
    assert "Boligvisning" not in page
    assert "90 minutter" not in page
    assert reverse("followup:activities", args=[match.pk]) not in page


def test_leader_sees_counts_recent_entries_and_the_link(world: World, as_user: Any) -> None:
    match = active_match(world)
    _row(match, world)
    page = as_user(world.leader).get(_detail(match)).content.decode()
    assert 'data-field="count_total">1<' in page
    assert NOTE in page
    assert reverse("followup:activities", args=[match.pk]) in page
    assert reverse("followup:activity_new", args=[match.pk]) not in page


def test_the_log_page_for_the_leader(world: World, as_user: Any) -> None:
    match = active_match(world)
    _row(match, world)
    other = other_branch_match(world)
    _row(other, world, note="Nord-merknad", created_by=world.other_volunteer)
    response = as_user(world.leader).get(reverse("followup:activities", args=[match.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert NOTE in content
    assert "Nord-merknad" not in content
    assert "Rett eller slett" not in content


@pytest.mark.parametrize(
    ("principal", "status"),
    [("staff", 403), ("other_leader", 404), ("other_staff", 404), ("other_volunteer", 404)],
)
def test_the_log_page_is_refused_outside(
    world: World, as_user: Any, principal: str, status: int
) -> None:
    match = active_match(world)
    _row(match, world)
    response = as_user(getattr(world, principal)).get(
        reverse("followup:activities", args=[match.pk])
    )
    assert response.status_code == status
    assert NOTE not in response.content.decode()


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_log_page_and_the_match_page_have_constant_queries(world: World, as_user: Any) -> None:
    match = active_match(world)
    _row(match, world)
    client = as_user(world.leader)
    log = reverse("followup:activities", args=[match.pk])
    one_log, one_page = _queries(client, log), _queries(client, _detail(match))
    for day in range(1, 8):
        _row(match, world, occurred_on=timezone.localdate() - datetime.timedelta(days=day))
    assert _queries(client, log) == one_log
    assert _queries(client, _detail(match)) == one_page


def test_edit_and_delete_through_the_pages(world: World, as_user: Any) -> None:
    match = active_match(world)
    activity = _row(match, world)
    client = as_user(world.volunteer)
    edit = reverse("followup:activity_edit", args=[activity.pk])
    page = client.get(edit)
    assert page.status_code == 200
    assert NOTE in page.content.decode()
    response = client.post(edit, _form(kind="norwegian", note=""), follow=True)
    assert "Aktiviteten er rettet." in response.content.decode()
    activity.refresh_from_db()
    assert (activity.kind, activity.note) == ("norwegian", "")
    delete = reverse("followup:activity_delete", args=[activity.pk])
    assert client.get(delete).status_code == 200
    response = client.post(delete, follow=True)
    assert "Aktiviteten er slettet." in response.content.decode()
    assert Activity.objects.count() == 0


def test_edit_of_an_old_entry_is_refused_with_a_message(world: World, as_user: Any) -> None:
    match = active_match(world)
    activity = _row(match, world, created_at=timezone.now() - datetime.timedelta(days=8))
    client = as_user(world.volunteer)
    response = client.post(
        reverse("followup:activity_edit", args=[activity.pk]), _form(kind="job"), follow=True
    )
    assert "kan ikke endres lenger" in response.content.decode()
    activity.refresh_from_db()
    assert activity.kind == "walk"
    response = client.post(reverse("followup:activity_delete", args=[activity.pk]), follow=True)
    assert "kan ikke endres lenger" in response.content.decode()
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("principal", "status"), [("leader", 403), ("staff", 403), ("other_volunteer", 404)]
)
def test_edit_and_delete_refused_for_others(
    world: World, as_user: Any, principal: str, status: int
) -> None:
    match = active_match(world)
    activity = _row(match, world)
    client = as_user(getattr(world, principal))
    for name in ("followup:activity_edit", "followup:activity_delete"):
        url = reverse(name, args=[activity.pk])
        assert client.get(url).status_code == status
        assert client.post(url, _form(kind="job")).status_code == status
    activity.refresh_from_db()
    assert activity.kind == "walk"


def test_a_passed_meeting_prefills_the_form_and_is_linked(world: World, as_user: Any) -> None:
    match = active_match(world)
    starts = timezone.now() - datetime.timedelta(hours=3)
    meeting = PlannedMeeting.objects.create(
        match=match,
        starts_at=starts,
        duration_minutes=90,
        mode="digital",
        created_by=world.volunteer,
    )
    client = as_user(world.volunteer)
    page = client.get(_detail(match)).content.decode()
    link = reverse("followup:activity_new", args=[match.pk]) + f"?meeting={meeting.pk}"
    assert link in page
    assert "Registrer dette møtet" in page
    form = client.get(link).content.decode()
    assert f'value="{timezone.localdate(starts).isoformat()}"' in form
    assert re.search(r'name="channel" value="video"[^>]*checked', form)
    assert re.search(r'name="duration_minutes" value="90"[^>]*checked', form)
    assert f'name="planned_meeting" value="{meeting.pk}"' in form
    data = _form(
        occurred_on=timezone.localdate(starts).isoformat(),
        channel="video",
        kind="coffee",
        planned_meeting=str(meeting.pk),
    )
    client.post(reverse("followup:activity_new", args=[match.pk]), data)
    assert Activity.objects.get().planned_meeting_id == meeting.pk
    page = client.get(_detail(match)).content.decode()
    assert "Registrer dette møtet" not in page

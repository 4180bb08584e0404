"""Check-in pages: record, the due list, the match page section and the group check-in, per
role, with refusals, bad input and leak checks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.followup.actions import checkins as actions
from ressursvenn.followup.models import CheckIn
from ressursvenn.followup.tests.access_checkins import (
    first_planned,
    guidance_session,
    scheduled_match,
)
from ressursvenn.followup.tests.builders import other_branch_match
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.matching.models import Match
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db

NOTE = "Hun er redd for eksmannen igjen"
WHAT = "Ringe krisesenteret om ny adresse"


def _post(day: datetime.date | None = None, **fields: Any) -> dict[str, Any]:
    data = {
        "held_on": (day or timezone.localdate()).isoformat(),
        "mode": "phone",
        "rating": "4",
        "notes": NOTE,
        "followup_needed": "no",
        "followup_what": "",
    }
    data.update(fields)
    return data


def _record_url(checkin: CheckIn) -> str:
    return reverse("followup:checkin_record", kwargs={"pk": checkin.pk})


def _held(world: World, match: Match, party: str = "volunteer") -> CheckIn:
    checkin = first_planned(match, party)
    return actions.record_checkin(
        checkin,
        by=world.leader,
        held_on=timezone.localdate(),
        mode="video",
        rating=2,
        notes=NOTE,
        via="direct" if party == "woman" else "",
        followup_needed=True,
        followup_what=WHAT,
    )


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# Record ---------------------------------------------------------------------------------


def test_leader_sees_the_form_with_the_pair_and_logs_the_access(world: World, as_user: Any) -> None:
    match = scheduled_match(world)
    checkin = first_planned(match, "woman")
    response = as_user(world.leader).get(_record_url(checkin))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Oppfølgingssamtale med kvinnen" in text
    assert "Amina og Vera Venn" in text
    assert "Svært dårlig" in text
    assert "Svært bra" in text
    form = response.context["form"]
    assert form["via"].initial == "direct"  # her contact channel is the phone
    logged = set(AccessEvent.objects.values_list("object_type", "object_id"))
    assert logged == {
        ("participants.referral", str(match.referral_id)),
        ("volunteers.volunteer", str(match.volunteer_id)),
    }


def test_via_defaults_to_the_centre_when_she_is_reached_through_it(
    world: World, as_user: Any
) -> None:
    match = scheduled_match(world, contact_channel="via_centre", contact_value="")
    response = as_user(world.leader).get(_record_url(first_planned(match, "woman")))
    assert response.context["form"]["via"].initial == "centre"
    volunteer_form = as_user(world.leader).get(_record_url(first_planned(match))).context["form"]
    assert "via" not in volunteer_form.fields


def test_leader_records_a_check_in(world: World, as_user: Any) -> None:
    match = scheduled_match(world)
    checkin = first_planned(match, "woman")
    client = as_user(world.leader)
    response = client.post(
        _record_url(checkin),
        _post(via="centre", followup_needed="yes", followup_what=WHAT),
        follow=True,
    )
    assert response.redirect_chain == [(reverse("matching:match_detail", args=[match.pk]), 302)]
    assert _messages(response) == ["Oppfølgingssamtalen er registrert."]
    checkin.refresh_from_db()
    assert (checkin.status, checkin.mode, checkin.via, checkin.rating) == (
        "held",
        "phone",
        "centre",
        4,
    )
    assert (checkin.notes, checkin.followup_needed, checkin.followup_what) == (NOTE, True, WHAT)
    # The match page shows the flag and the held check-in, never the notes.
    text = response.content.decode()
    assert "Trenger oppfølging" in text
    assert NOTE not in text
    assert WHAT not in text
    # The record page shows them.
    record = client.get(_record_url(checkin)).content.decode()
    assert NOTE in record
    assert WHAT in record
    assert 'name="held_on"' not in record


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"held_on": "tomorrow"}, "held_on", "Skriv datoen som dd.mm.åååå."),
        ({"held_on": ""}, "held_on", "Velg datoen samtalen ble holdt."),
        ({"rating": "6"}, "rating", "Velg hvordan koblingen går, fra 1 til 5."),
        ({"rating": ""}, "rating", "Velg hvordan koblingen går, fra 1 til 5."),
        ({"mode": "group"}, "mode", "Velg hvordan samtalen ble holdt."),
        ({"followup_needed": "yes"}, "followup_what", "Skriv hva som må følges opp."),
        ({"notes": "x" * 4001}, "notes", "Skriv høyst 4000 tegn (det er 4001)."),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_changes(
    world: World, as_user: Any, fields: dict[str, str], field: str, message: str
) -> None:
    checkin = first_planned(scheduled_match(world))
    response = as_user(world.leader).post(_record_url(checkin), _post(**fields))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    checkin.refresh_from_db()
    assert checkin.status == "planned"
    assert not AuditEvent.objects.filter(action=AuditAction.CHECKIN_RECORD).exists()


def test_dates_in_the_future_or_before_the_start_are_refused(world: World, as_user: Any) -> None:
    match = scheduled_match(world, started_days_ago=10)
    assert match.started_on is not None
    checkin = first_planned(match)
    client = as_user(world.leader)
    future = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(_record_url(checkin), _post(future))
    assert response.context["form"].errors["held_on"] == ["Datoen kan ikke være fram i tid."]
    before = match.started_on - datetime.timedelta(days=1)
    response = client.post(_record_url(checkin), _post(before))
    assert response.context["form"].errors["held_on"] == [
        "Datoen kan ikke være før koblingen startet."
    ]
    checkin.refresh_from_db()
    assert checkin.status == "planned"


def test_the_womans_check_in_needs_via(world: World, as_user: Any) -> None:
    checkin = first_planned(scheduled_match(world), "woman")
    response = as_user(world.leader).post(_record_url(checkin), _post())
    assert response.context["form"].errors["via"] == [
        "Velg om samtalen var direkte med henne eller gjennom krisesenteret."
    ]


def test_a_double_submit_is_a_message_and_nothing_changes(world: World, as_user: Any) -> None:
    checkin = first_planned(scheduled_match(world))
    client = as_user(world.leader)
    client.post(_record_url(checkin), _post(rating="5"), follow=True)
    response = client.post(_record_url(checkin), _post(rating="1", notes="Noe annet"), follow=True)
    assert _messages(response) == ["Denne oppfølgingssamtalen er allerede registrert."]
    checkin.refresh_from_db()
    assert (checkin.rating, checkin.notes) == (5, NOTE)
    assert AuditEvent.objects.filter(action=AuditAction.CHECKIN_RECORD).count() == 1


def test_a_closed_match_shows_no_form_and_refuses_the_post(world: World, as_user: Any) -> None:
    match = scheduled_match(world)
    checkin = first_planned(match)
    Match.objects.filter(pk=match.pk).update(status="closed", ended_on=timezone.localdate())
    client = as_user(world.leader)
    page = client.get(_record_url(checkin))
    assert page.context["form"] is None
    assert "Koblingen er avsluttet." in page.content.decode()
    response = client.post(_record_url(checkin), _post(), follow=True)
    assert _messages(response) == ["Koblingen er avsluttet."]
    checkin.refresh_from_db()
    assert checkin.status == "planned"


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff", 403), ("volunteer", 403), ("other_leader", 404), ("other_staff", 404)],
)
def test_others_are_refused_and_see_no_notes(
    world: World, as_user: Any, who: str, status: int
) -> None:
    match = scheduled_match(world)
    held = _held(world, match)
    planned = first_planned(match)
    client = as_user(getattr(world, who))
    for checkin in (held, planned):
        response = client.get(_record_url(checkin))
        assert response.status_code == status
        assert NOTE not in response.content.decode()
        assert client.post(_record_url(checkin), _post()).status_code == status
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_other_branch_leader_records_her_own(world: World, as_user: Any) -> None:
    match = other_branch_match(world)
    actions.create_schedule(match, by=world.other_leader)
    checkin = first_planned(match)
    response = as_user(world.other_leader).post(_record_url(checkin), _post())
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.status == "held"


# Due list -------------------------------------------------------------------------------


def test_due_list_shows_overdue_first_with_the_pair(world: World, as_user: Any) -> None:
    match = scheduled_match(world, started_days_ago=40)
    today = timezone.localdate()
    response = as_user(world.leader).get(reverse("followup:checkins_due"))
    assert response.status_code == 200
    items = response.context["items"]
    assert [item["checkin"].match for item in items] == [match] * len(items)
    assert items[0]["overdue"] is True
    assert [item["checkin"].due_on for item in items] == sorted(
        item["checkin"].due_on for item in items
    )
    text = response.content.decode()
    assert "Amina og Vera Venn" in text
    assert "Forfalt" in text
    assert _record_url(items[0]["checkin"]) in text
    assert all(item["checkin"].due_on <= today + datetime.timedelta(days=3) for item in items)


def test_due_list_is_each_leaders_own(world: World, as_user: Any) -> None:
    scheduled_match(world, started_days_ago=40)
    response = as_user(world.other_leader).get(reverse("followup:checkins_due"))
    assert response.status_code == 200
    assert list(response.context["items"]) == []
    assert "Amina" not in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "volunteer", "coordinator"])
def test_due_list_is_for_leaders_only(world: World, as_user: Any, who: str) -> None:
    scheduled_match(world, started_days_ago=40)
    response = as_user(getattr(world, who)).get(reverse("followup:checkins_due"))
    assert response.status_code == 403
    assert "Amina" not in response.content.decode()


def _count_due_page(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("followup:checkins_due"))
    assert response.status_code == 200
    return len(queries)


def test_due_list_queries_do_not_grow_with_rows(world: World, as_user: Any) -> None:
    scheduled_match(world, started_days_ago=14)  # the first check-in of one pair, due soon
    client = as_user(world.leader)
    first = _count_due_page(client)
    assert len(client.get(reverse("followup:checkins_due")).context["items"]) == 2
    for _ in range(4):
        volunteer = factories.volunteer(world.branch)
        scheduled_match(world, started_days_ago=60, volunteer=volunteer)
    assert _count_due_page(client) == first
    assert len(client.get(reverse("followup:checkins_due")).context["items"]) > 2


# Match page section ---------------------------------------------------------------------


def _detail(match: Match) -> str:
    return reverse("matching:match_detail", args=[match.pk])


def test_match_page_shows_the_leader_the_next_and_held_check_ins(
    world: World, as_user: Any
) -> None:
    match = scheduled_match(world, started_days_ago=40)
    _held(world, match, "woman")
    response = as_user(world.leader).get(_detail(match))
    text = response.content.decode()
    assert 'id="checkins-heading"' in text
    section = next(
        s for s in response.context["sections"] if s["template"].endswith("checkins.html")
    )
    assert [item["checkin"].party for item in section["upcoming"]] == ["volunteer", "woman"]
    assert [row.party for row in section["held"]] == ["woman"]
    assert len(section["followups"]) == 1
    assert "Trenger oppfølging" in text
    assert NOTE not in text
    assert WHAT not in text


@pytest.mark.parametrize("who", ["staff", "volunteer"])
def test_match_page_shows_no_check_ins_to_others(world: World, as_user: Any, who: str) -> None:
    match = scheduled_match(world, started_days_ago=40)
    _held(world, match)
    response = as_user(getattr(world, who)).get(_detail(match))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="checkins-heading"' not in text
    assert "Trenger oppfølging" not in text
    assert NOTE not in text


def test_match_page_section_queries_are_constant(world: World, as_user: Any) -> None:
    match = scheduled_match(world, started_days_ago=40)
    client = as_user(world.leader)
    with CaptureQueriesContext(connection) as one:
        client.get(_detail(match))
    for party in ("volunteer", "woman", "volunteer"):
        _held(world, match, party)
    with CaptureQueriesContext(connection) as many:
        client.get(_detail(match))
    assert len(many) == len(one)


# Group check-in -------------------------------------------------------------------------


def _group_url(session: Any) -> str:
    return reverse("followup:group_checkin", kwargs={"pk": session.pk})


def test_leader_counts_a_guidance_meeting_for_the_ticked_volunteers(
    world: World, as_user: Any
) -> None:
    match = scheduled_match(world, started_days_ago=40)
    second = factories.volunteer(world.branch, full_name="Siv Annen")
    other = scheduled_match(world, started_days_ago=40, volunteer=second)
    session = guidance_session(world, present=(world.volunteer.volunteer, second))
    client = as_user(world.leader)
    page = client.get(_group_url(session))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vera Venn" in text
    assert "Siv Annen" in text
    assert "Amina" not in text
    earliest = first_planned(match)
    response = client.post(_group_url(session), {"selected": [str(match.pk)]}, follow=True)
    assert _messages(response) == ["Møtet er registrert som oppfølgingssamtale for 1 ressursvenn."]
    earliest.refresh_from_db()
    assert (earliest.status, earliest.mode, earliest.guidance_session_id) == (
        "held",
        "group",
        session.pk,
    )
    assert not CheckIn.objects.filter(match=other, status="held").exists()
    # Already counted for Vera: she is listed as done, Siv can still be ticked.
    form = response.context["form"]
    assert [label for _, label in form.fields["selected"].choices] == ["Siv Annen"]


def test_group_checkin_with_nobody_ticked_changes_nothing(world: World, as_user: Any) -> None:
    match = scheduled_match(world)
    session = guidance_session(world)
    response = as_user(world.leader).post(_group_url(session), {})
    assert response.status_code == 200
    assert response.context["form"].errors["selected"] == ["Kryss av for minst én ressursvenn."]
    assert not CheckIn.objects.filter(match=match, status="held").exists()


def test_group_checkin_for_a_future_meeting_is_refused(world: World, as_user: Any) -> None:
    match = scheduled_match(world)
    session = guidance_session(world, days_ago=-3)
    client = as_user(world.leader)
    page = client.get(_group_url(session))
    assert page.context["form"] is None
    assert "Møtet har ikke vært ennå." in page.content.decode()
    response = client.post(_group_url(session), {"selected": [str(match.pk)]}, follow=True)
    assert _messages(response) == [
        "Møtet har ikke vært ennå. Det kan telle som oppfølgingssamtale etterpå."
    ]
    assert not CheckIn.objects.filter(match=match, status="held").exists()


def test_group_checkin_double_submit_changes_nothing(world: World, as_user: Any) -> None:
    match = scheduled_match(world)
    session = guidance_session(world)
    client = as_user(world.leader)
    client.post(_group_url(session), {"selected": [str(match.pk)]})
    response = client.post(_group_url(session), {"selected": [str(match.pk)]})
    assert response.status_code == 200
    assert CheckIn.objects.filter(match=match, status="held").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CHECKIN_GROUP).count() == 1


@pytest.mark.parametrize("who", ["other_leader", "staff", "volunteer", "coordinator"])
def test_group_checkin_is_refused_to_others(world: World, as_user: Any, who: str) -> None:
    match = scheduled_match(world)
    session = guidance_session(world)
    client = as_user(getattr(world, who))
    response = client.get(_group_url(session))
    assert response.status_code == 404
    assert "Vera Venn" not in response.content.decode()
    assert client.post(_group_url(session), {"selected": [str(match.pk)]}).status_code == 404
    assert not CheckIn.objects.filter(match=match, status="held").exists()


def test_guidance_group_page_links_to_the_group_checkin(world: World, as_user: Any) -> None:
    session = guidance_session(world)
    response = as_user(world.leader).get(
        reverse("volunteers:guidance_detail", args=[session.group_id])
    )
    assert _group_url(session) in response.content.decode()

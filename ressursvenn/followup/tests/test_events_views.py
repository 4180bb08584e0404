"""Social events through the pages: list, plan / change / cancel, answer, attendance."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.followup.actions.events import answer_event
from ressursvenn.followup.models import Activity, EventSignup, SocialEvent
from ressursvenn.followup.tests.builders import active_match
from ressursvenn.followup.tests.test_events_actions import make_event, second_volunteer

pytestmark = pytest.mark.django_db


def form_data(**overrides: Any) -> dict[str, Any]:
    day = timezone.localdate() + datetime.timedelta(days=10)
    data: dict[str, Any] = {
        "title": "Digital kaffe",
        "description": "Vi drikker kaffe sammen.",
        "date": day.isoformat(),
        "time": "18:00",
        "duration_minutes": "90",
        "mode": "in_person",
        "place": "Biblioteket på Tøyen",
        "video_url": "",
        "capacity": "10",
        "audience": "pairs",
    }
    data.update(overrides)
    return data


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- list --------------------------------------------------------------------------------------


def test_list_for_leader_and_volunteer(world: Any, as_user: Any) -> None:
    active_match(world)
    make_event(world, title="Kaffe i parken")
    make_event(world, title="Kurskveld", starts_at=timezone.now() - datetime.timedelta(days=3))
    make_event(world, title="Narvik-tur", branch=world.other_branch, organiser=world.other_leader)
    leader = as_user(world.leader).get(reverse("followup:events"))
    assert leader.status_code == 200
    assert [e.title for e in leader.context["upcoming"]] == ["Kaffe i parken"]
    assert [e.title for e in leader.context["past"]] == ["Kurskveld"]
    assert "Narvik-tur" not in leader.content.decode()
    volunteer = as_user(world.volunteer).get(reverse("followup:events"))
    assert [e.title for e in volunteer.context["invited"]] == ["Kaffe i parken"]
    assert "Kurskveld" not in volunteer.content.decode()
    assert "Lag et nytt treff" not in volunteer.content.decode()


def test_list_refused_for_staff_and_coordinator(world: Any, as_user: Any) -> None:
    make_event(world)
    for user in (world.staff, world.coordinator):
        assert as_user(user).get(reverse("followup:events")).status_code == 403


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("followup:events")).status_code == 200
    return len(queries)


def test_list_queries_constant(world: Any, as_user: Any) -> None:
    match = active_match(world)
    first = make_event(world)
    answer_event(first, by=world.volunteer, answer="pair", match=match)
    make_event(world, starts_at=timezone.now() - datetime.timedelta(days=1))
    leader, volunteer = as_user(world.leader), None
    leader_one = _list_queries(leader)
    volunteer = as_user(world.volunteer)
    volunteer_one = _list_queries(volunteer)
    for days in range(2, 7):
        event = make_event(world, starts_at=timezone.now() + datetime.timedelta(days=days))
        answer_event(event, by=world.volunteer, answer="self")
        make_event(world, starts_at=timezone.now() - datetime.timedelta(days=days))
    leader = as_user(world.leader)
    assert _list_queries(leader) == leader_one
    volunteer = as_user(world.volunteer)
    assert _list_queries(volunteer) == volunteer_one


# --- new / edit / cancel ------------------------------------------------------------------


def test_leader_creates_an_event(world: Any, as_user: Any) -> None:
    response = as_user(world.leader).post(reverse("followup:event_new"), form_data(), follow=True)
    event = SocialEvent.objects.get()
    assert response.redirect_chain == [(reverse("followup:event_detail", args=[event.pk]), 302)]
    assert (event.branch, event.title, event.place, event.capacity, event.organiser) == (
        world.branch,
        "Digital kaffe",
        "Biblioteket på Tøyen",
        10,
        world.leader,
    )
    assert timezone.localtime(event.starts_at).time() == datetime.time(18, 0)
    assert messages_of(response) == ["Treffet er opprettet. De som er invitert, har fått beskjed."]
    # Double submit: refused, still one event.
    response = as_user(world.leader).post(reverse("followup:event_new"), form_data(), follow=True)
    assert response.redirect_chain == [(reverse("followup:events"), 302)]
    assert messages_of(response) == ["Treffet er allerede opprettet."]
    assert SocialEvent.objects.count() == 1


def test_new_event_form_bad_input(world: Any, as_user: Any) -> None:
    client = as_user(world.leader)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    cases = [
        ({"date": yesterday}, "date", "Tidspunktet har vært. Velg et tidspunkt fram i tid."),
        (
            {"place": "Storgata 12"},
            "place",
            "Skriv en kort beskrivelse uten adresse: ingen gatenavn, husnummer eller postnummer.",
        ),
        ({"place": ""}, "place", "Skriv hvor dere møtes, for eksempel «biblioteket»."),
        ({"capacity": "0"}, "capacity", "Det må være minst én plass."),
        ({"title": ""}, "title", "Skriv en tittel."),
        (
            {"mode": "digital", "video_url": "http://example.no/rom"},
            "video_url",
            "Skriv en hel lenke som begynner med https://.",
        ),
    ]
    for overrides, field, message in cases:
        response = client.post(reverse("followup:event_new"), form_data(**overrides))
        assert response.status_code == 200
        assert response.context["form"].errors[field] == [message]
        assert message in response.content.decode()
    assert SocialEvent.objects.count() == 0


def test_branch_select_only_for_several_branches(world: Any, as_user: Any) -> None:
    client = as_user(world.leader)
    assert 'name="branch"' in client.get(reverse("followup:event_new")).content.decode()
    assert '<select name="branch"' not in client.get(reverse("followup:event_new")).content.decode()
    Membership.objects.create(
        user=world.leader, organisation=world.other_branch, role=Role.GROUP_LEADER
    )
    response = client.get(reverse("followup:event_new"))
    assert response.context["form"].several_branches
    client.post(reverse("followup:event_new"), form_data(branch=str(world.other_branch.pk)))
    assert SocialEvent.objects.get().branch == world.other_branch


def test_volunteer_may_not_manage(world: Any, as_user: Any) -> None:
    event = make_event(world)
    client = as_user(world.volunteer)
    assert client.post(reverse("followup:event_new"), form_data()).status_code == 403
    assert (
        client.post(reverse("followup:event_edit", args=[event.pk]), form_data()).status_code == 403
    )
    assert client.post(reverse("followup:event_cancel", args=[event.pk])).status_code == 403
    event.refresh_from_db()
    assert (SocialEvent.objects.count(), event.title, event.cancelled_at) == (
        1,
        "Digital kaffe",
        None,
    )


def test_other_branch_leader_gets_404(world: Any, as_user: Any) -> None:
    event = make_event(world, title="Hemmelig treff")
    client = as_user(world.other_leader)
    for name in ("event_detail", "event_edit", "event_cancel", "event_attendance"):
        response = client.get(reverse(f"followup:{name}", args=[event.pk]))
        assert response.status_code == 404
        assert "Hemmelig" not in response.content.decode()


def test_leader_edits_and_cancels(world: Any, as_user: Any) -> None:
    event = make_event(world)
    client = as_user(world.leader)
    local = timezone.localtime(event.starts_at)
    data = form_data(
        title="Kaffe og kake", date=local.date().isoformat(), time=local.strftime("%H:%M")
    )
    response = client.post(reverse("followup:event_edit", args=[event.pk]), data, follow=True)
    assert messages_of(response) == ["Treffet er endret."]
    event.refresh_from_db()
    assert event.title == "Kaffe og kake"
    response = client.get(reverse("followup:event_cancel", args=[event.pk]))
    assert response.status_code == 200
    response = client.post(reverse("followup:event_cancel", args=[event.pk]), follow=True)
    assert messages_of(response) == ["Treffet er avlyst. De påmeldte har fått beskjed."]
    event.refresh_from_db()
    cancelled_at = event.cancelled_at
    assert cancelled_at is not None
    # Double submit: refused, unchanged.
    response = client.post(reverse("followup:event_cancel", args=[event.pk]), follow=True)
    assert messages_of(response) == ["Treffet er allerede avlyst."]
    event.refresh_from_db()
    assert event.cancelled_at == cancelled_at


def test_past_event_cannot_be_edited(world: Any, as_user: Any) -> None:
    event = make_event(world, starts_at=timezone.now() - datetime.timedelta(hours=1))
    response = as_user(world.leader).post(
        reverse("followup:event_edit", args=[event.pk]), form_data(title="Ny"), follow=True
    )
    assert messages_of(response) == ["Treffet har vært og kan ikke endres."]
    event.refresh_from_db()
    assert event.title == "Digital kaffe"


# --- detail and answer ---------------------------------------------------------------------


def test_nobody_but_the_leaders_sees_who_signed_up(world: Any, as_user: Any) -> None:
    active_match(world)
    other = second_volunteer(world, "Wenche Annen")
    event = make_event(world, audience=SocialEvent.Audience.VOLUNTEERS)
    answer_event(event, by=other.user, answer="self")
    url = reverse("followup:event_detail", args=[event.pk])
    page = as_user(world.volunteer).get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Wenche" not in text
    assert page.context["signups"] == []
    assert page.context["counts"] == {"taken": 1, "free": 9, "coming": 1}
    assert "9 av 10" in text
    leader = as_user(world.leader).get(url)
    assert "Wenche Annen" in leader.content.decode()


def test_outsiders_get_404_on_the_event(world: Any, as_user: Any) -> None:
    active_match(world)
    event = make_event(world, title="Hemmelig treff")
    answer_event(event, by=world.volunteer, answer="self")
    for user in (world.other_volunteer, world.staff, world.other_staff, world.coordinator):
        client = as_user(user)
        response = client.get(reverse("followup:event_detail", args=[event.pk]))
        assert response.status_code == 404
        assert "Hemmelig" not in response.content.decode()
        assert "Vera" not in response.content.decode()
        response = client.post(
            reverse("followup:event_answer", args=[event.pk]), {"answer": "self"}
        )
        assert response.status_code == 404
    assert list(EventSignup.objects.values_list("volunteer", flat=True)) == [
        world.volunteer.volunteer.pk
    ]


def test_volunteer_answers_and_changes(world: Any, as_user: Any) -> None:
    match = active_match(world)
    event = make_event(world)
    client = as_user(world.volunteer)
    url = reverse("followup:event_answer", args=[event.pk])
    page = client.get(reverse("followup:event_detail", args=[event.pk]))
    assert [value for value, _ in page.context["answer_form"].fields["answer"].choices] == [
        "self",
        "pair",
        "no",
    ]
    response = client.post(url, {"answer": "pair"}, follow=True)
    assert messages_of(response) == ["Du er påmeldt. Velkommen!"]
    signup = EventSignup.objects.get()
    assert (signup.answer, signup.places, signup.match) == ("pair", 2, match)
    assert reverse("matching:match_detail", args=[match.pk]) in response.content.decode()
    # Double submit
    response = client.post(url, {"answer": "pair"}, follow=True)
    assert messages_of(response) == ["Svaret ditt var allerede lagret."]
    response = client.post(url, {"answer": "no"}, follow=True)
    assert messages_of(response) == ["Svaret ditt er lagret: du kommer ikke."]
    signup.refresh_from_db()
    assert (signup.answer, signup.places, signup.match) == ("no", 0, None)


def test_no_pair_answer_without_active_match_or_for_volunteers_only(
    world: Any, as_user: Any
) -> None:
    event = make_event(world, audience=SocialEvent.Audience.VOLUNTEERS)
    active_match(world)
    client = as_user(world.volunteer)
    page = client.get(reverse("followup:event_detail", args=[event.pk]))
    assert [value for value, _ in page.context["answer_form"].fields["answer"].choices] == [
        "self",
        "no",
    ]
    response = client.post(reverse("followup:event_answer", args=[event.pk]), {"answer": "pair"})
    assert response.status_code == 200
    assert response.context["answer_form"].errors["answer"] == ["Velg et av svarene."]
    assert EventSignup.objects.count() == 0


def test_full_and_past_events(world: Any, as_user: Any) -> None:
    active_match(world)
    other = second_volunteer(world)
    full = make_event(world, capacity=1, audience=SocialEvent.Audience.VOLUNTEERS)
    answer_event(full, by=other.user, answer="self")
    client = as_user(world.volunteer)
    response = client.post(reverse("followup:event_answer", args=[full.pk]), {"answer": "self"})
    assert response.status_code == 200
    assert response.context["answer_form"].errors["answer"] == ["Treffet er fullt."]
    assert "Treffet er fullt." in response.content.decode()
    past = make_event(world, starts_at=timezone.now() - datetime.timedelta(minutes=10))
    response = client.post(
        reverse("followup:event_answer", args=[past.pk]), {"answer": "self"}, follow=True
    )
    assert messages_of(response) == ["Treffet har vært. Svaret kan ikke endres nå."]
    assert "Treffet har vært." in response.content.decode()
    assert list(EventSignup.objects.values_list("volunteer", flat=True)) == [other.pk]


def test_not_invited_volunteer_sees_no_form_and_no_link(world: Any, as_user: Any) -> None:
    event = make_event(world, place="", video_url="https://meet.example/hemmelig-rom")
    page = as_user(world.volunteer).get(reverse("followup:event_detail", args=[event.pk]))
    assert page.context["answer_form"] is None
    text = page.content.decode()
    assert "hemmelig-rom" not in text
    assert "Dette treffet er for ressursvenner med en aktiv kobling." in text


# --- attendance ----------------------------------------------------------------------------


def test_leader_records_attendance(world: Any, as_user: Any) -> None:
    match = active_match(world)
    event = make_event(world)
    signup = answer_event(event, by=world.volunteer, answer="pair", match=match)
    client = as_user(world.leader)
    url = reverse("followup:event_attendance", args=[event.pk])
    response = client.get(url, follow=True)
    assert messages_of(response) == ["Oppmøtet kan registreres når treffet har begynt."]
    SocialEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "Vera Venn og kvinnen hun følger (2 plasser)" in page.content.decode()
    response = client.post(url, {"attended": [str(signup.pk)]}, follow=True)
    assert messages_of(response) == ["Oppmøtet er lagret."]
    signup.refresh_from_db()
    assert signup.attended is True
    assert list(Activity.objects.values_list("match", "event")) == [(match.pk, event.pk)]
    response = client.post(url, {"attended": ["999999"]})
    assert response.status_code == 200
    assert response.context["form"].errors["attended"] == ["Velg blant dem som har meldt seg på."]
    assert Activity.objects.count() == 1
    assert as_user(world.volunteer).post(url, {}).status_code == 403
    assert Activity.objects.count() == 1

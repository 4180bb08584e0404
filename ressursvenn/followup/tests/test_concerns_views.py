"""Concern pages: the report form (emergency first), the detail per role, handling, the list
and the match page's section."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.followup.models import Concern
from ressursvenn.followup.tests.access_concerns import make_concern
from ressursvenn.followup.tests.builders import active_match, other_branch_match
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.matching.models import Match

TEXT = "Amina ble truet av eksen ved Grønland t-bane"
NOTE = "Ringte Amina, hun er trygg nå"
RESOLUTION = "Politiet er varslet om eksen"


def _new(match: Match) -> str:
    return reverse("followup:concern_new", args=[match.pk])


def _detail(concern: Concern) -> str:
    return reverse("followup:concern_detail", args=[concern.pk])


def _match_page(match: Match) -> str:
    return reverse("matching:match_detail", args=[match.pk])


def _data(**overrides: Any) -> dict[str, str]:
    return {"category": "safety", "severity": "urgent", "description": TEXT, **overrides}


def _text(response: Any) -> str:
    return str(response.content.decode())


# --- report -------------------------------------------------------------------------------


def test_report_page_shows_emergency_numbers_before_the_form(world: Any, as_user: Any) -> None:
    world.centre.phone = "+47 22 11 22 33"
    world.centre.save()
    match = active_match(world)
    response = as_user(world.volunteer).get(_new(match))
    assert response.status_code == 200
    html = _text(response)
    assert 'href="tel:112"' in html
    assert 'href="tel:02800"' in html
    assert 'href="tel:+4722112233"' in html
    assert "§ 196" in html
    assert html.index('href="tel:112"') < html.index('name="category"')
    assert html.index("§ 196") < html.index('name="description"')


def test_report_page_without_centre_phone_says_call_the_centre(world: Any, as_user: Any) -> None:
    match = active_match(world)
    html = _text(as_user(world.leader).get(_new(match)))
    assert "Ring krisesenteret hun kom fra." in html


@pytest.mark.parametrize("who", ["volunteer", "leader"])
def test_volunteer_and_leader_report(
    world: Any, as_user: Any, who: str, django_capture_on_commit_callbacks: Any
) -> None:
    match = active_match(world)
    user = getattr(world, who)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(user).post(_new(match), _data(category="children"), follow=True)
    assert response.redirect_chain[-1][0] == _match_page(match)
    concern = Concern.objects.get()
    assert concern.reported_by == user
    assert concern.category == "children"
    assert "Bekymringsmeldingen er sendt." in _text(response)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "Amina" not in message.body + message.subject
        assert "Grønland" not in message.body


def test_staff_may_not_report_and_outsiders_get_404(world: Any, as_user: Any, client: Any) -> None:
    match = active_match(world)
    assert as_user(world.staff).post(_new(match), _data()).status_code == 403
    for user in (world.other_volunteer, world.other_leader, world.other_staff, world.coordinator):
        client.logout()
        assert as_user(user).post(_new(match), _data()).status_code == 404
    assert Concern.objects.count() == 0


def test_bad_input_shows_norwegian_messages_and_saves_nothing(world: Any, as_user: Any) -> None:
    match = active_match(world)
    response = as_user(world.volunteer).post(
        _new(match), {"category": "weather", "severity": "", "description": "  "}
    )
    assert response.status_code == 200
    html = _text(response)
    assert "Velg hva det gjelder fra listen." in html
    assert "Velg hvor alvorlig det er." in html
    assert "Skriv hva som har skjedd." in html
    assert Concern.objects.count() == 0


def test_report_on_a_closed_match_is_refused(world: Any, as_user: Any) -> None:
    match = active_match(world, status="closed")
    response = as_user(world.volunteer).post(_new(match), _data(), follow=True)
    assert response.redirect_chain[-1][0] == _match_page(match)
    assert "Du kan bare melde fra om en kobling som er i gang." in _text(response)
    assert Concern.objects.count() == 0


def test_double_submit_says_so_and_saves_one(world: Any, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.volunteer)
    client.post(_new(match), _data())
    response = client.post(_new(match), _data(), follow=True)
    assert "Denne bekymringsmeldingen er allerede sendt." in _text(response)
    assert Concern.objects.count() == 1


# --- detail -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "staff"])
def test_leader_and_centre_see_everything(world: Any, as_user: Any, who: str) -> None:
    concern = make_concern(
        world,
        category=Concern.Category.CHILDREN,
        status=Concern.Status.ACKNOWLEDGED,
        acknowledge_note=NOTE,
        description=TEXT,
    )
    response = as_user(getattr(world, who)).get(_detail(concern))
    assert response.status_code == 200
    html = _text(response)
    assert TEXT in html
    assert NOTE in html
    assert 'data-field="children-flag"' in html
    assert "Gjelder barn" in html
    assert 'name="resolve-resolution"' in html
    assert AccessEvent.objects.filter(object_id=str(concern.match.referral_id)).count() == 1


def test_reporting_volunteer_sees_only_status_and_dates(world: Any, as_user: Any) -> None:
    concern = make_concern(world, description=TEXT)
    concern.status = Concern.Status.RESOLVED
    concern.acknowledge_note = NOTE
    concern.resolution = RESOLUTION
    concern.acknowledged_at = concern.resolved_at = timezone.now()
    concern.save()
    response = as_user(world.volunteer).get(_detail(concern))
    assert response.status_code == 200
    html = _text(response)
    assert "Løst" in html
    for secret in (TEXT, NOTE, RESOLUTION, "Hvor alvorlig"):
        assert secret not in html
    assert 'name="ack-note"' not in html
    assert 'name="resolve-resolution"' not in html


def test_volunteer_does_not_see_the_leaders_concern(world: Any, as_user: Any) -> None:
    concern = make_concern(world, reported_by=world.leader)
    assert as_user(world.volunteer).get(_detail(concern)).status_code == 404


@pytest.mark.parametrize("who", ["other_volunteer", "other_leader", "other_staff", "coordinator"])
def test_outsiders_get_404_without_a_leak(world: Any, as_user: Any, who: str) -> None:
    concern = make_concern(world, description=TEXT)
    response = as_user(getattr(world, who)).get(_detail(concern))
    assert response.status_code == 404
    assert TEXT not in _text(response)


def test_leader_acknowledges_and_resolves(world: Any, as_user: Any) -> None:
    concern = make_concern(world)
    client = as_user(world.leader)
    ack = reverse("followup:concern_acknowledge", args=[concern.pk])
    response = client.post(ack, {"ack-note": NOTE, "ack-status": "new"}, follow=True)
    assert "Bekymringsmeldingen er merket som mottatt." in _text(response)
    concern.refresh_from_db()
    assert (concern.status, concern.acknowledge_note) == ("acknowledged", NOTE)
    # A second submit of the same form: a clear message, nothing changed.
    response = client.post(ack, {"ack-note": "igjen", "ack-status": "new"}, follow=True)
    assert "Bekymringsmeldingen er allerede bekreftet mottatt." in _text(response)
    concern.refresh_from_db()
    assert concern.acknowledge_note == NOTE

    resolve = reverse("followup:concern_resolve", args=[concern.pk])
    response = client.post(resolve, {"resolve-resolution": ""})
    assert response.status_code == 200
    assert "Skriv hva som er gjort." in _text(response)
    concern.refresh_from_db()
    assert concern.status == "acknowledged"
    response = client.post(resolve, {"resolve-resolution": RESOLUTION}, follow=True)
    assert "Bekymringsmeldingen er løst." in _text(response)
    concern.refresh_from_db()
    assert (concern.status, concern.resolution) == ("resolved", RESOLUTION)
    response = client.post(resolve, {"resolve-resolution": "igjen"}, follow=True)
    assert "Bekymringsmeldingen er allerede løst." in _text(response)
    assert AuditEvent.objects.filter(action=AuditAction.CONCERN_RESOLVE).count() == 1


def test_centre_acknowledges(world: Any, as_user: Any) -> None:
    concern = make_concern(world)
    ack = reverse("followup:concern_acknowledge", args=[concern.pk])
    as_user(world.staff).post(ack, {"ack-note": "", "ack-status": "new"})
    concern.refresh_from_db()
    assert (concern.status, concern.acknowledged_by) == ("acknowledged", world.staff)


def test_resolve_before_acknowledge_is_refused(world: Any, as_user: Any) -> None:
    concern = make_concern(world)
    resolve = reverse("followup:concern_resolve", args=[concern.pk])
    response = as_user(world.leader).post(resolve, {"resolve-resolution": "x"}, follow=True)
    assert "Bekreft først at bekymringsmeldingen er mottatt." in _text(response)
    concern.refresh_from_db()
    assert concern.status == "new"


def test_volunteer_may_not_handle(world: Any, as_user: Any) -> None:
    concern = make_concern(world)
    ack = reverse("followup:concern_acknowledge", args=[concern.pk])
    response = as_user(world.volunteer).post(ack, {"ack-note": "", "ack-status": "new"})
    assert response.status_code == 403
    concern.refresh_from_db()
    assert concern.status == "new"


# --- list ---------------------------------------------------------------------------------


def test_list_per_role(world: Any, as_user: Any, client: Any) -> None:
    mine = make_concern(world, description=TEXT, category=Concern.Category.CHILDREN)
    leaders = make_concern(world, match=mine.match, reported_by=world.leader, description="x")
    other = make_concern(world, match=other_branch_match(world), reported_by=world.other_volunteer)
    url = reverse("followup:concerns")

    def shown(user: Any) -> set[int]:
        client.logout()
        response = as_user(user).get(url)
        assert response.status_code == 200
        assert TEXT not in _text(response)
        return {item["concern"].pk for item in response.context["items"]}

    assert shown(world.leader) == {mine.pk, leaders.pk}
    assert shown(world.staff) == {mine.pk, leaders.pk}
    assert shown(world.volunteer) == {mine.pk}
    assert shown(world.other_leader) == {other.pk}
    assert shown(world.other_staff) == {other.pk}
    assert shown(world.other_volunteer) == {other.pk}
    client.logout()
    html = _text(as_user(world.staff).get(url))
    assert "Gjelder barn" in html
    client.logout()
    html = _text(as_user(world.volunteer).get(url))
    assert "Gjelder barn" not in html
    assert "Din melding" in html
    client.logout()
    assert as_user(world.coordinator).get(url).status_code == 403


def test_list_marks_overdue_urgent_in_red(world: Any, as_user: Any) -> None:
    make_concern(world, reported_at=timezone.now() - datetime.timedelta(hours=25))
    html = _text(as_user(world.leader).get(reverse("followup:concerns")))
    assert 'data-field="overdue"' in html


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("followup:concerns")).status_code == 200
    return len(queries)


def test_list_queries_are_constant(world: Any, as_user: Any) -> None:
    client = as_user(world.leader)
    match = active_match(world)
    make_concern(world, match=match)
    one = _list_queries(client)
    for index in range(5):
        make_concern(world, match=match, description=f"melding {index}")
    make_concern(world, match=active_match(world, status="active"), description="annen")
    assert _list_queries(client) == one


# --- the match page section ---------------------------------------------------------------


def test_section_for_the_volunteer_shows_the_button_and_her_statuses(
    world: Any, as_user: Any
) -> None:
    concern = make_concern(world, description=TEXT)
    make_concern(world, match=concern.match, reported_by=world.leader, description="leders")
    html = _text(as_user(world.volunteer).get(_match_page(concern.match)))
    assert "Meld fra om en bekymring" in html
    assert _detail(concern) in html
    assert TEXT not in html
    assert html.count("Din melding") == 1


def test_section_for_leader_and_centre_lists_open_concerns(
    world: Any, as_user: Any, client: Any
) -> None:
    concern = make_concern(world, severity=Concern.Severity.SOON)
    done = make_concern(world, match=concern.match, status=Concern.Status.RESOLVED, description="y")
    html = _text(as_user(world.leader).get(_match_page(concern.match)))
    assert _detail(concern) in html
    assert _detail(done) not in html
    assert "Følg opp snart" in html
    assert "Meld fra om en bekymring" in html
    client.logout()
    html = _text(as_user(world.staff).get(_match_page(concern.match)))
    assert _detail(concern) in html
    assert "Meld fra om en bekymring" not in html


def test_section_queries_are_constant(world: Any, as_user: Any) -> None:
    match = active_match(world)
    client = as_user(world.leader)
    make_concern(world, match=match)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(_match_page(match))
        return len(queries)

    one = count()
    for index in range(4):
        make_concern(world, match=match, description=f"m{index}")
    assert count() == one

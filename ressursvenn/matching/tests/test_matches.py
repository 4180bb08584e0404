"""The match list and cancelling a match."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.actions.matches import cancel_match
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.matching.tests.access_meetings import build_match
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db


def _other_branch_match(world: World) -> Match:
    referral = factories.referral(
        world.other_centre, world.other_branch, status="proposed", first_name="Nordlys"
    )
    return factories.match(referral, world.other_volunteer.volunteer)


def _more_matches(world: World, count: int) -> None:
    for n in range(count):
        volunteer = factories.volunteer(
            world.branch, email=f"v{n}@example.no", full_name=f"Frivillig{n} Test"
        )
        referral = factories.referral(
            world.centre, world.branch, status="proposed", first_name=f"Kvinne{n}"
        )
        match = factories.match(referral, volunteer, status="meeting_planned")
        MatchingMeeting.objects.create(
            match=match,
            starts_at=timezone.now() + datetime.timedelta(days=n + 1),
            mode="phone",
            planned_by=world.leader,
        )


# --- list


@pytest.mark.parametrize("persona", ["leader", "staff", "volunteer"])
def test_list_shows_own_scope_only(world: World, as_user: Any, persona: str) -> None:
    build_match(world)
    _other_branch_match(world)
    response = as_user(getattr(world, persona)).get(reverse("matching:matches"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Amina" in html
    assert "Nordlys" not in html


@pytest.mark.parametrize("persona", ["other_leader", "other_staff"])
def test_list_of_another_branch_or_centre_leaks_nothing(
    world: World, as_user: Any, persona: str
) -> None:
    build_match(world)
    html = as_user(getattr(world, persona)).get(reverse("matching:matches")).content.decode()
    assert "Amina" not in html
    assert "0 koblinger." in html


def test_the_other_volunteer_sees_only_her_own(world: World, as_user: Any) -> None:
    build_match(world)
    _other_branch_match(world)
    html = as_user(world.other_volunteer).get(reverse("matching:matches")).content.decode()
    assert "Nordlys" in html
    assert "Amina" not in html


def test_coordinator_has_no_match_list(world: World, as_user: Any) -> None:
    build_match(world)
    response = as_user(world.coordinator).get(reverse("matching:matches"))
    assert response.status_code == 403
    assert "Amina" not in response.content.decode()


def test_status_filter(world: World, as_user: Any) -> None:
    build_match(world)
    _more_matches(world, 2)
    client: Client = as_user(world.leader)
    html = client.get(reverse("matching:matches"), {"status": "proposed"}).content.decode()
    assert "Amina" in html
    assert "Kvinne0" not in html
    html = client.get(reverse("matching:matches"), {"status": "meeting_planned"}).content.decode()
    assert "Amina" not in html
    assert "Kvinne0" in html
    assert "Kvinne1" in html
    assert client.get(reverse("matching:matches"), {"status": "tull"}).status_code == 200


@pytest.mark.parametrize("persona", ["leader", "staff"])
def test_list_query_count_does_not_grow(
    world: World, as_user: Any, persona: str, django_assert_num_queries: Any
) -> None:
    client: Client = as_user(getattr(world, persona))
    build_match(world)
    client.get(reverse("matching:matches"))  # warm up session and caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("matching:matches")).status_code == 200
    _more_matches(world, 4)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(reverse("matching:matches")).content.decode()
    assert html.count("/kobling/koblinger/") >= 5


# --- cancel


def test_cancel_returns_her_to_the_queue_with_her_place(world: World) -> None:
    match = build_match(world)
    waiting_since = Referral.objects.get(pk=match.referral_id).waiting_since
    cancel_match(match, by=world.leader, reason="Ressursvennen ble syk.")
    match.refresh_from_db()
    referral = Referral.objects.get(pk=match.referral_id)
    assert match.status == Match.Status.CANCELLED
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.waiting_since == waiting_since
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "match.cancel",
        "referral.back_to_waiting_list",
    }


def test_cancel_twice_is_refused(world: World) -> None:
    match = build_match(world)
    cancel_match(match, by=world.leader, reason="Grunn.")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        cancel_match(match, by=world.leader, reason="Igjen.")
    match.refresh_from_db()
    assert match.status_reason == "Grunn."
    assert AuditEvent.objects.count() == events


def test_active_match_cannot_be_cancelled_here(world: World) -> None:
    match = build_match(world, status="active")
    with pytest.raises(ValidationError):
        cancel_match(match, by=world.leader, reason="x")


def test_cancel_needs_a_reason_and_the_leader(world: World) -> None:
    match = build_match(world)
    with pytest.raises(ValidationError):
        cancel_match(match, by=world.leader, reason="  ")
    for user in (world.staff, world.volunteer, world.other_leader):
        with pytest.raises(PermissionDenied):
            cancel_match(match, by=user, reason="x")
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED


def test_cancel_through_the_page(world: World, as_user: Any) -> None:
    match = build_match(world)
    client: Client = as_user(world.leader)
    url = reverse("matching:match_cancel", args=[match.pk])
    response = client.post(url, {"cancel-reason": ""})
    assert response.status_code == 200
    assert "Skriv en begrunnelse." in response.content.decode()
    response = client.post(url, {"cancel-reason": "Passer ikke likevel."})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == Match.Status.CANCELLED
    # A double submit: a clear message, nothing changed.
    response = client.post(url, {"cancel-reason": "Igjen."}, follow=True)
    assert "kan ikke avbrytes" in response.content.decode()
    match.refresh_from_db()
    assert match.status_reason == "Passer ikke likevel."


@pytest.mark.parametrize("persona", ["other_leader", "other_staff", "other_volunteer"])
def test_cancel_by_outsiders_is_404(world: World, as_user: Any, persona: str) -> None:
    match = build_match(world)
    response = as_user(getattr(world, persona)).post(
        reverse("matching:match_cancel", args=[match.pk]), {"cancel-reason": "x"}
    )
    assert response.status_code == 404
    assert "Amina" not in response.content.decode()
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED


def test_the_match_page_shows_the_volunteers_yes_and_the_next_step(
    world: World, as_user: Any
) -> None:
    match = build_match(world)  # proposed, the volunteer said yes
    response = as_user(world.leader).get(reverse("matching:match_detail", args=[match.pk]))
    html = " ".join(response.content.decode().split())
    assert response.context["state"].text == "Ressursvennen har sagt ja"
    assert '<td data-field="status">Ressursvennen har sagt ja</td>' in html
    assert "Foreslått" not in html
    plan = reverse("matching:meeting_plan", args=[match.pk])
    assert f'href="{plan}">Planlegg koblingsmøtet</a>' in html
    assert "Ressursvennen har sagt ja. Neste steg: planlegg koblingsmøtet" in html
    assert '<td data-field="answer"> Ja' in html
    # Staff see the answer, not the leader's next step.
    response = as_user(world.staff).get(reverse("matching:match_detail", args=[match.pk]))
    assert response.context["state"].text == "Ressursvennen har sagt ja"
    assert plan not in response.content.decode()


def test_the_match_list_shows_answer_status_and_meeting_date(world: World, as_user: Any) -> None:
    waiting = factories.referral(world.centre, world.branch, status="proposed")
    asked = factories.match(waiting, factories.volunteer(world.branch, full_name="Berit Ny"))
    at = timezone.make_aware(datetime.datetime(2030, 3, 5, 10, 0))
    planned = build_match(world, status="meeting_planned", meeting_at=at)
    MatchingMeeting.objects.filter(match=planned).update(outcome="continue")
    Match.objects.filter(pk=planned.pk).update(status="active")
    response = as_user(world.leader).get(reverse("matching:matches"))
    states = {row["match"].pk: row["state"].text for row in response.context["rows"]}
    assert states == {
        asked.pk: "Forslag sendt, venter på svar fra ressursvennen",
        planned.pk: "Aktiv",
    }
    html = " ".join(response.content.decode().split())
    assert "Dato for koblingsmøtet" in html
    assert "5. mars 2030 kl. 10:00" in html
    assert "Begge vil fortsette" not in html


def test_a_cancelled_match_shows_why_to_the_leader_only(world: World, as_user: Any) -> None:
    match = build_match(world)
    cancel_match(match, by=world.leader, reason="Hun flyttet til en annen by.")
    url = reverse("matching:match_detail", args=[match.pk])
    html = as_user(world.leader).get(url).content.decode()
    assert 'data-field="cancel_reason"' in html
    assert "Hun flyttet til en annen by." in html
    for who in ("staff", "volunteer"):
        html = as_user(getattr(world, who)).get(url).content.decode()
        assert "Hun flyttet til en annen by." not in html


def test_a_declined_proposal_shows_the_volunteers_no_and_reason(world: World, as_user: Any) -> None:
    from ressursvenn.matching.actions.proposals import answer_proposal

    referral = factories.referral(world.centre, world.branch)
    match = factories.match(referral, world.volunteer.volunteer)
    Referral.objects.filter(pk=referral.pk).update(status="proposed")
    answer_proposal(match, by=world.volunteer, accept=False, reason="Har ikke tid nå.")
    response = as_user(world.leader).get(reverse("matching:match_detail", args=[match.pk]))
    html = " ".join(response.content.decode().split())
    assert response.context["state"].text == "Avbrutt: ressursvennen sa nei"
    assert "Har ikke tid nå." in html
    assert '<td data-field="answer"> Nei' in html


def test_the_womans_phone_is_a_tel_link_once_the_match_started(world: World, as_user: Any) -> None:
    match = build_match(world, status="active")  # contact_value "+47 912 34 567"
    html = (
        as_user(world.volunteer)
        .get(reverse("matching:match_detail", args=[match.pk]))
        .content.decode()
    )
    assert '<a class="ds-link" href="tel:+4791234567">+47 912 34 567</a>' in html
    proposed = build_match(world)
    Referral.objects.filter(pk=proposed.referral_id).update(contact_value="91234567")
    html = (
        as_user(world.volunteer)
        .get(reverse("matching:match_detail", args=[proposed.pk]))
        .content.decode()
    )
    assert "tel:" not in html  # before the koblingsmøte she sees no contact details

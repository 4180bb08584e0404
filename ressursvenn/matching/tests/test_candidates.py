"""The group leader's waiting list and candidate page, and proposing from it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import login
from ressursvenn.lib.models import AccessEvent
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db


def _waiting(world: Any, days: int, **fields: Any) -> Any:
    return factories.referral(
        world.centre,
        world.branch,
        waiting_since=timezone.now() - datetime.timedelta(days=days),
        **fields,
    )


def test_waiting_list_shows_waiting_and_proposed_longest_first(client: Any, world: Any) -> None:
    newer = _waiting(world, 3, first_name="Berit", needs=["housing", "job_search"])
    older = _waiting(world, 40, first_name="Amina", modes=["digital"])
    proposed = _waiting(world, 10, first_name="Cecilie", status="proposed")
    factories.match(proposed, world.volunteer.volunteer)
    _waiting(world, 50, first_name="Dagny", status="matched")
    _waiting(world, 60, first_name="Eva", consent_withdrawn_at=timezone.now())
    response = login(client, world.leader).get(reverse("matching:waiting_list"))
    assert response.status_code == 200
    rows = [r["referral"].pk for r in response.context["rows"]]
    assert rows == [older.pk, proposed.pk, newer.pk]
    html = response.content.decode()
    assert "40 dager" in html
    assert "Jobbsøking, Bolig" in html
    assert "Digitalt (video eller telefon)" in html
    assert "Forslag sendt" in html
    assert "Dagny" not in html
    assert "Eva" not in html


def test_waiting_list_of_another_branch_shows_nothing_of_ours(client: Any, world: Any) -> None:
    _waiting(world, 5, first_name="Hemmelig")
    response = login(client, world.other_leader).get(reverse("matching:waiting_list"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Hemmelig" not in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "coordinator", "volunteer"])
def test_waiting_list_is_for_group_leaders_only(client: Any, world: Any, who: str) -> None:
    _waiting(world, 5, first_name="Hemmelig")
    response = login(client, getattr(world, who)).get(reverse("matching:waiting_list"))
    assert response.status_code == 403
    assert "Hemmelig" not in response.content.decode()


def test_waiting_list_query_count_does_not_grow(client: Any, world: Any) -> None:
    login(client, world.leader)
    url = reverse("matching:waiting_list")
    _waiting(world, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for days in range(6):
        referral = _waiting(world, days, status="proposed" if days % 2 else "accepted")
        if days % 2:
            factories.match(referral, factories.volunteer(world.branch))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 7
    assert len(many) == len(one)


def test_candidates_with_reasons_and_exclusions(client: Any, world: Any) -> None:
    referral = _waiting(world, 5, first_name="Amina", interests=["hiking", "knitting"])
    best = factories.volunteer(
        world.branch, full_name="Berit Best", interests=["hiking", "knitting"]
    )
    factories.volunteer(world.branch, full_name="Ulla Ugodkjent", cleared=False)
    factories.volunteer(
        world.branch, full_name="Tina Tysk", modes=["in_person"], municipality_id="1806"
    )
    response = login(client, world.leader).get(reverse("matching:candidates", args=[referral.pk]))
    assert response.status_code == 200
    candidates = response.context["candidates"]
    assert [c.first_name for c in candidates] == ["Berit", "Vera"]
    assert candidates[0].age_band == "40–49"
    assert candidates[0].area == "Oslo"
    html = response.content.decode()
    assert "Begge liker strikking og turgåing" in html
    assert "Ikke godkjent, politiattesten er ikke gyldig, eller har pause" in html
    assert "For langt unna for å møtes, og ikke digitalt" in html
    assert response.context["excluded"] == [
        ("Ikke godkjent, politiattesten er ikke gyldig, eller har pause", 1),
        ("For langt unna for å møtes, og ikke digitalt", 1),
    ]
    assert html.count('name="volunteer"') == 2
    assert best.full_name not in html  # first names only
    event = AccessEvent.objects.get(object_type="participants.referral")
    assert (event.user, event.object_id) == (world.leader, str(referral.pk))


def test_candidates_limit(client: Any, world: Any, settings: Any) -> None:
    settings.MATCHING_CANDIDATE_LIMIT = 2
    referral = _waiting(world, 5)
    for _ in range(3):
        factories.volunteer(world.branch)
    response = login(client, world.leader).get(reverse("matching:candidates", args=[referral.pk]))
    assert len(response.context["candidates"]) == 2
    assert response.context["considered"] == 4


def test_candidates_of_another_branch_is_404_and_shows_nothing(client: Any, world: Any) -> None:
    referral = _waiting(world, 5, first_name="Hemmelig")
    response = login(client, world.other_leader).get(
        reverse("matching:candidates", args=[referral.pk])
    )
    assert response.status_code == 404
    assert "Hemmelig" not in response.content.decode()
    assert AccessEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["staff", "other_staff", "coordinator", "volunteer"])
def test_candidates_refused_for_other_roles(client: Any, world: Any, who: str) -> None:
    referral = _waiting(world, 5, first_name="Hemmelig")
    response = login(client, getattr(world, who)).get(
        reverse("matching:candidates", args=[referral.pk])
    )
    assert response.status_code == 403
    assert "Hemmelig" not in response.content.decode()


def test_candidates_query_count_does_not_grow(client: Any, world: Any) -> None:
    referral = _waiting(world, 5, excluded_volunteers=[world.volunteer.volunteer])
    login(client, world.leader)
    url = reverse("matching:candidates", args=[referral.pk])
    factories.volunteer(world.branch)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(6):
        row = factories.volunteer(world.branch, district_id="030101" if n % 2 else None)
        if n == 3:
            referral.excluded_volunteers.add(row)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["candidates"]) == 6
    assert len(many) == len(one)


def test_region_scope_adds_digital_volunteers_of_the_county(client: Any, world: Any) -> None:
    bodo = factories.branch("Bodø Sanitetsforening", "1804")
    far = factories.volunteer(bodo, full_name="Frida Fjern")
    referral = factories.referral(world.other_centre, world.other_branch)
    login(client, world.other_leader)
    url = reverse("matching:candidates", args=[referral.pk])
    assert [c.first_name for c in client.get(url).context["candidates"]] == ["Vilde"]
    response = client.get(url, {"region": "on"})
    candidates = {c.first_name: c for c in response.context["candidates"]}
    assert set(candidates) == {"Vilde", "Frida"}
    assert candidates["Frida"].mode == "Digitalt (video eller telefon)"
    response = client.post(
        reverse("matching:propose", args=[referral.pk]), {"volunteer": far.pk, "region": "on"}
    )
    assert response.status_code == 302
    assert Match.objects.get().volunteer == far


def test_propose_from_the_page(client: Any, world: Any) -> None:
    referral = _waiting(world, 5)
    volunteer = world.volunteer.volunteer
    response = login(client, world.leader).post(
        reverse("matching:propose", args=[referral.pk]), {"volunteer": volunteer.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:waiting_list")
    match = Match.objects.get()
    assert (match.volunteer, match.status, match.referral) == (volunteer, "proposed", referral)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PROPOSED
    assert [m.subject for m in mail.outbox] == ["Du har en ny forespørsel"]
    assert "Amina" not in mail.outbox[0].body


def test_propose_a_foreign_volunteer_id_is_refused(client: Any, world: Any) -> None:
    referral = _waiting(world, 5)
    foreign = world.other_volunteer.volunteer
    login(client, world.leader)
    response = client.post(
        reverse("matching:propose", args=[referral.pk]), {"volunteer": foreign.pk}, follow=True
    )
    assert "Velg en ressursvenn fra listen." in response.content.decode()
    assert Match.objects.count() == 0
    response = client.post(
        reverse("matching:propose", args=[referral.pk]), {"volunteer": "x"}, follow=True
    )
    assert "Velg en ressursvenn fra listen." in response.content.decode()
    assert Match.objects.count() == 0


def test_propose_an_excluded_volunteer_by_tampering_names_the_rule(client: Any, world: Any) -> None:
    volunteer = world.volunteer.volunteer
    referral = _waiting(world, 5, excluded_volunteers=[volunteer])
    response = login(client, world.leader).post(
        reverse("matching:propose", args=[referral.pk]), {"volunteer": volunteer.pk}, follow=True
    )
    assert "Denne ressursvennen kan ikke foreslås: Utelukket for denne kvinnen." in (
        response.content.decode()
    )
    assert Match.objects.count() == 0


def test_double_submit_gives_a_clear_message(client: Any, world: Any) -> None:
    referral = _waiting(world, 5)
    other = factories.volunteer(world.branch)
    login(client, world.leader)
    url = reverse("matching:propose", args=[referral.pk])
    client.post(url, {"volunteer": world.volunteer.volunteer.pk})
    response = client.post(url, {"volunteer": other.pk}, follow=True)
    assert "Kvinnen står ikke lenger på ventelisten" in response.content.decode()
    assert Match.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("other_leader", 404), ("staff", 403)])
def test_propose_refused_for_others_with_real_data(
    client: Any, world: Any, who: str, status: int
) -> None:
    referral = _waiting(world, 5)
    response = login(client, getattr(world, who)).post(
        reverse("matching:propose", args=[referral.pk]),
        {"volunteer": world.volunteer.volunteer.pk},
    )
    assert response.status_code == status
    assert Match.objects.count() == 0
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert mail.outbox == []

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
    propose = reverse("matching:propose", args=[referral.pk])
    assert html.count(f'<form method="get" action="{propose}">') == 2
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


def _confirm_url(referral: Any, volunteer: Any, **extra: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"volunteer": volunteer.pk, **extra}.items())
    return f"{reverse('matching:propose', args=[referral.pk])}?{query}"


def test_foresla_shows_a_confirmation_and_sends_nothing(client: Any, world: Any) -> None:
    referral = _waiting(world, 5, first_name="Amina")
    volunteer = world.volunteer.volunteer
    response = login(client, world.leader).get(_confirm_url(referral, volunteer))
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "Du foreslår Vera som ressursvenn for Amina." in html
    assert "Vera får en e-post og blir spurt om hun vil bli ressursvenn for Amina." in html
    assert "Bekreft og send forslaget" in html
    assert response.context["candidate"].volunteer_id == volunteer.pk
    assert Match.objects.count() == 0
    assert mail.outbox == []
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_confirmation_sends_once_even_when_submitted_twice(client: Any, world: Any) -> None:
    referral = _waiting(world, 5)
    volunteer = world.volunteer.volunteer
    login(client, world.leader)
    url = reverse("matching:propose", args=[referral.pk])
    first = client.post(url, {"volunteer": volunteer.pk})
    assert first.status_code == 302
    second = client.post(url, {"volunteer": volunteer.pk}, follow=True)
    assert second.redirect_chain[-1][0] == reverse("matching:waiting_list")
    assert "Forslaget er allerede sendt til ressursvennen." in second.content.decode()
    assert list(Match.objects.values_list("referral", "volunteer")) == [(referral.pk, volunteer.pk)]
    assert [m.subject for m in mail.outbox] == ["Du har en ny forespørsel"]


def test_confirmation_without_a_volunteer_or_for_an_excluded_one_goes_back(
    client: Any, world: Any
) -> None:
    volunteer = world.volunteer.volunteer
    referral = _waiting(world, 5, excluded_volunteers=[volunteer])
    login(client, world.leader)
    response = client.get(reverse("matching:propose", args=[referral.pk]), follow=True)
    assert "Velg en ressursvenn fra listen." in response.content.decode()
    response = client.get(_confirm_url(referral, volunteer), follow=True)
    assert response.redirect_chain[-1][0] == reverse("matching:candidates", args=[referral.pk])
    assert "Denne ressursvennen kan ikke foreslås: Utelukket for denne kvinnen." in (
        response.content.decode()
    )
    assert Match.objects.count() == 0


def test_confirmation_when_she_already_has_a_proposal_goes_back(client: Any, world: Any) -> None:
    referral = _waiting(world, 5, status="proposed")
    factories.match(referral, factories.volunteer(world.branch, full_name="Berit Annen"))
    response = login(client, world.leader).get(
        _confirm_url(referral, world.volunteer.volunteer), follow=True
    )
    assert "Hun står ikke på ventelisten nå" in response.content.decode()
    assert Match.objects.count() == 1


def test_reasons_are_split_into_fits_and_fits_less(client: Any, world: Any) -> None:
    referral = _waiting(
        world,
        5,
        first_name="Muna",
        interests=["hiking"],
        needs=["housing"],
        availability=["weekends"],
        languages=[],
    )
    volunteer = world.volunteer.volunteer
    response = login(client, world.leader).get(reverse("matching:candidates", args=[referral.pk]))
    (candidate,) = response.context["candidates"]
    assert [r.text for r in candidate.fits] == [
        "Begge liker turgåing",
        "Samme kommune",
    ]
    assert [r.text for r in candidate.fits_less] == [
        "Tilbyr ikke hjelp med det hun har behov for",
        "Ingen felles tidspunkter",
    ]
    # No age wish and no other languages: the same for every volunteer, not a merit.
    assert [r.text for r in candidate.same_for_all] == [
        "Ingen ønsker om alder",
        "Ingen språk oppgitt",
    ]
    assert all(r.points == 0 for r in candidate.fits_less)
    html = " ".join(response.content.decode().split())
    assert "Hvorfor" not in html
    assert "Passer mindre godt" in html
    assert "Likt for alle ressursvenner: ingen ønsker om alder (10 poeng)" in html
    profile = reverse("volunteers:detail", args=[volunteer.pk])
    assert f'href="{profile}"' in html


def test_no_shared_interests_reads_plainly(client: Any, world: Any) -> None:
    referral = _waiting(world, 5, interests=["music"])
    response = login(client, world.leader).get(reverse("matching:candidates", args=[referral.pk]))
    (candidate,) = response.context["candidates"]
    assert [r.text for r in candidate.fits_less][:1] == ["Ingen felles interesser"]


def test_region_candidates_of_another_branch_get_no_profile_link(client: Any, world: Any) -> None:
    bodo = factories.branch("Bodø Sanitetsforening", "1804")
    far = factories.volunteer(bodo, full_name="Frida Fjern")
    referral = factories.referral(world.other_centre, world.other_branch)
    response = login(client, world.other_leader).get(
        reverse("matching:candidates", args=[referral.pk]), {"region": "on"}
    )
    html = response.content.decode()
    assert reverse("volunteers:detail", args=[far.pk]) not in html
    own = world.other_volunteer.volunteer
    assert reverse("volunteers:detail", args=[own.pk]) in html


def test_an_earlier_cancelled_pair_is_counted_with_the_exclusions(client: Any, world: Any) -> None:
    referral = _waiting(world, 5)
    volunteer = world.volunteer.volunteer
    factories.match(referral, volunteer, status="cancelled", volunteer_answer="no")
    response = login(client, world.leader).get(reverse("matching:candidates", args=[referral.pk]))
    assert response.context["candidates"] == []
    assert response.context["excluded"] == [
        ("Har hatt et forslag for henne som ble avslått eller avbrutt", 1)
    ]
    response = client.post(
        reverse("matching:propose", args=[referral.pk]), {"volunteer": volunteer.pk}, follow=True
    )
    assert "Har hatt et forslag for henne som ble avslått eller avbrutt" in (
        response.content.decode()
    )
    assert Match.objects.filter(status="proposed").count() == 0


def _planned(world: Any, referral: Any, volunteer: Any, starts_at: Any) -> Any:
    from ressursvenn.matching.models import MatchingMeeting

    match = factories.match(referral, volunteer, status="meeting_planned", volunteer_answer="yes")
    MatchingMeeting.objects.create(
        match=match, starts_at=starts_at, mode="video", planned_by=world.leader
    )
    return match


def test_waiting_list_shows_the_answer_and_the_next_step(client: Any, world: Any) -> None:
    said_yes = _waiting(world, 9, first_name="Berit", status="proposed")
    match = factories.match(said_yes, world.volunteer.volunteer, volunteer_answer="yes")
    response = login(client, world.leader).get(reverse("matching:waiting_list"))
    html = " ".join(response.content.decode().split())
    assert response.context["rows"][0]["state"].text == "Ressursvennen har sagt ja"
    assert "Ressursvennen har sagt ja" in html
    plan = reverse("matching:meeting_plan", args=[match.pk])
    assert f'<a class="ds-link" href="{plan}">Planlegg koblingsmøtet</a>' in html
    assert "Forslag sendt" not in html


def test_waiting_list_and_match_pages_word_a_planned_meeting_the_same(
    client: Any, world: Any
) -> None:
    referral = _waiting(world, 9, first_name="Berit", status="proposed")
    starts = timezone.make_aware(datetime.datetime(2030, 3, 5, 10, 0))
    match = _planned(world, referral, world.volunteer.volunteer, starts)
    login(client, world.leader)
    texts = []
    waiting = client.get(reverse("matching:waiting_list"))
    texts.append(waiting.context["rows"][0]["state"].text)
    listing = client.get(reverse("matching:matches"))
    texts.append(listing.context["rows"][0]["state"].text)
    detail = client.get(reverse("matching:match_detail", args=[match.pk]))
    texts.append(detail.context["state"].text)
    assert texts == ["Koblingsmøte 5. mars 2030 kl. 10:00"] * 3
    for response in (waiting, listing, detail):
        html = " ".join(response.content.decode().split())
        assert "Koblingsmøte 5. mars 2030 kl. 10:00" in html
        assert "Forslag sendt" not in html

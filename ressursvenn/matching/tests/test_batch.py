"""The batch proposal page: engine.assign for a branch, confirmed pair by pair."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import login
from ressursvenn.matching.models import Match
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db


def _woman(world: Any, name: str, days: int, **fields: Any) -> Any:
    return factories.referral(
        world.centre,
        world.branch,
        first_name=name,
        waiting_since=timezone.now() - datetime.timedelta(days=days),
        **fields,
    )


def test_batch_proposes_the_optimal_pairs(client: Any, world: Any) -> None:
    knitter = factories.volunteer(world.branch, full_name="Kari Strikk", interests=["knitting"])
    hiker = world.volunteer.volunteer  # interests: hiking
    anna = _woman(world, "Anna", 10, interests=["knitting"])
    bodil = _woman(world, "Bodil", 20, interests=["hiking"])
    response = login(client, world.leader).get(reverse("matching:batch"))
    assert response.status_code == 200
    pairs = {p.referral.pk: p.candidate.volunteer_id for p in response.context["pairs"]}
    assert pairs == {anna.pk: knitter.pk, bodil.pk: hiker.pk}
    html = response.content.decode()
    assert "Begge liker strikking" in html
    assert [p.referral.pk for p in response.context["pairs"]] == [bodil.pk, anna.pk]


def test_confirm_one_pair_then_a_taken_pair_is_refused(client: Any, world: Any) -> None:
    hiker = world.volunteer.volunteer
    anna = _woman(world, "Anna", 10)
    bodil = _woman(world, "Bodil", 20)
    login(client, world.leader)
    url = reverse("matching:batch")
    pairs = client.get(url).context["pairs"]
    assert [(p.referral.pk, p.candidate.volunteer_id) for p in pairs] == [(bodil.pk, hiker.pk)]
    response = client.post(url, {"referral": bodil.pk, "volunteer": hiker.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?branch={world.branch.pk}"
    assert Match.objects.get().referral == bodil
    # A stale page: the same volunteer (capacity 1) for Anna.
    response = client.post(url, {"referral": anna.pk, "volunteer": hiker.pk}, follow=True)
    assert "Dette paret kan ikke lenger foreslås: " in response.content.decode()
    assert "Har ikke plass til flere" in response.content.decode()
    assert Match.objects.count() == 1
    assert response.context["pairs"] == []


def test_confirm_with_foreign_ids_is_refused(client: Any, world: Any) -> None:
    mine = _woman(world, "Anna", 10)
    theirs = factories.referral(world.other_centre, world.other_branch)
    login(client, world.leader)
    url = reverse("matching:batch")
    for data in (
        {"referral": theirs.pk, "volunteer": world.volunteer.volunteer.pk},
        {"referral": mine.pk, "volunteer": world.other_volunteer.volunteer.pk},
        {},
    ):
        response = client.post(url, data, follow=True)
        assert "Last inn siden på nytt og prøv igjen." in response.content.decode()
    assert Match.objects.count() == 0


def test_leader_of_several_branches_selects_one(client: Any, world: Any) -> None:
    Membership.objects.create(
        user=world.leader, organisation=world.other_branch, role=Role.GROUP_LEADER
    )
    narvik = factories.referral(world.other_centre, world.other_branch, first_name="Nora")
    _woman(world, "Anna", 10)
    login(client, world.leader)
    response = client.get(reverse("matching:batch"), {"branch": world.other_branch.pk})
    assert [p.referral.pk for p in response.context["pairs"]] == [narvik.pk]
    response = client.get(reverse("matching:batch"), {"branch": 999999})
    assert response.context["pairs"] == []
    assert "Velg en av dine lokalforeninger." in response.content.decode()


def test_other_leader_sees_none_of_ours(client: Any, world: Any) -> None:
    _woman(world, "Hemmelig", 10)
    response = login(client, world.other_leader).get(
        reverse("matching:batch"), {"branch": world.branch.pk}
    )
    assert response.status_code == 200
    assert "Hemmelig" not in response.content.decode()
    assert response.context["pairs"] == []


def test_batch_query_count_does_not_grow(client: Any, world: Any) -> None:
    login(client, world.leader)
    url = reverse("matching:batch")
    _woman(world, "Anna", 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(4):
        factories.volunteer(world.branch)
        _woman(world, f"Kvinne{n}", n + 2, excluded_volunteers=[world.volunteer.volunteer])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["pairs"]) == 5
    assert len(many) == len(one)


def test_a_volunteer_with_one_free_place_is_never_in_two_pairs(client: Any, world: Any) -> None:
    best = factories.volunteer(
        world.branch,
        full_name="Dalia Best",
        interests=["knitting", "cooking"],
        offers=["housing"],
        capacity=2,
    )
    factories.match(
        factories.referral(world.centre, world.branch, status="matched", first_name="Tidligere"),
        best,
        status="active",
    )  # one of her two places is taken
    second = world.volunteer.volunteer
    anna = _woman(world, "Anna", 10, interests=["knitting", "cooking"], needs=["housing"])
    bodil = _woman(world, "Bodil", 20, interests=["knitting", "cooking"], needs=["housing"])
    response = login(client, world.leader).get(reverse("matching:batch"))
    pairs = [(p.referral.pk, p.candidate.volunteer_id) for p in response.context["pairs"]]
    assert [volunteer for _woman_pk, volunteer in pairs].count(best.pk) == 1
    assert sorted(volunteer for _w, volunteer in pairs) == sorted([best.pk, second.pk])
    assert {woman for woman, _v in pairs} == {anna.pk, bodil.pk}
    dalia = next(p for p in response.context["pairs"] if p.candidate.volunteer_id == best.pk)
    assert dalia.candidate.free_places == 1
    places = {p.first_name: (p.free, p.proposed) for p in response.context["places"]}
    assert places == {"Dalia": (1, 1), "Vera": (1, 1)}
    html = " ".join(response.content.decode().split())
    assert "1 ledig plass" in html
    assert "Ledige plasser" in html


def test_the_batch_never_re_proposes_a_cancelled_pair(client: Any, world: Any) -> None:
    hiker = world.volunteer.volunteer
    anna = _woman(world, "Anna", 10)
    factories.match(anna, hiker, status="cancelled")
    response = login(client, world.leader).get(reverse("matching:batch"))
    assert response.context["pairs"] == []

"""Which branch handles an application: covering district, covering municipality, nearest."""

from __future__ import annotations

import pytest

from ressursvenn.conftest import World
from ressursvenn.organisations.models import District, Municipality, Organisation
from ressursvenn.volunteers.branch_lookup import find_branch, haversine_km


def _m(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def test_haversine_is_zero_for_one_point_and_right_for_oslo_bergen() -> None:
    assert haversine_km(59.91, 10.75, 59.91, 10.75) == 0.0
    assert round(haversine_km(59.9139, 10.7522, 60.3913, 5.3221)) == 305


def test_the_branch_covering_the_municipality(world: World) -> None:
    choice = find_branch(_m("1806"))
    assert choice is not None
    assert (choice.branch, choice.covering) == (world.other_branch, True)


def test_a_district_branch_wins_over_the_municipality_branch_in_oslo(world: World) -> None:
    east = Organisation.objects.create(kind=Organisation.Kind.BRANCH, name="Grünerløkka Sanitet")
    east.districts.set([District.objects.get(code="030102")])

    inside = find_branch(_m("0301"), District.objects.get(code="030102"))
    outside = find_branch(_m("0301"), District.objects.get(code="030113"))

    assert inside is not None
    assert outside is not None
    assert (inside.branch, inside.covering) == (east, True)
    assert (outside.branch, outside.covering) == (world.branch, True)


def test_an_inactive_covering_branch_is_skipped_for_the_nearest_active(world: World) -> None:
    world.other_branch.is_active = False
    world.other_branch.save()
    choice = find_branch(_m("1806"))
    assert choice is not None
    assert (choice.branch, choice.covering) == (world.branch, False)


@pytest.mark.parametrize(("code", "expected"), [("1853", "other_branch"), ("3201", "branch")])
def test_no_covering_branch_gives_the_nearest(world: World, code: str, expected: str) -> None:
    choice = find_branch(_m(code))  # Evenes is next to Narvik; Bærum next to Oslo
    assert choice is not None
    assert (choice.branch, choice.covering) == (getattr(world, expected), False)
    assert 0 < choice.distance_km < 60


def test_a_branch_covering_only_districts_counts_as_in_oslo_for_distance(world: World) -> None:
    world.branch.municipalities.clear()
    world.branch.municipality = None
    world.branch.save()
    world.branch.districts.set([District.objects.get(code="030101")])
    choice = find_branch(_m("3201"))
    assert choice is not None
    assert (choice.branch, choice.covering) == (world.branch, False)


def test_crisis_centres_and_the_national_office_never_handle_applications(world: World) -> None:
    Organisation.objects.filter(kind=Organisation.Kind.BRANCH).update(is_active=False)
    world.centre.municipalities.set([_m("0301")])
    assert find_branch(_m("0301")) is None

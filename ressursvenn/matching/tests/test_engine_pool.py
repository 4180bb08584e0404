"""``rank`` over a prepared ``VolunteerPool`` (numpy) gives exactly what the Python loop gives."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ressursvenn.matching.engine import (
    DIGITAL,
    IN_PERSON,
    NO_CAPACITY,
    ParticipantProfile,
    VolunteerPool,
    VolunteerProfile,
    rank,
)
from ressursvenn.matching.engine.scoring import Weights

from .test_engine_properties import (
    AREAS,
    INTERESTS,
    LANGUAGES,
    NEEDS,
    TIMES,
    WEIGHTS,
    instances,
)


@settings(max_examples=500, deadline=None)
@given(instances(1, 12), WEIGHTS, st.one_of(st.none(), st.integers(0, 12)))
def test_pool_ranking_equals_the_loop(
    instance: tuple[list[ParticipantProfile], list[VolunteerProfile]],
    weights: Weights,
    limit: int | None,
) -> None:
    women, volunteers = instance
    if not women:
        return
    loop = rank(women[0], volunteers, weights=weights, limit=limit)
    pooled = rank(women[0], VolunteerPool(volunteers), weights=weights, limit=limit)
    assert pooled == loop
    assert dict(pooled.excluded) == dict(loop.excluded)
    assert all(type(count) is int for count in pooled.excluded.values())


def _realistic(rng: random.Random, count: int) -> list[VolunteerProfile]:
    places = [(rng.uniform(58, 71), rng.uniform(5, 31)) for _ in range(30)]
    places += [(59.9 + rng.uniform(-0.2, 0.2), 10.7 + rng.uniform(-0.4, 0.4)) for _ in range(30)]
    return [
        VolunteerProfile(
            id=i if i % 3 else f"v{i}",
            age=rng.randint(20, 75),
            municipality=rng.choice(AREAS),
            district=rng.choice([None, "030101", "030102"]),
            location=rng.choice([*places, None]),
            languages=frozenset(rng.sample(LANGUAGES, rng.randint(0, 3))),
            interests=frozenset(rng.sample(INTERESTS, rng.randint(0, 3))),
            offers=frozenset(rng.sample(NEEDS, rng.randint(0, 3))),
            availability=frozenset(rng.sample(TIMES, rng.randint(0, 3))),
            modes=frozenset(rng.sample([IN_PERSON, DIGITAL], rng.randint(1, 2))),
            max_travel_km=rng.choice([0, 3, 7.5, 15, 30, 60, 400]),
            capacity_left=rng.choice([0, 1, 1, 2]),
            conflict_areas=frozenset(rng.sample(AREAS, rng.choice([0, 0, 0, 1]))),
            eligible=rng.random() < 0.9,
        )
        for i in range(count)
    ]


def _woman(rng: random.Random, volunteers: list[VolunteerProfile], i: int) -> ParticipantProfile:
    languages = frozenset(rng.sample(LANGUAGES, rng.randint(0, 3)))
    return ParticipantProfile(
        id=f"p{i}",
        age=rng.randint(20, 70),
        municipality=rng.choice(AREAS),
        district=rng.choice([None, "030101"]),
        location=rng.choice([None, (rng.uniform(58, 71), rng.uniform(5, 31)), (59.91, 10.75)]),
        languages=languages,
        required_languages=frozenset(rng.sample(sorted(languages), min(len(languages), 1))),
        interests=frozenset(rng.sample(INTERESTS, rng.randint(0, 3))),
        needs=frozenset(rng.sample(NEEDS, rng.randint(0, 3))),
        availability=frozenset(rng.sample(TIMES, rng.randint(0, 3))),
        modes=frozenset(rng.sample([IN_PERSON, DIGITAL], rng.randint(1, 2))),
        preferred_age=(30, 30 + rng.randint(0, 25)) if rng.random() < 0.5 else None,
        excluded_areas=frozenset(rng.sample(AREAS, rng.choice([0, 0, 1, 2]))),
        excluded_volunteers=frozenset(v.id for v in rng.sample(volunteers, 3)),
        earlier_volunteers=frozenset(str(v.id) for v in rng.sample(volunteers, 2)),
    )


def test_pool_ranking_equals_the_loop_on_realistic_data() -> None:
    """Thousands of volunteers with continuous locations, every rule and factor in play."""
    rng = random.Random(3)
    volunteers = _realistic(rng, 3000)
    pool = VolunteerPool(volunteers)
    modes: list[str] = []
    excluded = 0
    for i in range(60):
        woman = _woman(rng, volunteers, i)
        for limit in (10, None):
            loop = rank(woman, volunteers, limit=limit)
            assert rank(woman, pool, limit=limit) == loop
        modes += [s.mode for s in loop.suggestions]
        excluded += loop.excluded_total
    # The comparison covered many pairs of both kinds, and many exclusions.
    assert modes.count(IN_PERSON) > 1000
    assert modes.count(DIGITAL) > 10000
    assert excluded > 50000


def test_pool_with_large_vocabularies() -> None:
    """More than 64 codes of a kind: the bit masks span several words."""
    rng = random.Random(11)
    codes = [f"c{k}" for k in range(150)]

    def some(low: int, high: int) -> frozenset[str]:
        return frozenset(rng.sample(codes, rng.randint(low, high)))

    volunteers = [
        VolunteerProfile(
            id=i,
            age=40,
            municipality=rng.choice(codes),
            district=rng.choice(codes),
            languages=some(20, 120),
            interests=some(0, 100),
            offers=some(0, 100),
            availability=some(0, 100),
            conflict_areas=some(0, 2),
            modes=frozenset({DIGITAL}),
        )
        for i in range(80)
    ]
    pool = VolunteerPool(volunteers)
    for i in range(40):
        woman = ParticipantProfile(
            id=f"p{i}",
            age=40,
            municipality=rng.choice(codes),
            district=rng.choice(codes),
            languages=some(0, 100) | {"unknown"},
            required_languages=some(0, 2) | ({"unknown"} if i % 7 == 0 else set()),
            interests=some(0, 100) | {"unknown"},
            needs=some(0, 100),
            availability=some(0, 100),
            excluded_areas=some(0, 10),
            modes=frozenset({DIGITAL}),
        )
        assert rank(woman, pool) == rank(woman, volunteers)


def test_ids_are_ordered_as_strings() -> None:
    """Ties go to the id as a string ("10" before "9"), as in the loop."""
    volunteers = [VolunteerProfile(id=i, age=40, municipality="0301") for i in (9, 10, 100, 2)]
    woman = ParticipantProfile(id="p", age=40, municipality="0301", location=None)
    ranking = rank(woman, VolunteerPool(volunteers))
    assert [s.volunteer_id for s in ranking.suggestions] == [10, 100, 2, 9]
    assert ranking == rank(woman, volunteers)


def test_with_capacity_left_replaces_only_those_given() -> None:
    volunteers = [
        VolunteerProfile(id=i, age=40, municipality="0301", capacity_left=1) for i in range(3)
    ]
    pool = VolunteerPool(volunteers)
    fuller = pool.with_capacity_left({1: 0, 99: 5})
    woman = ParticipantProfile(id="p", age=40, municipality="0301")
    assert [s.volunteer_id for s in rank(woman, fuller).suggestions] == [0, 2]
    assert rank(woman, fuller).excluded[NO_CAPACITY] == 1
    assert list(fuller) == [volunteers[0], replace(volunteers[1], capacity_left=0), volunteers[2]]
    assert fuller.get(1) == replace(volunteers[1], capacity_left=0)
    assert fuller.get(99) is None
    # The original is unchanged.
    assert list(pool) == volunteers
    assert rank(woman, pool) == rank(woman, volunteers)
    assert pool.with_capacity_left({}) is pool


def test_empty_pool() -> None:
    woman = ParticipantProfile(id="p", age=40, municipality="0301")
    assert rank(woman, VolunteerPool([])) == rank(woman, [])


def test_negative_limit_is_refused_for_a_pool_too() -> None:
    woman = ParticipantProfile(id="p", age=40, municipality="0301")
    with pytest.raises(ValueError, match="limit"):
        rank(woman, VolunteerPool([]), limit=-1)

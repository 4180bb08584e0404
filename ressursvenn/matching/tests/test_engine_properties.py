"""Property tests of the matching engine (hypothesis): rules never broken, optimal, stable."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from ressursvenn.matching.engine import (
    DIGITAL,
    HARD_RULES,
    IN_PERSON,
    ParticipantProfile,
    Proposal,
    VolunteerProfile,
    assign,
    evaluate,
    failing_rule,
    rank,
    waiting_bonus,
)
from ressursvenn.matching.engine.assignment import _pair_matrices
from ressursvenn.matching.engine.scoring import DEFAULT_WEIGHTS, Weights

from .test_engine import PLACES

T = TypeVar("T")

MUNICIPALITIES = sorted(PLACES)
DISTRICTS = ["030101", "030102"]
AREAS = MUNICIPALITIES + DISTRICTS
INTERESTS = ["hiking", "knitting", "music", "chess"]
NEEDS = ["job_search", "housing", "finances", "sewing"]
TIMES = ["weekday_daytime", "evenings", "weekends"]
LANGUAGES = ["nb", "ar", "so", "en"]


def subsets(items: Sequence[str], max_size: int | None = None) -> st.SearchStrategy[frozenset[str]]:
    """Subsets of a few items, drawn as a bit mask (much faster than ``st.frozensets``)."""
    masks = [m for m in range(2 ** len(items)) if max_size is None or m.bit_count() <= max_size]
    return st.sampled_from(
        [frozenset(x for k, x in enumerate(items) if mask >> k & 1) for mask in masks]
    )


def mostly(common: T, rare: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """``common`` three times out of four, else something from ``rare``."""
    return st.sampled_from([0, 1, 2, 3]).flatmap(lambda k: rare if k == 0 else st.just(common))


BOTH = frozenset({IN_PERSON, DIGITAL})
EMPTY: frozenset[str] = frozenset()

# Strategies are built once (building them per draw is what makes hypothesis slow), and lean
# towards pairs that pass the hard rules, so that most examples have something to match.
LANGUAGE_SETS = subsets(LANGUAGES)
ONE_LANGUAGE = mostly(EMPTY, subsets(LANGUAGES, 1))
INTEREST_SETS = subsets(INTERESTS)
NEED_SETS = subsets(NEEDS)
TIME_SETS = subsets(TIMES)
MODE_SETS = mostly(BOTH, subsets([IN_PERSON, DIGITAL]))
ONE_AREA = mostly(EMPTY, subsets(AREAS, 1))
TWO_AREAS = mostly(EMPTY, subsets(AREAS, 2))
ELIGIBLE = mostly(True, st.booleans())
AGES = st.integers(18, 80)
MUNICIPALITY = st.sampled_from(MUNICIPALITIES)
DISTRICT = st.sampled_from([None, *DISTRICTS])
LOCATION_KIND = st.sampled_from(["centre", "centre", "none", "anywhere"])
LATITUDE = st.floats(58, 71)
LONGITUDE = st.floats(5, 31)
TRAVEL = st.sampled_from([0, 5, 20, 50, 400, 1000])
CAPACITY = st.sampled_from([1, 0, 1, 2])
WAITING = st.integers(0, 800)
PICKS: st.SearchStrategy[list[int]] = mostly([], st.lists(st.integers(0, 7), max_size=2))
SPAN = st.integers(0, 20)
WEIGHTS = st.sampled_from(
    [
        DEFAULT_WEIGHTS,
        Weights(100, 0, 0, 0, 0, 0),
        Weights(7.5, 12.25, 33, 0, 40, 7.25),
        Weights(1, 2, 3, 4, 5, 6),
    ]
)


@st.composite
def homes(draw: st.DrawFn) -> tuple[str, str | None, tuple[float, float] | None]:
    municipality = draw(MUNICIPALITY)
    district = draw(DISTRICT) if municipality == "0301" else None
    kind = draw(LOCATION_KIND)
    location = (
        PLACES[municipality]
        if kind == "centre"
        else None
        if kind == "none"
        else (draw(LATITUDE), draw(LONGITUDE))
    )
    return municipality, district, location


HOMES = homes()


@st.composite
def volunteers(draw: st.DrawFn) -> VolunteerProfile:
    municipality, district, location = draw(HOMES)
    return VolunteerProfile(
        id=0,  # the caller gives each its own
        age=draw(AGES),
        municipality=municipality,
        district=district,
        location=location,
        languages=draw(LANGUAGE_SETS),
        interests=draw(INTEREST_SETS),
        offers=draw(NEED_SETS),
        availability=draw(TIME_SETS),
        modes=draw(MODE_SETS),
        max_travel_km=draw(TRAVEL),
        capacity_left=draw(CAPACITY),
        conflict_areas=draw(ONE_AREA),
        eligible=draw(ELIGIBLE),
    )


VOLUNTEERS = volunteers()


@st.composite
def participants(draw: st.DrawFn) -> ParticipantProfile:
    municipality, district, location = draw(HOMES)
    languages = draw(LANGUAGE_SETS)
    low = draw(AGES)
    return ParticipantProfile(
        id="",
        age=draw(AGES),
        municipality=municipality,
        district=district,
        location=location,
        languages=languages,
        required_languages=draw(ONE_LANGUAGE) & languages,
        interests=draw(INTEREST_SETS),
        needs=draw(NEED_SETS),
        availability=draw(TIME_SETS),
        modes=draw(MODE_SETS),
        preferred_age=(low, low + draw(SPAN)) if draw(st.booleans()) else None,
        excluded_areas=draw(TWO_AREAS),
        waiting_days=draw(WAITING),
    )


PARTICIPANTS = participants()


@st.composite
def instances(
    draw: st.DrawFn, max_women: int, max_volunteers: int
) -> tuple[list[ParticipantProfile], list[VolunteerProfile]]:
    """Up to ``max_women`` women and ``max_volunteers`` volunteers, with int and str ids."""
    pool = [
        replace(draw(VOLUNTEERS), id=i if draw(st.booleans()) else f"v{i}")
        for i in range(draw(st.integers(0, max_volunteers)))
    ]
    women = []
    for i in range(draw(st.integers(0, max_women))):
        picks = draw(PICKS)
        excluded = frozenset(pool[k].id for k in picks if k < len(pool))
        women.append(replace(draw(PARTICIPANTS), id=f"p{i}", excluded_volunteers=excluded))
    return women, pool


def shuffled(items: list[T], seed: int) -> list[T]:
    out = list(items)
    random.Random(seed).shuffle(out)
    return out


# --- rank -------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(instances(1, 8), WEIGHTS, st.integers(0, 10), st.randoms(use_true_random=False))
def test_rank_keeps_every_rule_and_counts_every_exclusion(
    instance: tuple[list[ParticipantProfile], list[VolunteerProfile]],
    weights: Weights,
    limit: int,
    rnd: random.Random,
) -> None:
    women, pool = instance
    if not women:
        return
    p = women[0]
    ranking = rank(p, pool, weights=weights)

    verdicts = {v.id: failing_rule(p, v) for v in pool}
    assert [s.volunteer_id for s in ranking.suggestions] == [
        s.volunteer_id for s in ranking.suggestions if verdicts[s.volunteer_id] is None
    ]
    assert len(ranking.suggestions) == sum(1 for x in verdicts.values() if x is None)
    expected_counts = Counter(x for x in verdicts.values() if x is not None)
    assert dict(ranking.excluded) == {rule: expected_counts[rule] for rule in HARD_RULES}
    assert ranking.excluded_total + len(ranking.suggestions) == len(pool)

    keys = [(-s.score, str(s.volunteer_id)) for s in ranking.suggestions]
    assert keys == sorted(keys)
    for s in ranking.suggestions:
        assert 0 <= s.score <= 100
        assert sum(r.points for r in s.reasons) == s.score
        assert all(r.points >= 0 and r.text for r in s.reasons)

    again = list(pool)
    rnd.shuffle(again)
    assert rank(p, again, weights=weights) == ranking
    assert rank(p, again, weights=weights, limit=limit).suggestions == ranking.suggestions[:limit]


# --- assign -----------------------------------------------------------------------------------


def brute_force(women: list[ParticipantProfile], pool: list[VolunteerProfile]) -> tuple[int, float]:
    """The best (number matched, total score + waiting bonus) over every possible assignment."""
    options = [
        [(v_index, s.score) for v_index, v in enumerate(pool) if (s := evaluate(p, v)) is not None]
        for p in women
    ]
    left = [v.capacity_left for v in pool]
    best = (0, 0.0)

    def walk(i: int, pairs: int, total: float) -> None:
        nonlocal best
        if i == len(women):
            if pairs > best[0] or (pairs == best[0] and total > best[1] + 1e-9):
                best = (pairs, total)
            return
        walk(i + 1, pairs, total)
        for j, score in options[i]:
            if left[j] > 0:
                left[j] -= 1
                walk(i + 1, pairs + 1, total + score + waiting_bonus(women[i].waiting_days))
                left[j] += 1

    walk(0, 0, 0.0)
    return best


def check_proposals(
    women: list[ParticipantProfile], pool: list[VolunteerProfile], proposals: list[Proposal]
) -> tuple[int, float]:
    by_id = {p.id: p for p in women}
    volunteers_by_id = {v.id: v for v in pool}
    assert len({x.participant_id for x in proposals}) == len(proposals)
    used = Counter(x.volunteer_id for x in proposals)
    for volunteer_id, count in used.items():
        assert count <= volunteers_by_id[volunteer_id].capacity_left
    total = 0.0
    for x in proposals:
        p, v = by_id[x.participant_id], volunteers_by_id[x.volunteer_id]
        suggestion = evaluate(p, v)
        assert suggestion is not None, failing_rule(p, v)
        assert (x.score, x.mode) == (suggestion.score, suggestion.mode)
        total += x.score + waiting_bonus(p.waiting_days)
    assert [str(x.participant_id) for x in proposals] == sorted(
        str(x.participant_id) for x in proposals
    )
    return len(proposals), total


@settings(max_examples=200, deadline=None)
@given(instances(4, 4), st.integers(0, 2**32))
def test_assign_is_feasible_optimal_and_stable(
    instance: tuple[list[ParticipantProfile], list[VolunteerProfile]], seed: int
) -> None:
    women, pool = instance
    proposals = assign(women, pool)
    pairs, total = check_proposals(women, pool, proposals)
    best_pairs, best_total = brute_force(women, pool)
    assert pairs == best_pairs
    assert abs(total - best_total) < 1e-6
    assert assign(shuffled(women, seed), shuffled(pool, seed + 1)) == proposals


@settings(max_examples=100, deadline=None)
@given(instances(5, 8), WEIGHTS)
def test_vectorised_pairs_agree_with_rank(
    instance: tuple[list[ParticipantProfile], list[VolunteerProfile]], weights: Weights
) -> None:
    women, everyone = instance
    pool = [v for v in everyone if v.eligible and v.capacity_left > 0]
    if not women or not pool:
        return
    feasible, scores, in_person = _pair_matrices(women, pool, weights)
    for i, p in enumerate(women):
        for j, v in enumerate(pool):
            s = evaluate(p, v, weights=weights)
            assert bool(feasible[i, j]) == (s is not None)
            if s is not None:
                assert int(scores[i, j]) == s.score
                assert bool(in_person[i, j]) == (s.mode == IN_PERSON)


def test_vectorised_pairs_agree_with_rank_on_realistic_data() -> None:
    """Many pairs with continuous locations, so the distance arithmetic is really compared."""
    rng = random.Random(7)
    places = [(rng.uniform(58, 71), rng.uniform(5, 31)) for _ in range(40)]
    places += [(59.9 + rng.uniform(-0.2, 0.2), 10.7 + rng.uniform(-0.4, 0.4)) for _ in range(40)]

    def anywhere() -> tuple[float, float]:
        lat, lon = rng.choice(places)
        return (lat + rng.uniform(-0.1, 0.1), lon + rng.uniform(-0.1, 0.1))

    pool = [
        VolunteerProfile(
            id=i,
            age=rng.randint(20, 75),
            municipality=rng.choice(AREAS),
            location=anywhere(),
            languages=frozenset(rng.sample(LANGUAGES, rng.randint(1, 3))),
            interests=frozenset(rng.sample(INTERESTS, rng.randint(0, 3))),
            offers=frozenset(rng.sample(NEEDS, rng.randint(0, 3))),
            availability=frozenset(rng.sample(TIMES, rng.randint(1, 3))),
            modes=frozenset(rng.sample([IN_PERSON, DIGITAL], rng.randint(1, 2))),
            max_travel_km=rng.choice([3, 7.5, 15, 30, 60]),
        )
        for i in range(400)
    ]
    women = [
        ParticipantProfile(
            id=f"p{i}",
            age=rng.randint(20, 70),
            municipality=rng.choice(AREAS),
            location=anywhere(),
            languages=frozenset(rng.sample(LANGUAGES, rng.randint(1, 3))),
            interests=frozenset(rng.sample(INTERESTS, rng.randint(1, 3))),
            needs=frozenset(rng.sample(NEEDS, rng.randint(0, 3))),
            availability=frozenset(rng.sample(TIMES, rng.randint(0, 3))),
            modes=frozenset(rng.sample([IN_PERSON, DIGITAL], rng.randint(1, 2))),
            preferred_age=(30, 30 + rng.randint(0, 25)) if rng.random() < 0.5 else None,
        )
        for i in range(40)
    ]
    feasible, scores, in_person = _pair_matrices(women, pool, DEFAULT_WEIGHTS)
    for i, p in enumerate(women):
        ranked = {int(s.volunteer_id): s for s in rank(p, pool).suggestions}
        assert {j for j in range(len(pool)) if feasible[i, j]} == set(ranked)
        for j, s in ranked.items():
            assert (int(scores[i, j]), bool(in_person[i, j])) == (s.score, s.mode == IN_PERSON)
    assert feasible.sum() > 1000
    assert in_person.sum() > 100


def test_vectorised_pairs_agree_with_rank_with_large_vocabularies() -> None:
    """More than 64 codes of a kind: the bit masks span several words."""
    rng = random.Random(11)
    codes = [f"c{k}" for k in range(150)]

    def some(low: int, high: int) -> frozenset[str]:
        return frozenset(rng.sample(codes, rng.randint(low, high)))

    pool = [
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
        for i in range(60)
    ]
    women = [
        ParticipantProfile(
            id=f"p{i}",
            age=40,
            municipality=rng.choice(codes),
            district=rng.choice(codes),
            languages=some(0, 100),
            required_languages=some(0, 2),
            interests=some(0, 100),
            needs=some(0, 100),
            availability=some(0, 100),
            excluded_areas=some(0, 10),
            modes=frozenset({DIGITAL}),
        )
        for i in range(30)
    ]
    feasible, scores, _ = _pair_matrices(women, pool, DEFAULT_WEIGHTS)
    for i, p in enumerate(women):
        ranked = {int(s.volunteer_id): s.score for s in rank(p, pool).suggestions}
        assert {j for j in range(len(pool)) if feasible[i, j]} == set(ranked)
        assert all(int(scores[i, j]) == score for j, score in ranked.items())
    assert 100 < feasible.sum() < feasible.size

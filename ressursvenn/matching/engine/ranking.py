"""Candidates for one woman, best first, each with its reasons."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .geo import DEG, EARTH_RADIUS_KM, _haversine
from .pool import Bools, Floats, Vocabulary, VolunteerPool
from .profiles import IN_PERSON, ParticipantProfile, ProfileId, VolunteerProfile, id_key
from .rules import (
    CONFLICT_AREA,
    EARLIER_PROPOSAL,
    EXCLUDED_AREA,
    EXCLUDED_VOLUNTEER,
    HARD_RULES,
    NO_CAPACITY,
    NO_COMMON_MODE,
    NOT_ELIGIBLE,
    REQUIRED_LANGUAGE,
    TOO_FAR,
    Context,
)
from .scoring import (
    AGE_DECAY_YEARS,
    DEFAULT_WEIGHTS,
    DIGITAL_DISTANCE_FRACTION,
    ROUNDING_SLACK,
    Reason,
    Weights,
    reasons,
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A volunteer who passed every hard rule, with her score and the reasons for it."""

    volunteer_id: ProfileId
    score: int
    reasons: tuple[Reason, ...]
    mode: str = IN_PERSON
    """``in_person`` if they can meet in person (and maybe digitally too), else ``digital``."""
    distance_km: float | None = None
    """Distance between their locations, for an in-person pair."""


@dataclass(frozen=True, slots=True)
class Ranking:
    suggestions: tuple[Suggestion, ...]
    """Best first: score descending, then volunteer id (as a string) ascending."""
    excluded: Mapping[str, int]
    """Every hard-rule code (in ``HARD_RULES`` order) → volunteers excluded by it first."""
    considered: int = 0
    """How many volunteers were looked at."""

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())


def rank(
    participant: ParticipantProfile,
    volunteers: Iterable[VolunteerProfile] | VolunteerPool,
    *,
    weights: Weights | None = None,
    limit: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> Ranking:
    """Rank the volunteers for one woman; only the best ``limit`` (all if None) are returned.

    Volunteer ids must be unique. ``labels`` maps extra codes (interests, needs …) to bokmål.
    A ``VolunteerPool`` of the same volunteers gives the same ranking, computed with numpy.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    w = weights or DEFAULT_WEIGHTS
    ctx = Context(participant)
    if isinstance(volunteers, VolunteerPool):
        return _rank_pool(ctx, volunteers, w, limit, labels)
    counts = dict.fromkeys(HARD_RULES, 0)
    pool = volunteers if isinstance(volunteers, list | tuple) else list(volunteers)
    # Candidates by score (0..100): only ints are stored, so the loop makes no garbage for
    # the cycle collector to walk through.
    by_score: list[list[int]] = [[] for _ in range(101)]

    # The hot loop: the same arithmetic as scoring.fractions and points_of, inlined for speed.
    check = ctx.check
    w_int, w_need, w_age, w_avail, w_dist, w_lang = w.as_tuple()
    interests, n_int = ctx.interests, len(ctx.interests)
    needs, n_need = ctx.needs, len(ctx.needs)
    avail, n_avail = ctx.availability, len(ctx.availability)
    extra, n_extra = ctx.extra_languages, len(ctx.extra_languages)
    low, high = ctx.preferred_age or (0, 0)
    has_pref = ctx.preferred_age is not None
    f_age = 1.0
    for index, v in enumerate(pool):
        result = check(v)
        if result.__class__ is str:
            counts[result] += 1
            continue
        km = result[1]
        if has_pref:
            gap = max(low - v.age, v.age - high, 0)
            f_age = max(0.0, 1.0 - gap / AGE_DECAY_YEARS)
        if km is None:
            f_dist = DIGITAL_DISTANCE_FRACTION
        elif v.max_travel_km <= 0:
            f_dist = 1.0
        else:
            f_dist = max(0.0, 1.0 - km / v.max_travel_km)
        total = (
            w_int * (len(interests & v.interests) / n_int if n_int else 0.0)
            + w_need * (len(needs & v.offers) / n_need if n_need else 1.0)
            + w_age * f_age
            + w_avail * (len(avail & v.availability) / n_avail if n_avail else 1.0)
            + w_dist * f_dist
            + w_lang * (len(extra & v.languages) / n_extra if n_extra else 1.0)
        )
        score = int(total + 0.5 + ROUNDING_SLACK)  # total >= 0, so int() is floor
        by_score[score if score < 100 else 100].append(index)

    def id_of(index: int) -> str:
        return id_key(pool[index].id)

    chosen: list[tuple[int, int]] = []
    wanted = sum(map(len, by_score)) if limit is None else limit
    for score in range(100, -1, -1):
        room = wanted - len(chosen)
        if room <= 0:
            break
        bucket = by_score[score]
        if len(bucket) > room:
            bucket = heapq.nsmallest(room, bucket, key=id_of)
        else:
            bucket.sort(key=id_of)
        chosen.extend((score, index) for index in bucket)

    suggestions = tuple(_suggestion(ctx, pool[index], score, w, labels) for score, index in chosen)
    return Ranking(suggestions, MappingProxyType(counts), len(pool))


def _rank_pool(
    ctx: Context,
    pool: VolunteerPool,
    w: Weights,
    limit: int | None,
    labels: Mapping[str, str] | None,
) -> Ranking:
    """``rank`` over a prepared pool: the same rules, counts, scores and order, with numpy."""
    m = len(pool)
    counts = dict.fromkeys(HARD_RULES, 0)
    left = np.ones(m, dtype=np.bool_)  # not excluded by an earlier rule

    def exclude(rule: str, failing: Bools) -> None:
        hit = failing & left
        counts[rule] = int(np.count_nonzero(hit))
        left[hit] = False

    def at(positions: Iterable[list[int] | None]) -> Bools:
        out = np.zeros(m, dtype=np.bool_)
        for found in positions:
            if found is not None:
                out[found] = True
        return out

    exclude(NOT_ELIGIBLE, ~pool.eligible)
    exclude(NO_CAPACITY, pool.capacity_left <= 0)
    exclude(EXCLUDED_VOLUNTEER, at(pool.ids.get(key) for key in ctx.excluded_ids))
    exclude(EARLIER_PROPOSAL, at(pool.ids.get(key) for key in ctx.earlier_ids))
    exclude(CONFLICT_AREA, at(pool.conflicts.get(area) for area in ctx.own_areas))
    if ctx.excluded_areas:
        excluded = np.zeros(len(pool.area) + 1, dtype=np.bool_)  # the last code: no district
        for area in ctx.excluded_areas:
            code = pool.area.get(area)
            if code is not None:
                excluded[code] = True
        exclude(EXCLUDED_AREA, excluded[pool.area_code] | excluded[pool.district_code])
    required = ctx.required_languages
    if required:
        speaks = (
            pool.languages.contains(pool.languages.mask(required))
            if pool.languages.knows(required)
            else np.zeros(m, dtype=np.bool_)
        )
        exclude(REQUIRED_LANGUAGE, ~speaks)

    # Distances: per distinct location, with the very arithmetic of ``Context.check``; the
    # last entry (index -1) stands for an unknown location and is never within reach.
    lat1, lon1, cos_lat1 = ctx.lat, ctx.lon, ctx.cos_lat
    if lat1 is None:
        bound = km = np.full(len(pool.locations) + 1, math.inf)
    else:
        bound = np.array(
            [EARTH_RADIUS_KM * abs(lat * DEG - lat1) for lat, _lon in pool.locations] + [math.inf]
        )
        km = np.array(
            [_haversine(lat1, lon1, cos_lat1, lat * DEG, lon * DEG) for lat, lon in pool.locations]
            + [math.inf]
        )
    where = pool.location_index
    near = (bound[where] <= pool.reach) & (km[where] <= pool.reach)
    could_meet = pool.in_person if ctx.wants_in_person else np.zeros(m, dtype=np.bool_)
    digital = pool.digital if ctx.wants_digital else np.zeros(m, dtype=np.bool_)
    in_person = could_meet & near
    exclude(NO_COMMON_MODE, ~could_meet & ~digital)
    exclude(TOO_FAR, ~in_person & ~digital)

    # The soft score of those left, summed in the order of the loop in ``rank``.
    passing = np.flatnonzero(left)
    age = pool.age[passing]
    f_age: Floats | float = 1.0
    if ctx.preferred_age is not None:
        low, high = ctx.preferred_age
        gap = np.maximum(np.maximum(low - age, age - high), 0)
        f_age = np.maximum(0.0, 1.0 - gap / AGE_DECAY_YEARS)
    travel = pool.travel[passing]
    with np.errstate(invalid="ignore", divide="ignore"):
        f_dist = np.where(
            in_person[passing],
            np.where(
                travel <= 0,
                1.0,
                np.maximum(0.0, 1.0 - km[where[passing]] / np.where(travel > 0, travel, 1.0)),
            ),
            DIGITAL_DISTANCE_FRACTION,
        )

    def share(items: frozenset[str], vocabulary: Vocabulary, empty: float) -> Floats | float:
        if not items:
            return empty
        return vocabulary.common(vocabulary.mask(items))[passing] / len(items)

    w_int, w_need, w_age, w_avail, w_dist, w_lang = w.as_tuple()
    total = (
        w_int * share(ctx.interests, pool.interests, 0.0)
        + w_need * share(ctx.needs, pool.offers, 1.0)
        + w_age * f_age
        + w_avail * share(ctx.availability, pool.times, 1.0)
        + w_dist * f_dist
        + w_lang * share(ctx.extra_languages, pool.languages, 1.0)
    )
    scores = np.minimum(np.floor(total + 0.5 + ROUNDING_SLACK), 100).astype(np.int64)

    # Best first: score descending, then id (as a string) ascending.
    key = (100 - scores) * (m + 1) + pool.order[passing]
    wanted = len(passing) if limit is None else min(limit, len(passing))
    if wanted < len(passing):
        chosen = np.argpartition(key, wanted - 1)[:wanted] if wanted else key[:0]
        chosen = chosen[np.argsort(key[chosen], kind="stable")]
    else:
        chosen = np.argsort(key, kind="stable")
    suggestions = tuple(
        _suggestion(ctx, pool.profiles[int(passing[k])], int(scores[k]), w, labels)
        for k in chosen.tolist()
    )
    return Ranking(suggestions, MappingProxyType(counts), m)


def _suggestion(
    ctx: Context,
    v: VolunteerProfile,
    score: int,
    weights: Weights,
    labels: Mapping[str, str] | None,
) -> Suggestion:
    result = ctx.check(v)
    assert not isinstance(result, str)  # it passed a moment ago
    mode, km = result
    return Suggestion(
        volunteer_id=v.id,
        score=score,
        reasons=reasons(ctx, v, mode, km, weights, labels),
        mode=mode,
        distance_km=km,
    )


def evaluate(
    participant: ParticipantProfile,
    volunteer: VolunteerProfile,
    *,
    weights: Weights | None = None,
    labels: Mapping[str, str] | None = None,
) -> Suggestion | None:
    """The suggestion ``rank`` would make for this one pair, or None if a hard rule fails."""
    ranking = rank(participant, [volunteer], weights=weights, labels=labels)
    return ranking.suggestions[0] if ranking.suggestions else None

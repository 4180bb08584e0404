"""Candidates for one woman, best first, each with its reasons."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .profiles import IN_PERSON, ParticipantProfile, ProfileId, VolunteerProfile, id_key
from .rules import HARD_RULES, Context
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
    volunteers: Iterable[VolunteerProfile],
    *,
    weights: Weights | None = None,
    limit: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> Ranking:
    """Rank the volunteers for one woman; only the best ``limit`` (all if None) are returned.

    Volunteer ids must be unique. ``labels`` maps extra codes (interests, needs …) to bokmål.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    w = weights or DEFAULT_WEIGHTS
    ctx = Context(participant)
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

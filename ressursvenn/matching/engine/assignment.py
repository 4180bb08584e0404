"""Batch proposal: the optimal assignment of many women to volunteers.

Objective, in this order:

1. match as many women as possible (each feasible pair carries a constant ``big`` larger than
   any sum of scores, so no gain in score ever trades a match away);
2. then maximise the sum over matched pairs of ``score + waiting_bonus(waiting_days)``.

Each volunteer is expanded into ``capacity_left`` identical columns (slots) and the problem is
solved exactly with ``scipy.optimize.linear_sum_assignment``. Infeasible pairs have weight 0 and
are dropped from the result, so they are never proposed.

The pair scores are computed with numpy over whole blocks of pairs, using the same rules and the
same arithmetic, operation by operation, as ``rank`` (a property test holds the two together).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .geo import DEG, DIAMETER_KM, EARTH_RADIUS_KM, TOLERANCE_KM
from .profiles import (
    DIGITAL,
    IN_PERSON,
    ParticipantProfile,
    ProfileId,
    VolunteerProfile,
    id_key,
)
from .scoring import (
    AGE_DECAY_YEARS,
    DEFAULT_WEIGHTS,
    DIGITAL_DISTANCE_FRACTION,
    ROUNDING_SLACK,
    Weights,
)

WAITING_WEIGHT = 10.0
"""Fairness: a woman who has waited a year (or more) brings this many extra points to the
objective; less for a shorter wait. It decides who gets a scarce volunteer, never whether
fewer women get matched."""

WAITING_CAP_DAYS = 365

_BLOCK_PAIRS = 1 << 20
"""Pairs scored per numpy block; bounds the memory used (about 100 MB at most)."""

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Masks = npt.NDArray[np.uint64]

_WORD = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class Proposal:
    """One proposed pair; the group leader confirms it."""

    participant_id: ProfileId
    volunteer_id: ProfileId
    score: int
    mode: str = IN_PERSON
    """``in_person`` if they can meet in person, else ``digital``."""


def waiting_bonus(waiting_days: int, *, weight: float = WAITING_WEIGHT) -> float:
    """``min(waiting_days, 365) / 365 * weight``: the fairness term added to a pair's score."""
    return min(max(waiting_days, 0), WAITING_CAP_DAYS) / WAITING_CAP_DAYS * weight


def assign(
    participants: Iterable[ParticipantProfile],
    volunteers: Iterable[VolunteerProfile],
    *,
    weights: Weights | None = None,
    waiting_weight: float = WAITING_WEIGHT,
) -> list[Proposal]:
    """Propose pairs: as many women as possible, then the best total score plus fairness.

    A pair is proposed only if ``rank`` would suggest it; no volunteer gets more women than
    her ``capacity_left``. The result is sorted by participant id (as a string) and does not
    depend on the order of the inputs. Ids must be unique on each side.
    """
    if not np.isfinite(waiting_weight) or waiting_weight < 0:
        raise ValueError("waiting_weight must be a finite number >= 0")
    women = sorted(participants, key=lambda p: id_key(p.id))
    everyone = sorted(volunteers, key=lambda v: id_key(v.id))
    _check_unique(women)
    _check_unique(everyone)
    pool = [v for v in everyone if v.eligible and v.capacity_left > 0]
    if not women or not pool:
        return []

    feasible, scores, in_person = _pair_matrices(women, pool, weights or DEFAULT_WEIGHTS)
    useful = np.flatnonzero(feasible.any(axis=0))
    if useful.size == 0:
        return []
    n = len(women)
    capacity = np.array([min(pool[j].capacity_left, n) for j in useful], dtype=np.int64)
    slot_volunteer = np.repeat(useful, capacity)

    bonus = np.array([waiting_bonus(p.waiting_days, weight=waiting_weight) for p in women])
    most_pairs = min(n, int(slot_volunteer.size))
    big = (most_pairs + 1) * (100.0 + waiting_weight + 1.0)
    value = np.where(
        feasible[:, slot_volunteer],
        big + scores[:, slot_volunteer] + bonus[:, None],
        0.0,
    )
    from scipy.optimize import linear_sum_assignment  # slow to import: only here

    rows, cols = linear_sum_assignment(value, maximize=True)
    proposals = []
    for i, c in zip(rows.tolist(), cols.tolist(), strict=True):
        j = int(slot_volunteer[c])
        if feasible[i, j]:
            proposals.append(
                Proposal(
                    participant_id=women[i].id,
                    volunteer_id=pool[j].id,
                    score=int(scores[i, j]),
                    mode=IN_PERSON if in_person[i, j] else DIGITAL,
                )
            )
    return proposals


def _check_unique(profiles: Sequence[ParticipantProfile | VolunteerProfile]) -> None:
    keys = [id_key(p.id) for p in profiles]
    if len(set(keys)) != len(keys):
        raise ValueError("ids must be unique")


def _masks(sets: Sequence[Iterable[str | None]], vocab: dict[str, int]) -> Masks:
    """Each set as a bit mask over the vocabulary (items outside it are left out).

    Shape (len(sets), words): 64 items per uint64 word, at least one word.
    """
    words = max(1, -(-len(vocab) // 64))
    get = vocab.get
    masks = []
    for items in sets:
        bits = 0
        for item in items:
            j = get(item) if item is not None else None
            if j is not None:
                bits |= 1 << j
        masks.append(bits)
    out = np.empty((len(sets), words), dtype=np.uint64)
    for w in range(words):
        out[:, w] = [(bits >> (64 * w)) & _WORD for bits in masks]
    return out


def _common(p: Masks, v: Masks) -> npt.NDArray[np.integer[Any]]:
    """How many items each row of ``p`` shares with each row of ``v`` (a len(p) x len(v) array)."""
    total: npt.NDArray[np.integer[Any]] = np.bitwise_count(p[:, None, 0] & v[None, :, 0])
    for w in range(1, p.shape[1]):
        total = total + np.bitwise_count(p[:, None, w] & v[None, :, w]).astype(np.int64)
    return total


def _overlaps(p: Masks, v: Masks) -> Bools:
    """Whether each row of ``p`` shares at least one item with each row of ``v``."""
    out: Bools = (p[:, None, 0] & v[None, :, 0]) != 0
    for w in range(1, p.shape[1]):
        out |= (p[:, None, w] & v[None, :, w]) != 0
    return out


def _within(p: Masks, v: Masks) -> Bools:
    """Whether each row of ``p`` is a subset of each row of ``v``."""
    out: Bools = (p[:, None, 0] & ~v[None, :, 0]) == 0
    for w in range(1, p.shape[1]):
        out &= (p[:, None, w] & ~v[None, :, w]) == 0
    return out


def _sizes(p: Masks) -> Floats:
    sizes: Floats = np.bitwise_count(p).sum(axis=1, dtype=np.float64)
    return sizes


def _vocab(sets: Iterable[Iterable[str | None]]) -> dict[str, int]:
    items = sorted({x for s in sets for x in s if x is not None})
    return {x: i for i, x in enumerate(items)}


def _fraction(counts: npt.NDArray[np.integer[Any]], sizes: Floats, empty: float) -> Floats:
    """``counts / size`` per row (as ``rank`` computes it), or ``empty`` where size is 0."""
    safe = np.where(sizes > 0, sizes, 1.0)[:, None]
    return np.where(sizes[:, None] > 0, counts / safe, empty)


def _locations(profiles: Sequence[ParticipantProfile | VolunteerProfile]) -> Floats:
    out = np.full((len(profiles), 2), np.nan)
    for i, p in enumerate(profiles):
        if p.location is not None:
            out[i] = p.location
    return out * DEG


def _pair_matrices(
    women: Sequence[ParticipantProfile], pool: Sequence[VolunteerProfile], weights: Weights
) -> tuple[Bools, Ints, Bools]:
    """(feasible, score, in-person) for every woman x volunteer, computed block by block."""
    n, m = len(women), len(pool)

    # Volunteer-side arrays, each over the vocabulary the women use.
    interest_vocab = _vocab(p.interests for p in women)
    need_vocab = _vocab(p.needs for p in women)
    time_vocab = _vocab(p.availability for p in women)
    language_vocab = _vocab(p.languages | p.required_languages for p in women)
    own_vocab = _vocab((p.municipality, p.district) for p in women)
    excluded_vocab = _vocab(p.excluded_areas for p in women)

    v_interests = _masks([v.interests for v in pool], interest_vocab)
    v_offers = _masks([v.offers for v in pool], need_vocab)
    v_times = _masks([v.availability for v in pool], time_vocab)
    v_languages = _masks([v.languages for v in pool], language_vocab)
    v_conflicts = _masks([v.conflict_areas for v in pool], own_vocab)
    v_home = _masks([(v.municipality, v.district) for v in pool], excluded_vocab)
    v_age = np.array([v.age for v in pool], dtype=np.int64)
    v_in_person = np.array([IN_PERSON in v.modes for v in pool])
    v_digital = np.array([DIGITAL in v.modes for v in pool])
    v_travel = np.array([float(v.max_travel_km) for v in pool])
    v_reach = v_travel + TOLERANCE_KM
    v_travel_safe = np.where(v_travel > 0, v_travel, 1.0)
    v_loc = _locations(pool)
    v_cos = np.cos(v_loc[:, 0])
    column = {id_key(v.id): j for j, v in enumerate(pool)}

    # Woman-side arrays.
    p_interests = _masks([p.interests for p in women], interest_vocab)
    p_needs = _masks([p.needs for p in women], need_vocab)
    p_times = _masks([p.availability for p in women], time_vocab)
    p_extra = _masks([p.languages - p.required_languages for p in women], language_vocab)
    p_required = _masks([p.required_languages for p in women], language_vocab)
    p_own = _masks([(p.municipality, p.district) for p in women], own_vocab)
    p_excluded = _masks([p.excluded_areas for p in women], excluded_vocab)
    n_interests, n_needs = _sizes(p_interests), _sizes(p_needs)
    n_times, n_extra = _sizes(p_times), _sizes(p_extra)
    p_has_pref = np.array([p.preferred_age is not None for p in women])
    p_low = np.array([(p.preferred_age or (0, 0))[0] for p in women], dtype=np.int64)
    p_high = np.array([(p.preferred_age or (0, 0))[1] for p in women], dtype=np.int64)
    p_in_person = np.array([IN_PERSON in p.modes for p in women])
    p_digital = np.array([DIGITAL in p.modes for p in women])
    p_loc = _locations(women)
    p_cos = np.cos(p_loc[:, 0])

    w_int, w_need, w_age, w_avail, w_dist, w_lang = weights.as_tuple()
    feasible = np.zeros((n, m), dtype=np.bool_)
    scores = np.zeros((n, m), dtype=np.int64)
    in_person_all = np.zeros((n, m), dtype=np.bool_)
    step = max(1, _BLOCK_PAIRS // m)
    for start in range(0, n, step):
        rows = slice(start, min(n, start + step))
        with np.errstate(invalid="ignore"):
            # Hard rules (the counting order does not matter here, only the verdict).
            ok = ~_overlaps(p_own[rows], v_conflicts)
            ok &= ~_overlaps(p_excluded[rows], v_home)
            ok &= _within(p_required[rows], v_languages)
            for offset, p in enumerate(women[rows]):
                for excluded_id in p.excluded_volunteers | p.earlier_volunteers:
                    j = column.get(id_key(excluded_id))
                    if j is not None:
                        ok[offset, j] = False
            lat1, lon1 = p_loc[rows, 0][:, None], p_loc[rows, 1][:, None]
            lat2, lon2 = v_loc[None, :, 0], v_loc[None, :, 1]
            s_lat = np.sin((lat2 - lat1) * 0.5)
            s_lon = np.sin((lon2 - lon1) * 0.5)
            h = s_lat * s_lat + p_cos[rows][:, None] * v_cos[None, :] * (s_lon * s_lon)
            km = DIAMETER_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
            near = (EARTH_RADIUS_KM * np.abs(lat2 - lat1) <= v_reach) & (km <= v_reach)
            in_person = p_in_person[rows][:, None] & v_in_person[None, :] & near
            digital = p_digital[rows][:, None] & v_digital[None, :]
            ok &= in_person | digital

            # Soft score, summed in the same order as in rank.
            f_dist = np.where(
                in_person,
                np.where(v_travel > 0, np.maximum(0.0, 1.0 - km / v_travel_safe), 1.0),
                DIGITAL_DISTANCE_FRACTION,
            )
        gap = np.maximum(
            np.maximum(
                p_low[rows][:, None] - v_age[None, :], v_age[None, :] - p_high[rows][:, None]
            ),
            0,
        )
        f_age = np.where(
            p_has_pref[rows][:, None], np.maximum(0.0, 1.0 - gap / AGE_DECAY_YEARS), 1.0
        )
        total = (
            w_int * _fraction(_common(p_interests[rows], v_interests), n_interests[rows], 0.0)
            + w_need * _fraction(_common(p_needs[rows], v_offers), n_needs[rows], 1.0)
            + w_age * f_age
            + w_avail * _fraction(_common(p_times[rows], v_times), n_times[rows], 1.0)
            + w_dist * f_dist
            + w_lang * _fraction(_common(p_extra[rows], v_languages), n_extra[rows], 1.0)
        )
        feasible[rows] = ok
        scores[rows] = np.minimum(np.floor(total + 0.5 + ROUNDING_SLACK), 100)
        in_person_all[rows] = in_person
    return feasible, scores, in_person_all

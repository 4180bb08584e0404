"""Soft score: six weighted factors, each a fraction 0..1, and a bokmål sentence for each."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

from .labels import (
    AVAILABILITY_LABELS,
    INTEREST_LABELS,
    LANGUAGE_NAMES,
    NEED_LABELS,
    join_nb,
    labelled,
    nb_sort_key,
)
from .profiles import DIGITAL, VolunteerProfile
from .rules import Context

INTERESTS = "interests"
NEEDS = "needs"
AGE = "age"
AVAILABILITY = "availability"
DISTANCE = "distance"
LANGUAGES = "languages"

FACTORS: tuple[str, ...] = (INTERESTS, NEEDS, AGE, AVAILABILITY, DISTANCE, LANGUAGES)
"""The soft factors, in the order their reasons are given (and their points are summed)."""

AGE_DECAY_YEARS = 10
"""The age factor falls linearly from full points at the wished range to 0 this far outside."""

DIGITAL_DISTANCE_FRACTION = 0.5
"""The distance factor for a pair that can only meet digitally."""

ROUNDING_SLACK = 1e-9
"""Added before rounding half up, so that 72.4999999999 from float error still gives 73."""


@dataclass(frozen=True, slots=True)
class Weights:
    """Points each factor gives at best. The defaults add up to 100; a programme may change them.

    A score is the sum of ``weight * fraction`` over the factors, rounded half up and clamped
    to 0-100. If the weights add up to more than 100 the clamp applies and the reasons' points
    may add up to more than the score; otherwise they add up to it exactly.
    """

    interests: float = 20
    needs: float = 30
    age: float = 10
    availability: float = 15
    distance: float = 15
    languages: float = 10

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {f.name} must be a finite number >= 0, not {value!r}")

    def as_tuple(self) -> tuple[float, ...]:
        """The weights in ``FACTORS`` order."""
        return (
            self.interests,
            self.needs,
            self.age,
            self.availability,
            self.distance,
            self.languages,
        )


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Reason:
    """One factor's contribution to a suggestion's score, with a plain bokmål sentence.

    ``neutral``: she stated no wish for this factor (no needs, times, languages or age wish),
    so every volunteer gets the same points for it: not a merit of this volunteer."""

    factor: str
    points: int
    text: str
    neutral: bool = False


def round_half_up(value: float) -> int:
    """Round to the nearest whole number, halves up (with ``ROUNDING_SLACK``)."""
    return math.floor(value + 0.5 + ROUNDING_SLACK)


def fractions(
    ctx: Context, v: VolunteerProfile, mode: str, km: float | None
) -> tuple[float, float, float, float, float, float]:
    """Each factor's fraction 0..1 for a pair that passed the hard rules, in ``FACTORS`` order.

    ``assign`` computes the same numbers with numpy; keep the two in step (a test checks it).
    """
    n = len(ctx.interests)
    f_interests = len(ctx.interests & v.interests) / n if n else 0.0
    n = len(ctx.needs)
    f_needs = len(ctx.needs & v.offers) / n if n else 1.0
    f_age = age_fraction(ctx.preferred_age, v.age)
    n = len(ctx.availability)
    f_availability = len(ctx.availability & v.availability) / n if n else 1.0
    f_distance = distance_fraction(mode, km, v.max_travel_km)
    n = len(ctx.extra_languages)
    f_languages = len(ctx.extra_languages & v.languages) / n if n else 1.0
    return (f_interests, f_needs, f_age, f_availability, f_distance, f_languages)


def age_fraction(preferred: tuple[int, int] | None, age: int) -> float:
    if preferred is None:
        return 1.0
    gap = max(preferred[0] - age, age - preferred[1], 0)
    return max(0.0, 1.0 - gap / AGE_DECAY_YEARS)


def distance_fraction(mode: str, km: float | None, max_travel_km: float) -> float:
    if mode == DIGITAL or km is None:
        return DIGITAL_DISTANCE_FRACTION
    if max_travel_km <= 0:
        return 1.0
    return max(0.0, 1.0 - km / max_travel_km)


def contributions(
    weights: tuple[float, ...], parts: tuple[float, float, float, float, float, float]
) -> list[float]:
    """``weight * fraction`` for each factor, unrounded."""
    return [w * f for w, f in zip(weights, parts, strict=True)]


def points_of(raw: list[float]) -> list[int]:
    """Whole points per factor that add up to the rounded total (largest remainder method)."""
    floors = [int(x + ROUNDING_SLACK) for x in raw]  # x >= 0, so int() is floor
    missing = round_half_up(sum(raw)) - sum(floors)
    if missing > 0:
        by_remainder = sorted(range(len(raw)), key=lambda i: (floors[i] - raw[i], i))
        for i in by_remainder[:missing]:
            floors[i] += 1
    return floors


_TIME_ORDER = {code: k for k, code in enumerate(AVAILABILITY_LABELS)}


def _availability_key(code: str) -> tuple[int, str]:
    """Known times in the order of the day and week, then any others alphabetically."""
    return (_TIME_ORDER.get(code, len(_TIME_ORDER)), nb_sort_key(code))


def sentences(
    ctx: Context,
    v: VolunteerProfile,
    mode: str,
    km: float | None,
    labels: Mapping[str, str] | None = None,
) -> tuple[str, str, str, str, str, str]:
    """One bokmål sentence per factor, in ``FACTORS`` order. ``labels`` overrides code names."""
    interest_labels, need_labels = INTEREST_LABELS, NEED_LABELS
    language_names, availability_labels = LANGUAGE_NAMES, AVAILABILITY_LABELS
    if labels:
        interest_labels = {**interest_labels, **labels}
        need_labels = {**need_labels, **labels}
        language_names = {**language_names, **labels}
        availability_labels = {**availability_labels, **labels}

    shared = labelled(ctx.interests & v.interests, interest_labels)
    interests = f"Begge liker {join_nb(shared)}" if shared else "Ingen felles interesser"

    if not ctx.needs:
        needs = "Ingen særskilte behov oppgitt"
    else:
        covered = labelled(ctx.needs & v.offers, need_labels)
        needs = (
            f"Kan hjelpe med {join_nb(covered)}"
            if covered
            else "Tilbyr ikke hjelp med det hun har behov for"
        )

    age = _age_sentence(ctx.preferred_age, v.age)

    if not ctx.availability:
        availability = "Ingen tidspunkter oppgitt"
    else:
        times = sorted(ctx.availability & v.availability, key=_availability_key)
        words = [availability_labels.get(t, t) for t in times]
        availability = f"Begge kan på {join_nb(words)}" if words else "Ingen felles tidspunkter"

    distance = _distance_sentence(ctx, v, mode, km)

    if ctx.extra_languages:
        spoken = labelled(ctx.extra_languages & v.languages, language_names)
        languages = (
            f"Snakker også {join_nb(spoken)}"
            if spoken
            else "Snakker ingen av de andre språkene hennes"
        )
    elif ctx.required_languages:
        needed = labelled(ctx.required_languages, language_names)
        languages = f"Snakker {join_nb(needed)}, som hun trenger"
    else:
        languages = "Ingen språk oppgitt"

    return (interests, needs, age, availability, distance, languages)


def _age_sentence(preferred: tuple[int, int] | None, age: int) -> str:
    if preferred is None:
        return "Ingen ønsker om alder"
    low, high = preferred
    wish = f"{low}–{high} år"
    if age < low:
        return f"{low - age} år yngre enn ønsket hennes ({wish})"
    if age > high:
        return f"{age - high} år eldre enn ønsket hennes ({wish})"
    return f"Alderen passer ønsket hennes ({wish})"


def _distance_sentence(ctx: Context, v: VolunteerProfile, mode: str, km: float | None) -> str:
    if mode == DIGITAL or km is None:
        return "Kan møtes digitalt (video/telefon)"
    p = ctx.participant
    if p.district is not None and v.district == p.district:
        return "Samme bydel"
    if v.municipality == p.municipality:
        return "Samme kommune"
    if km < 1:
        return "Under 1 km unna"
    return f"{round_half_up(km)} km unna"


def reasons(
    ctx: Context,
    v: VolunteerProfile,
    mode: str,
    km: float | None,
    weights: Weights,
    labels: Mapping[str, str] | None = None,
) -> tuple[Reason, ...]:
    """The reasons for a pair that passed the hard rules, one per factor in ``FACTORS`` order."""
    raw = contributions(weights.as_tuple(), fractions(ctx, v, mode, km))
    texts = sentences(ctx, v, mode, km, labels)
    return tuple(map(Reason, FACTORS, points_of(raw), texts, no_wish(ctx)))


def no_wish(ctx: Context) -> tuple[bool, bool, bool, bool, bool, bool]:
    """Per factor, in ``FACTORS`` order: she stated nothing to compare, so the factor gives
    every volunteer the same points (``Reason.neutral``)."""
    no_languages = not ctx.extra_languages and not ctx.required_languages
    return (
        False,
        not ctx.needs,
        ctx.preferred_age is None,
        not ctx.availability,
        False,
        no_languages,
    )

"""Hard rules: a volunteer who fails one is not a candidate for the woman.

The rules are checked in the order of ``HARD_RULES``; a volunteer who fails several is counted
under the first, so the counts in ``Ranking.excluded`` add up to the number excluded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TypeAlias

from .geo import DEG, EARTH_RADIUS_KM, TOLERANCE_KM, _haversine
from .labels import EARLIER_PROPOSAL_TEXT
from .profiles import DIGITAL, IN_PERSON, ParticipantProfile, VolunteerProfile

NOT_ELIGIBLE = "not_eligible"
NO_CAPACITY = "no_capacity"
EXCLUDED_VOLUNTEER = "excluded_volunteer"
EARLIER_PROPOSAL = "earlier_proposal"
CONFLICT_AREA = "conflict_area"
EXCLUDED_AREA = "excluded_area"
REQUIRED_LANGUAGE = "required_language"
NO_COMMON_MODE = "no_common_mode"
TOO_FAR = "too_far"

HARD_RULES: tuple[str, ...] = (
    NOT_ELIGIBLE,
    NO_CAPACITY,
    EXCLUDED_VOLUNTEER,
    EARLIER_PROPOSAL,
    CONFLICT_AREA,
    EXCLUDED_AREA,
    REQUIRED_LANGUAGE,
    NO_COMMON_MODE,
    TOO_FAR,
)
"""Every hard rule, in the order they are checked (and counted)."""

HARD_RULE_TEXT: Mapping[str, str] = {
    NOT_ELIGIBLE: "Ikke godkjent, politiattesten er ikke gyldig, eller har pause",
    NO_CAPACITY: "Har ikke plass til flere",
    EXCLUDED_VOLUNTEER: "Utelukket for denne kvinnen",
    EARLIER_PROPOSAL: EARLIER_PROPOSAL_TEXT,
    CONFLICT_AREA: "Har oppgitt en konflikt med området hennes",
    EXCLUDED_AREA: "Bor i et område krisesenteret har utelukket",
    REQUIRED_LANGUAGE: "Snakker ikke språket hun trenger",
    NO_COMMON_MODE: "Ingen felles måte å møtes på",
    TOO_FAR: "For langt unna for å møtes, og ikke digitalt",
}
"""One bokmål line per hard rule, for the group leader's list of excluded volunteers."""

Pairing: TypeAlias = tuple[str, float | None]
"""A pair that passes every hard rule: (mode, distance in km for an in-person pair)."""


class Context:
    """A woman's profile prepared once for checking and scoring many volunteers."""

    __slots__ = (
        "availability",
        "check",
        "cos_lat",
        "earlier_ids",
        "excluded_areas",
        "excluded_ids",
        "extra_languages",
        "interests",
        "lat",
        "lon",
        "needs",
        "own_areas",
        "participant",
        "preferred_age",
        "required_languages",
        "wants_digital",
        "wants_in_person",
    )

    def __init__(self, participant: ParticipantProfile) -> None:
        p = participant
        self.participant = p
        self.excluded_ids = frozenset(str(i) for i in p.excluded_volunteers)
        self.earlier_ids = frozenset(str(i) for i in p.earlier_volunteers)
        own = {p.municipality}
        if p.district is not None:
            own.add(p.district)
        self.own_areas = frozenset(own)
        self.excluded_areas = p.excluded_areas
        self.required_languages = p.required_languages
        self.wants_in_person = IN_PERSON in p.modes
        self.wants_digital = DIGITAL in p.modes
        self.lat: float | None = None
        self.lon = 0.0
        self.cos_lat = 0.0
        if p.location is not None:
            self.lat = p.location[0] * DEG
            self.lon = p.location[1] * DEG
            self.cos_lat = math.cos(self.lat)
        self.interests = p.interests
        self.needs = p.needs
        self.availability = p.availability
        self.extra_languages = p.languages - p.required_languages
        self.preferred_age = p.preferred_age

        self.check = self._checker()

    def _checker(self) -> Callable[[VolunteerProfile], str | Pairing]:
        # A closure over local names: this runs once per volunteer, 20,000 times for one
        # woman, and local names are the fastest to read in CPython.
        excluded_ids = self.excluded_ids
        earlier_ids = self.earlier_ids
        own_areas = self.own_areas
        excluded_areas = self.excluded_areas
        required = self.required_languages
        wants_in_person = self.wants_in_person
        wants_digital = self.wants_digital
        lat1, lon1, cos_lat1 = self.lat, self.lon, self.cos_lat
        haversine = _haversine

        def check(v: VolunteerProfile) -> str | Pairing:
            """The first hard rule ``v`` fails (its code), or the pairing if she passes all."""
            if not v.eligible:
                return NOT_ELIGIBLE
            if v.capacity_left <= 0:
                return NO_CAPACITY
            if excluded_ids and str(v.id) in excluded_ids:
                return EXCLUDED_VOLUNTEER
            if earlier_ids and str(v.id) in earlier_ids:
                return EARLIER_PROPOSAL
            if v.conflict_areas and not own_areas.isdisjoint(v.conflict_areas):
                return CONFLICT_AREA
            if excluded_areas and (
                v.municipality in excluded_areas
                or (v.district is not None and v.district in excluded_areas)
            ):
                return EXCLUDED_AREA
            if required and not required <= v.languages:
                return REQUIRED_LANGUAGE
            modes = v.modes
            digital = wants_digital and DIGITAL in modes
            if wants_in_person and IN_PERSON in modes:
                location = v.location
                if lat1 is not None and location is not None:
                    reach = v.max_travel_km + TOLERANCE_KM
                    lat2 = location[0] * DEG
                    # The latitude difference alone is a lower bound of the distance.
                    if EARTH_RADIUS_KM * abs(lat2 - lat1) <= reach:
                        km = haversine(lat1, lon1, cos_lat1, lat2, location[1] * DEG)
                        if km <= reach:
                            return (IN_PERSON, km)
            elif not digital:
                return NO_COMMON_MODE
            if digital:
                return (DIGITAL, None)
            return TOO_FAR

        return check


def failing_rule(participant: ParticipantProfile, volunteer: VolunteerProfile) -> str | None:
    """The code of the first hard rule the pair fails, or None if she is a candidate."""
    result = Context(participant).check(volunteer)
    return result if isinstance(result, str) else None

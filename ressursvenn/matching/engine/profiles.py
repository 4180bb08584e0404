"""Plain profiles the engine works on; the Django adapter builds them from rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

ProfileId: TypeAlias = int | str
"""A volunteer's or participant's id: the primary key, or any unique string."""

Location: TypeAlias = tuple[float, float]
"""(latitude, longitude) in degrees, e.g. the centre of the person's municipality."""

IN_PERSON = "in_person"
DIGITAL = "digital"
MODES = frozenset({IN_PERSON, DIGITAL})
BOTH_MODES = MODES


def id_key(profile_id: ProfileId) -> str:
    """The sort key for ids everywhere in the engine: the id as a string."""
    return str(profile_id)


def _freeze(value: Iterable[str] | Iterable[ProfileId]) -> frozenset[ProfileId]:
    return value if isinstance(value, frozenset) else frozenset(value)


def _check_modes(modes: frozenset[str]) -> None:
    unknown = modes - MODES
    if unknown:
        raise ValueError(f"unknown meeting modes: {sorted(unknown)}")


_VOLUNTEER_SETS = ("languages", "interests", "offers", "availability", "modes", "conflict_areas")
_PARTICIPANT_SETS = (
    "languages",
    "required_languages",
    "interests",
    "needs",
    "availability",
    "modes",
    "excluded_areas",
    "excluded_volunteers",
    "earlier_volunteers",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class VolunteerProfile:
    """What the engine knows about one volunteer. Sets may be given as any iterable."""

    id: ProfileId
    age: int
    municipality: str
    district: str | None = None
    location: Location | None = None
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    modes: frozenset[str] = BOTH_MODES
    max_travel_km: float = 25.0
    capacity_left: int = 1
    conflict_areas: frozenset[str] = frozenset()
    eligible: bool = True
    """Approved, screening valid today and not paused (decided by the Django adapter)."""

    def __post_init__(self) -> None:
        for name in _VOLUNTEER_SETS:
            object.__setattr__(self, name, _freeze(getattr(self, name)))
        _check_modes(self.modes)
        if self.max_travel_km < 0:
            raise ValueError("max_travel_km must not be negative")


@dataclass(frozen=True, slots=True, kw_only=True)
class ParticipantProfile:
    """What the engine knows about one woman waiting for a volunteer."""

    id: ProfileId
    age: int
    municipality: str
    district: str | None = None
    location: Location | None = None
    languages: frozenset[str] = frozenset()
    required_languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    modes: frozenset[str] = BOTH_MODES
    preferred_age: tuple[int, int] | None = None
    """(min, max) age she wishes her volunteer to have, both inclusive; None: no wish."""
    excluded_areas: frozenset[str] = frozenset()
    """Municipality or district codes the crisis centre excluded for her safety."""
    excluded_volunteers: frozenset[ProfileId] = field(default_factory=frozenset)
    earlier_volunteers: frozenset[ProfileId] = field(default_factory=frozenset)
    """Volunteers whose earlier proposal or match for her was declined or cancelled."""
    waiting_days: int = 0

    def __post_init__(self) -> None:
        for name in _PARTICIPANT_SETS:
            object.__setattr__(self, name, _freeze(getattr(self, name)))
        _check_modes(self.modes)
        if self.preferred_age is not None and self.preferred_age[0] > self.preferred_age[1]:
            raise ValueError("preferred_age must be (min, max) with min <= max")

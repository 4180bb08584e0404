"""The matching engine: plain Python (and numpy/scipy), no Django. See README.md beside this file.

``rank`` gives one woman's candidates with reasons and the counts of volunteers excluded by
each hard rule; ``assign`` proposes the optimal pairs for many women at once.
"""

from .assignment import WAITING_CAP_DAYS, WAITING_WEIGHT, Proposal, assign, waiting_bonus
from .geo import EARTH_RADIUS_KM, haversine_km
from .labels import AVAILABILITY_LABELS, INTEREST_LABELS, LANGUAGE_NAMES, NEED_LABELS
from .pool import VolunteerPool
from .profiles import (
    DIGITAL,
    IN_PERSON,
    MODES,
    Location,
    ParticipantProfile,
    ProfileId,
    VolunteerProfile,
)
from .ranking import Ranking, Suggestion, evaluate, rank
from .rules import (
    CONFLICT_AREA,
    EARLIER_PROPOSAL,
    EXCLUDED_AREA,
    EXCLUDED_VOLUNTEER,
    HARD_RULE_TEXT,
    HARD_RULES,
    NO_CAPACITY,
    NO_COMMON_MODE,
    NOT_ELIGIBLE,
    REQUIRED_LANGUAGE,
    TOO_FAR,
    failing_rule,
)
from .scoring import (
    AGE,
    AVAILABILITY,
    DEFAULT_WEIGHTS,
    DISTANCE,
    FACTORS,
    INTERESTS,
    LANGUAGES,
    NEEDS,
    Reason,
    Weights,
)

__all__ = [
    "AGE",
    "AVAILABILITY",
    "AVAILABILITY_LABELS",
    "CONFLICT_AREA",
    "DEFAULT_WEIGHTS",
    "DIGITAL",
    "DISTANCE",
    "EARLIER_PROPOSAL",
    "EARTH_RADIUS_KM",
    "EXCLUDED_AREA",
    "EXCLUDED_VOLUNTEER",
    "FACTORS",
    "HARD_RULES",
    "HARD_RULE_TEXT",
    "INTERESTS",
    "INTEREST_LABELS",
    "IN_PERSON",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "MODES",
    "NEEDS",
    "NEED_LABELS",
    "NOT_ELIGIBLE",
    "NO_CAPACITY",
    "NO_COMMON_MODE",
    "REQUIRED_LANGUAGE",
    "TOO_FAR",
    "WAITING_CAP_DAYS",
    "WAITING_WEIGHT",
    "Location",
    "ParticipantProfile",
    "ProfileId",
    "Proposal",
    "Ranking",
    "Reason",
    "Suggestion",
    "VolunteerPool",
    "VolunteerProfile",
    "Weights",
    "assign",
    "evaluate",
    "failing_rule",
    "haversine_km",
    "rank",
    "waiting_bonus",
]

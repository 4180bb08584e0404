"""Bokmål words for the codes the engine meets, and how to list them in a sentence.

A code without a label is shown as it is, so a new interest or need works before it is named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

NEED_LABELS: Mapping[str, str] = {
    "job_search": "jobbsøking",
    "housing": "bolig",
    "public_services": "NAV og offentlige tjenester",
    "norwegian_practice": "norsktrening",
    "finances": "økonomi",
    "children_activities": "aktiviteter for barn",
    "physical_activity": "fysisk aktivitet",
    "social_network": "sosialt nettverk",
}

AVAILABILITY_LABELS: Mapping[str, str] = {
    "weekday_daytime": "hverdager på dagtid",
    "evenings": "kvelder",
    "weekends": "helger",
}

LANGUAGE_NAMES: Mapping[str, str] = {
    "nb": "norsk",
    "no": "norsk",
    "nn": "nynorsk",
    "en": "engelsk",
    "ar": "arabisk",
    "so": "somali",
    "ti": "tigrinja",
    "fa": "persisk",
    "pl": "polsk",
    "uk": "ukrainsk",
    "ru": "russisk",
    "es": "spansk",
    "fr": "fransk",
    "tr": "tyrkisk",
    "ur": "urdu",
    "ku": "kurdisk",
    "prs": "dari",
    "ps": "pashto",
    "th": "thai",
    "lt": "litauisk",
    "de": "tysk",
    "sv": "svensk",
}

INTEREST_LABELS: Mapping[str, str] = {
    "hiking": "turgåing",
    "knitting": "strikking",
    "cooking": "matlaging",
    "baking": "baking",
    "reading": "lesing",
    "music": "musikk",
    "singing": "sang",
    "dancing": "dans",
    "crafts": "håndarbeid",
    "art": "kunst",
    "gardening": "hagearbeid",
    "exercise": "trening",
    "swimming": "svømming",
    "cycling": "sykling",
    "skiing": "skigåing",
    "football": "fotball",
    "films": "film",
    "theatre": "teater",
    "cafes": "kafébesøk",
    "nature": "natur",
    "fishing": "fiske",
    "photography": "fotografering",
    "games": "spill",
    "volunteering": "frivillig arbeid",
    "religion": "tro og livssyn",
}

EARLIER_PROPOSAL_TEXT = "Har hatt et forslag for henne som ble avslått eller avbrutt"
"""The hard rule ``earlier_proposal``: the pair was tried before and did not go on."""

_NB_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}"})
"""Puts æ, ø, å after z, in that order, as the Norwegian alphabet does."""


def nb_sort_key(text: str) -> str:
    """A sort key that orders bokmål words alphabetically (æ, ø, å last)."""
    return text.casefold().translate(_NB_ORDER)


def labelled(codes: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    """The labels of ``codes`` (unknown codes as they are), in Norwegian alphabetical order."""
    return sorted((labels.get(code, code) for code in codes), key=nb_sort_key)


def join_nb(words: list[str], *, limit: int = 3) -> str:
    """``a``, ``a og b``, ``a, b og c``; past ``limit`` words: ``a, b, c og 2 til``."""
    if len(words) > limit:
        shown = words[:limit]
        return f"{', '.join(shown)} og {len(words) - limit} til"
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} og {words[-1]}"

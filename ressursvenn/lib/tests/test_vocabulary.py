"""The profile vocabulary and the matching engine's labels know the same codes."""

from __future__ import annotations

from django.utils import translation

from ressursvenn.lib.vocabulary import (
    Availability,
    Interest,
    Language,
    Mode,
    Need,
    age_band,
    labels,
)
from ressursvenn.matching import engine


def test_needs_availability_and_interests_equal_the_engine_codes() -> None:
    assert sorted(Need.values) == sorted(engine.NEED_LABELS)
    assert sorted(Availability.values) == sorted(engine.AVAILABILITY_LABELS)
    assert sorted(Interest.values) == sorted(engine.INTEREST_LABELS)
    assert sorted(Mode.values) == sorted(engine.MODES)


def test_every_language_has_an_engine_name() -> None:
    assert sorted(set(Language.values) - set(engine.LANGUAGE_NAMES)) == []


def test_labels_keep_the_choice_order_and_unknown_codes() -> None:
    with translation.override("nb"):
        assert labels(Availability, ["weekends", "evenings", "moonlight"]) == [
            "Kvelder",
            "Helger",
            "moonlight",
        ]
        assert labels(Need, None) == []


def test_age_band() -> None:
    assert [age_band(25), age_band(39), age_band(40)] == ["20–29", "30–39", "40–49"]

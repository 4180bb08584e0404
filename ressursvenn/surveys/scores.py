"""The scores of one sent-in response, read back with each answer's own instrument version.

Used by the match page (leader and centre only) and the answers page. Scoring itself is
`scales` (pure); this module only groups stored `Answer` rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ressursvenn.surveys import scales


@dataclass(frozen=True)
class Scores:
    ucla3: int | None
    osss3: int | None
    osss3_band: str | None  # its label
    safety: int | None
    life_satisfaction: int | None
    skipped: int


@dataclass(frozen=True)
class Row:
    item: str
    answer: str
    skipped: bool


def _values(answers: Iterable[Any]) -> dict[str, dict[str, int | None]]:
    by_instrument: dict[str, dict[str, int | None]] = {}
    for answer in answers:
        by_instrument.setdefault(answer.instrument, {})[answer.item] = answer.value
    return by_instrument


def _total(code: str, values: dict[str, dict[str, int | None]], score: Any) -> int | None:
    instrument = scales.CURRENT[code]
    found = values.get(code)
    if not found:
        return None
    try:
        return score(*(found.get(item.code) for item in instrument.items))
    except ValueError:
        return None


def summary(answers: Iterable[Any]) -> Scores:
    rows = list(answers)
    values = _values(rows)
    osss = _total("osss3", values, scales.osss3)
    band = scales.osss3_band(osss)
    return Scores(
        ucla3=_total("ucla3", values, scales.ucla3),
        osss3=osss,
        osss3_band=str(scales.OSSS3_BAND_LABELS[band]) if band else None,
        safety=values.get("safety", {}).get("safety_1"),
        life_satisfaction=values.get("life_satisfaction", {}).get("life_satisfaction_1"),
        skipped=sum(1 for answer in rows if answer.value is None),
    )


def rows(answers: Iterable[Any]) -> list[tuple[str, list[Row]]]:
    """Every answer under its instrument's title, in the instrument's order."""
    stored: dict[tuple[str, int], dict[str, int | None]] = {}
    for answer in answers:
        stored.setdefault((answer.instrument, answer.version), {})[answer.item] = answer.value
    result: list[tuple[str, list[Row]]] = []
    for (code, version), values in stored.items():
        instrument = scales.INSTRUMENTS.get((code, version))
        if instrument is None:
            continue
        lines = []
        for item in instrument.items:
            value = values.get(item.code)
            if value is None:
                lines.append(Row(str(item.text), _("Hoppet over"), True))
                continue
            label = next((c.label for c in item.choices if c.value == value), None)
            text = (
                f"{value} – {label}"
                if label is not None and item.maximum >= 10
                else str(label or value)
            )
            lines.append(Row(str(item.text), text, False))
        result.append((str(instrument.title), lines))
    order = {str(scales.CURRENT[c].title): i for i, c in enumerate(scales.CURRENT)}
    return sorted(result, key=lambda pair: order.get(pair[0], 99))

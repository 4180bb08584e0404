"""The questionnaires' instruments and the scoring of the validated short scales (pure, public).

The woman answers the UCLA 3-item loneliness scale, the Oslo Social Support Scale (OSSS-3), one
item on feeling safe and one on life satisfaction; the volunteer answers a short experience
questionnaire. Each instrument is plain data here: a code, a version, its items in the scale's
own order, each with its allowed values and answer labels. Texts are bokmål message ids
through ``gettext_lazy``; the English (and any later language) comes from the translation
catalogue, so adding a language adds no code.

An answer is stored with its instrument's code and version. Changing the wording, the order or
the allowed values of an item makes a new version: add a new ``Instrument`` with the next
version number and keep the old one in ``INSTRUMENTS``, so old answers stay readable.

Scoring: ``ucla3`` and ``osss3`` take the three item values in the scale's order, ``None`` for
a skipped item. A scale with a skipped item has no total (``None``; no proration). A value
outside the item's range, or one that is not an ``int`` (``bool``, ``float``, ``str`` …), raises
``ValueError`` even when another item is skipped. Only ``django.utils.translation`` is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import Promise

Respondent = Literal["participant", "volunteer"]
Band = Literal["poor", "moderate", "strong"]


@dataclass(frozen=True)
class Choice:
    """An allowed answer: its value and its label (``None``: the number is the label)."""

    value: int
    label: Promise | None = None


@dataclass(frozen=True)
class Item:
    code: str
    text: Promise
    choices: tuple[Choice, ...]

    @property
    def minimum(self) -> int:
        return self.choices[0].value

    @property
    def maximum(self) -> int:
        return self.choices[-1].value


@dataclass(frozen=True)
class Instrument:
    code: str
    version: int
    title: Promise
    respondent: Respondent
    introduction: Promise
    items: tuple[Item, ...]
    source: str  # the published instrument it follows (a reference, not shown to respondents)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)


def _numbered(low: int, high: int, labels: dict[int, Promise]) -> tuple[Choice, ...]:
    """The values low..high, with labels only where given (the ends of a 0–10 scale)."""
    return tuple(Choice(value, labels.get(value)) for value in range(low, high + 1))


# --- the woman's questionnaire ----------------------------------------------------------------

UCLA3_CHOICES = (
    Choice(1, _("Nesten aldri")),
    Choice(2, _("Noen ganger")),
    Choice(3, pgettext_lazy("survey answer", "Ofte")),
)

UCLA3 = Instrument(
    code="ucla3",
    version=1,
    title=_("Ensomhet"),
    respondent="participant",
    introduction=_(
        "De neste spørsmålene handler om hvordan du har det i livet ditt. "
        "Svar på hvor ofte du føler det slik."
    ),
    items=(
        Item(
            "ucla3_1", _("Hvor ofte føler du at du savner noen å være sammen med?"), UCLA3_CHOICES
        ),
        Item("ucla3_2", _("Hvor ofte føler du deg utenfor?"), UCLA3_CHOICES),
        Item("ucla3_3", _("Hvor ofte føler du deg isolert fra andre?"), UCLA3_CHOICES),
    ),
    source="UCLA 3-item loneliness scale (Hughes, Waite, Hawkley & Cacioppo 2004)",
)

OSSS3 = Instrument(
    code="osss3",
    version=1,
    title=_("Sosial støtte"),
    respondent="participant",
    introduction=_("De neste spørsmålene handler om menneskene rundt deg."),
    items=(
        Item(
            "osss3_1",
            _(
                "Hvor mange står deg så nær at du kan regne med dem hvis du får store "
                "personlige problemer?"
            ),
            (
                Choice(1, pgettext_lazy("number of close people", "Ingen")),
                Choice(2, _("1–2")),
                Choice(3, _("3–5")),
                Choice(4, _("Flere enn 5")),
            ),
        ),
        Item(
            "osss3_2",
            _("Hvor mye interesse og omtanke viser andre for det du gjør?"),
            (
                Choice(1, pgettext_lazy("interest and concern", "Ingen")),
                Choice(2, pgettext_lazy("survey answer", "Lite")),
                Choice(3, pgettext_lazy("survey answer", "Usikker")),
                Choice(4, pgettext_lazy("survey answer", "Noe")),
                Choice(5, pgettext_lazy("survey answer", "Mye")),
            ),
        ),
        Item(
            "osss3_3",
            _("Hvor lett er det å få praktisk hjelp fra naboer hvis du skulle trenge det?"),
            (
                Choice(1, _("Svært vanskelig")),
                Choice(2, pgettext_lazy("survey answer", "Vanskelig")),
                Choice(3, pgettext_lazy("survey answer", "Mulig")),
                Choice(4, pgettext_lazy("survey answer", "Lett")),
                Choice(5, _("Svært lett")),
            ),
        ),
    ),
    source="Oslo Social Support Scale, OSSS-3 (Dalgard; Kocalevent et al. 2018)",
)

SAFETY = Instrument(
    code="safety",
    version=1,
    title=_("Trygghet"),
    respondent="participant",
    introduction=_("Tenk på de siste fire ukene."),
    items=(
        Item(
            "safety_1",
            _("Hvor trygg føler du deg i hverdagen?"),
            (
                Choice(1, _("Svært utrygg")),
                Choice(2, _("Ganske utrygg")),
                Choice(3, _("Verken trygg eller utrygg")),
                Choice(4, _("Ganske trygg")),
                Choice(5, _("Svært trygg")),
            ),
        ),
    ),
    source="Single item, five-point scale (Ressursvenn)",
)

LIFE_SATISFACTION = Instrument(
    code="life_satisfaction",
    version=1,
    title=_("Tilfredshet med livet"),
    respondent="participant",
    introduction=_("Svar på en skala fra 0 til 10."),
    items=(
        Item(
            "life_satisfaction_1",
            _("Alt i alt, hvor fornøyd er du med livet ditt for tiden?"),
            _numbered(0, 10, {0: _("Svært misfornøyd"), 10: _("Svært fornøyd")}),
        ),
    ),
    source="Overall life satisfaction, 0–10 (OECD guidelines; SSB's quality of life survey)",
)

# --- the volunteer's questionnaire ------------------------------------------------------------

EXTENT_CHOICES = (
    Choice(1, _("Ikke i det hele tatt")),
    Choice(2, _("I liten grad")),
    Choice(3, _("I noen grad")),
    Choice(4, _("I stor grad")),
    Choice(5, _("I svært stor grad")),
)

VOLUNTEER_EXPERIENCE = Instrument(
    code="volunteer_experience",
    version=1,
    title=_("Din erfaring som ressursvenn"),
    respondent="volunteer",
    introduction=_("Svarene brukes til å gjøre programmet bedre."),
    items=(
        Item(
            "volunteer_experience_support",
            _("I hvilken grad har du fått den støtten du trenger fra gruppelederen din?"),
            EXTENT_CHOICES,
        ),
        Item(
            "volunteer_experience_training",
            _("I hvilken grad har opplæringen gjort deg forberedt på å være ressursvenn?"),
            EXTENT_CHOICES,
        ),
        Item(
            "volunteer_experience_recommend",
            _("Hvor sannsynlig er det at du vil anbefale andre å bli ressursvenn?"),
            _numbered(0, 10, {0: _("Svært usannsynlig"), 10: _("Svært sannsynlig")}),
        ),
    ),
    source="Ressursvenn (support and training: five-point extent scale; recommend: 0–10)",
)

# Every version ever used, so that stored answers can always be read back; and the one to ask.
INSTRUMENTS: dict[tuple[str, int], Instrument] = {
    (instrument.code, instrument.version): instrument
    for instrument in (UCLA3, OSSS3, SAFETY, LIFE_SATISFACTION, VOLUNTEER_EXPERIENCE)
}
CURRENT: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in sorted(INSTRUMENTS.values(), key=lambda instrument: instrument.version)
}  # the later version of a code overwrites the earlier one
# The questionnaires, in the order their instruments are asked.
PARTICIPANT_QUESTIONNAIRE = ("ucla3", "osss3", "safety", "life_satisfaction")
VOLUNTEER_QUESTIONNAIRE = ("volunteer_experience",)

# --- scoring ------------------------------------------------------------------------------------

OSSS3_BANDS: tuple[tuple[int, int, Band], ...] = (
    (3, 8, "poor"),
    (9, 11, "moderate"),
    (12, 14, "strong"),
)
OSSS3_BAND_LABELS: dict[Band, Promise] = {
    "poor": _("Svak sosial støtte"),
    "moderate": _("Middels sosial støtte"),
    "strong": _("Sterk sosial støtte"),
}


def check_answer(item: Item, value: object) -> int | None:
    """The value if the item allows it, ``None`` if skipped; ``ValueError`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{item.code}: an answer must be an int, not {value!r}")
    if not item.minimum <= value <= item.maximum:
        raise ValueError(f"{item.code}: {value} is outside {item.minimum}–{item.maximum}")
    return value


def _total(instrument: Instrument, values: tuple[object, ...]) -> int | None:
    checked = [check_answer(item, v) for item, v in zip(instrument.items, values, strict=True)]
    if any(value is None for value in checked):
        return None  # a skipped item: no total (no proration)
    return sum(value for value in checked if value is not None)


def total_from_sum(instrument: Instrument, answered: int, item_sum: int) -> int | None:
    """The total of `instrument` from how many of its items were answered and their sum, as a
    database can add them up (statistics over thousands of answers): both scales are plain
    sums of their items, so this equals ``ucla3``/``osss3`` of the same (stored, so already
    checked) values. ``None`` if an item was skipped; ``ValueError`` for a sum outside the
    scale's range or an impossible count."""
    if not 0 <= answered <= len(instrument.items):
        raise ValueError(f"{instrument.code}: {answered} answered items is impossible")
    if answered < len(instrument.items):
        return None  # a skipped item: no total (no proration)
    low = sum(item.minimum for item in instrument.items)
    high = sum(item.maximum for item in instrument.items)
    if isinstance(item_sum, bool) or not isinstance(item_sum, int) or not low <= item_sum <= high:
        raise ValueError(f"{instrument.code}: a total is from {low} to {high}, not {item_sum!r}")
    return item_sum


def ucla3(a: int | None, b: int | None, c: int | None) -> int | None:
    """UCLA 3-item loneliness: each item 1–3, total 3–9 (higher is lonelier)."""
    return _total(UCLA3, (a, b, c))


def osss3(a: int | None, b: int | None, c: int | None) -> int | None:
    """Oslo Social Support Scale: item 1 1–4, items 2 and 3 1–5, total 3–14."""
    return _total(OSSS3, (a, b, c))


def osss3_band(total: int | None) -> Band | None:
    """The band of a total: "poor" (3–8), "moderate" (9–11), "strong" (12–14); None for None.

    ``None`` (no total) passes through, so ``osss3_band(osss3(...))`` works for a skipped
    item. Any other value outside 3–14, or not an ``int``, raises ``ValueError``.
    """
    if total is None:
        return None
    if not isinstance(total, bool) and isinstance(total, int):
        for low, high, band in OSSS3_BANDS:
            if low <= total <= high:
                return band
    raise ValueError(f"an OSSS-3 total is an int from 3 to 14, not {total!r}")

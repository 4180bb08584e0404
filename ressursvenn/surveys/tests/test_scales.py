"""Scale scoring over its whole (small) valid domain, hypothesis for bad input, and the items."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path
from typing import Any

import pytest
from django.utils.functional import Promise
from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from ressursvenn.surveys import scales
from ressursvenn.surveys.scales import osss3, osss3_band, ucla3

UCLA3_RANGES = [(1, 3), (1, 3), (1, 3)]
OSSS3_RANGES = [(1, 4), (1, 5), (1, 5)]


def domain(ranges: list[tuple[int, int]]) -> list[tuple[int | None, ...]]:
    """Every combination of valid answers and skips."""
    return list(itertools.product(*[[None, *range(low, high + 1)] for low, high in ranges]))


# --- hand-computed cases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        ((1, 1, 1), 3),
        ((3, 3, 3), 9),
        ((1, 2, 3), 6),
        ((2, 2, 1), 5),
        ((3, 1, 3), 7),
    ],
)
def test_ucla3_hand_cases(answers: tuple[int, int, int], total: int) -> None:
    assert ucla3(*answers) == total


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ((1, 1, 1), 3, "poor"),
        ((2, 3, 3), 8, "poor"),
        ((2, 3, 4), 9, "moderate"),
        ((3, 4, 4), 11, "moderate"),
        ((4, 4, 4), 12, "strong"),
        ((4, 5, 5), 14, "strong"),
        ((1, 5, 5), 11, "moderate"),
    ],
)
def test_osss3_hand_cases(answers: tuple[int, int, int], total: int, band: str) -> None:
    assert (osss3(*answers), osss3_band(osss3(*answers))) == (total, band)


@pytest.mark.parametrize(
    "skipped", [s for k in (1, 2, 3) for s in itertools.combinations(range(3), k)]
)
def test_every_skipped_item_combination_has_no_total(skipped: tuple[int, ...]) -> None:
    ucla = [2 if k not in skipped else None for k in range(3)]
    oslo = [4 if k not in skipped else None for k in range(3)]
    assert (ucla3(*ucla), osss3(*oslo), osss3_band(osss3(*oslo))) == (None, None, None)


# --- the whole valid domain ---------------------------------------------------------------------


def test_ucla3_over_its_whole_domain() -> None:
    combinations = domain(UCLA3_RANGES)
    assert len(combinations) == 4**3
    totals = {answers: ucla3(*answers) for answers in combinations}
    complete = [a for a in combinations if None not in a]
    assert len(complete) == 27
    for answers, total in totals.items():
        assert total == (None if None in answers else sum(a for a in answers if a is not None))
    assert {totals[a] for a in complete} == set(range(3, 10))


def test_osss3_over_its_whole_domain() -> None:
    combinations = domain(OSSS3_RANGES)
    assert len(combinations) == 5 * 6 * 6
    totals = {answers: osss3(*answers) for answers in combinations}
    for answers, total in totals.items():
        assert total == (None if None in answers else sum(a for a in answers if a is not None))
    complete = [a for a in combinations if None not in a]
    assert {totals[a] for a in complete} == set(range(3, 15))


def test_osss3_bands_over_every_total() -> None:
    assert {total: osss3_band(total) for total in range(3, 15)} == {
        3: "poor",
        4: "poor",
        5: "poor",
        6: "poor",
        7: "poor",
        8: "poor",
        9: "moderate",
        10: "moderate",
        11: "moderate",
        12: "strong",
        13: "strong",
        14: "strong",
    }
    assert osss3_band(None) is None


# --- invalid input ------------------------------------------------------------------------------

NOT_INTS = st.one_of(
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=3),
    st.just(b"2"),
    st.just([2]),
)


def invalid(low: int, high: int) -> st.SearchStrategy[Any]:
    outside = st.one_of(st.integers(max_value=low - 1), st.integers(min_value=high + 1))
    return st.one_of(outside, NOT_INTS)


def answers_with_one_invalid(ranges: list[tuple[int, int]]) -> st.SearchStrategy[list[Any]]:
    """Valid answers or skips, with one position replaced by something invalid."""

    @st.composite
    def draw(draw: st.DrawFn) -> list[Any]:
        values: list[Any] = [
            draw(st.one_of(st.none(), st.integers(low, high))) for low, high in ranges
        ]
        position = draw(st.integers(0, len(ranges) - 1))
        values[position] = draw(invalid(*ranges[position]))
        return values

    return draw()


@settings(max_examples=100, deadline=None)
@given(answers_with_one_invalid(UCLA3_RANGES))
def test_ucla3_refuses_invalid_values_even_beside_a_skip(values: list[Any]) -> None:
    with pytest.raises(ValueError, match="ucla3_"):
        ucla3(*values)


@settings(max_examples=100, deadline=None)
@given(answers_with_one_invalid(OSSS3_RANGES))
def test_osss3_refuses_invalid_values_even_beside_a_skip(values: list[Any]) -> None:
    with pytest.raises(ValueError, match="osss3_"):
        osss3(*values)


@settings(max_examples=100, deadline=None)
@given(invalid(3, 14))
def test_osss3_band_refuses_invalid_totals(total: Any) -> None:
    with pytest.raises(ValueError, match="OSSS-3"):
        osss3_band(total)


@pytest.mark.parametrize(
    "call",
    [
        lambda: ucla3(0, 1, 1),
        lambda: ucla3(1, 1, 4),
        lambda: ucla3(True, 1, 1),
        lambda: osss3(5, 1, 1),  # item 1 stops at 4
        lambda: osss3(1, 6, 1),
        lambda: osss3(1, 1, 0),
        lambda: osss3(None, 1, 2.0),
        lambda: osss3_band(2),
        lambda: osss3_band(15),
        lambda: osss3_band(False),
        lambda: osss3_band(9.0),
    ],
)
def test_hand_picked_invalid_values(call: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked above
        call()


# --- the instruments ----------------------------------------------------------------------------


def test_scoring_and_items_agree_on_the_allowed_values() -> None:
    assert [(i.minimum, i.maximum) for i in scales.UCLA3.items] == UCLA3_RANGES
    assert [(i.minimum, i.maximum) for i in scales.OSSS3.items] == OSSS3_RANGES
    assert [(i.minimum, i.maximum) for i in scales.SAFETY.items] == [(1, 5)]
    assert [(i.minimum, i.maximum) for i in scales.LIFE_SATISFACTION.items] == [(0, 10)]
    assert [(i.minimum, i.maximum) for i in scales.VOLUNTEER_EXPERIENCE.items] == [
        (1, 5),
        (1, 5),
        (0, 10),
    ]


def test_instruments_are_registered_with_codes_and_versions() -> None:
    assert sorted(scales.INSTRUMENTS) == [
        ("life_satisfaction", 1),
        ("osss3", 1),
        ("safety", 1),
        ("ucla3", 1),
        ("volunteer_experience", 1),
    ]
    for (code, version), instrument in scales.INSTRUMENTS.items():
        assert (instrument.code, instrument.version) == (code, version)
        assert scales.CURRENT[code].version >= version
    assert [scales.CURRENT[c].respondent for c in scales.PARTICIPANT_QUESTIONNAIRE] == [
        "participant"
    ] * 4
    assert [scales.CURRENT[c].respondent for c in scales.VOLUNTEER_QUESTIONNAIRE] == ["volunteer"]


def test_every_item_has_a_unique_code_consecutive_values_and_translatable_texts() -> None:
    codes = [item.code for i in scales.INSTRUMENTS.values() for item in i.items]
    assert len(codes) == len(set(codes))
    for instrument in scales.INSTRUMENTS.values():
        assert instrument.item(instrument.items[0].code) is instrument.items[0]
        texts = [instrument.title, instrument.introduction]
        for item in instrument.items:
            assert item.code.startswith(instrument.code + "_")
            values = [choice.value for choice in item.choices]
            assert values == list(range(item.minimum, item.maximum + 1))
            texts.append(item.text)
            texts.extend(choice.label for choice in item.choices if choice.label is not None)
            # A short scale labels every answer; a 0–10 scale labels its two ends.
            labelled = [choice.value for choice in item.choices if choice.label is not None]
            assert labelled == (values if len(values) <= 5 else [values[0], values[-1]])
        for text in texts:
            assert isinstance(text, Promise)
            with override("nb"):
                assert str(text).strip() == str(text) != ""


def test_an_unknown_item_code_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        scales.UCLA3.item("osss3_1")


def test_scales_imports_nothing_from_the_project_or_the_orm() -> None:
    tree = ast.parse(Path(scales.__file__).read_text())
    runtime_imports = {
        node.module
        for node in tree.body  # top level only: the TYPE_CHECKING block is not run
        if isinstance(node, ast.ImportFrom)
    } | {alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
    assert runtime_imports == {"__future__", "dataclasses", "typing", "django.utils.translation"}


@pytest.mark.parametrize("instrument", [scales.UCLA3, scales.OSSS3], ids=lambda i: i.code)
def test_the_total_from_a_database_sum_equals_the_scoring_for_every_answer(
    instrument: scales.Instrument,
) -> None:
    score = {"ucla3": ucla3, "osss3": osss3}[instrument.code]
    options = [[None, *(c.value for c in item.choices)] for item in instrument.items]
    for values in itertools.product(*options):
        given = [v for v in values if v is not None]
        assert scales.total_from_sum(instrument, len(given), sum(given)) == score(*values)


def test_the_total_from_a_sum_refuses_what_no_answers_can_add_up_to() -> None:
    with pytest.raises(ValueError, match="from 3 to 9"):
        scales.total_from_sum(scales.UCLA3, 3, 10)  # above 3 x 3
    with pytest.raises(ValueError, match="impossible"):
        scales.total_from_sum(scales.UCLA3, 4, 9)  # the scale has three items
    assert scales.total_from_sum(scales.UCLA3, 2, 9) is None  # one skipped: no total

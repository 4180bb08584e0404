"""Small-cell suppression: hand cases with exact outputs, and properties checked by an LP auditor.

The auditor is written here from the definitions (row sums, column sums, the grand total and
the reader's bounds), independently of the implementation's graph search: for every hidden
value it asks ``scipy.optimize.linprog`` for the largest and smallest value that agrees with
everything shown. Two readers are audited: one who knows only the shown numbers and that a
hidden count is ≥ 1, since zeros are always shown ("numbers"), and one who also reads the
marks, so knows that a "<5" value is in 1..4 and a complementary one is ≥ 5 ("labels", where the
result allows marking small values apart).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from ressursvenn.reports.suppression import Suppressed, suppress

# --- the auditor -----------------------------------------------------------------------------

Key = tuple[str, int, int]  # ("cell", i, j), ("row", i, 0), ("column", j, 0), ("total", 0, 0)


def _truth(table: list[list[int]]) -> dict[Key, int]:
    m = len(table)
    n = len(table[0]) if table else 0
    truth: dict[Key, int] = {}
    for i in range(m):
        for j in range(n):
            truth["cell", i, j] = table[i][j]
        truth["row", i, 0] = sum(table[i])
    for j in range(n):
        truth["column", j, 0] = sum(table[i][j] for i in range(m))
    truth["total", 0, 0] = sum(map(sum, table))
    return truth


def _shown(result: Suppressed) -> dict[Key, int | None]:
    shown: dict[Key, int | None] = {}
    for i, row in enumerate(result.cells):
        for j, value in enumerate(row):
            shown["cell", i, j] = value
    for i, value in enumerate(result.row_totals):
        shown["row", i, 0] = value
    for j, value in enumerate(result.column_totals):
        shown["column", j, 0] = value
    shown["total", 0, 0] = result.total
    return shown


def _equations(m: int, n: int) -> list[dict[Key, int]]:
    """Each equation as coefficients that sum to zero: a line of cells minus its total."""
    equations = []
    for i in range(m):
        equation = {("cell", i, j): 1 for j in range(n)}
        equation["row", i, 0] = -1
        equations.append(equation)
    for j in range(n):
        equation = {("cell", i, j): 1 for i in range(m)}
        equation["column", j, 0] = -1
        equations.append(equation)
    rows: dict[Key, int] = {("row", i, 0): 1 for i in range(m)}
    columns: dict[Key, int] = {("column", j, 0): 1 for j in range(n)}
    equations.append({**rows, ("total", 0, 0): -1})
    equations.append({**columns, ("total", 0, 0): -1})
    return equations


def pinned(table: list[list[int]], result: Suppressed, *, threshold: int, reader: str) -> list[Key]:
    """The hidden values that every table consistent with what the reader knows agrees on."""
    truth = _truth(table)
    shown = _shown(result)
    hidden = sorted(key for key, value in shown.items() if value is None)
    if not hidden:
        return []
    index = {key: k for k, key in enumerate(hidden)}
    m = len(table)
    n = len(table[0]) if table else 0
    a_eq, b_eq = [], []
    for equation in _equations(m, n):
        coefficients = np.zeros(len(hidden))
        constant = 0
        for key, coefficient in equation.items():
            if key in index:
                coefficients[index[key]] += coefficient
            else:
                constant += coefficient * truth[key]
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(-constant)
    bounds: list[tuple[int, int | None]] = []
    for key in hidden:
        value = truth[key]
        if reader == "labels" and 0 < value < threshold:
            bounds.append((1, threshold - 1))
        elif reader == "labels":
            bounds.append((threshold, None))
        elif reader == "numbers":
            bounds.append((1, None))
        else:  # "zero": a reader who does not even use that zeros are shown
            bounds.append((0, None))
    truth_vector = np.array([truth[key] for key in hidden], dtype=float)
    for (low, high), value in zip(bounds, truth_vector, strict=True):
        assert low <= value  # the truth is feasible
        assert high is None or value <= high
    # A cap far above every count keeps each program bounded; it cannot pin anything, since a
    # value that can move at all can move a little.
    cap = 2 * truth_vector.sum() + 10
    capped = [(low, cap if high is None else high) for low, high in bounds]
    matrix = np.array(a_eq)

    def moved(objective: np.ndarray[Any, Any]) -> set[int]:
        """The values that differ from the truth at the optimum of the objective."""
        solution = linprog(objective, A_eq=matrix, b_eq=b_eq, bounds=capped, method="highs")
        assert solution.status == 0, solution.message
        return {k for k in range(len(hidden)) if abs(solution.x[k] - truth_vector[k]) > 1e-6}

    # Two programs over the sum usually settle most values; then one value at a time.
    open_ = set(range(len(hidden)))
    for sign in (-1.0, 1.0):  # maximise, then minimise
        objective = np.zeros(len(hidden))
        objective[sorted(open_)] = sign
        open_ -= moved(objective)
    for k in sorted(open_):
        for sign in (-1.0, 1.0):
            objective = np.zeros(len(hidden))
            objective[k] = sign
            if k in moved(objective):
                open_.discard(k)
                break
    return [hidden[k] for k in sorted(open_)]


def check_contract(table: list[list[int]], threshold: int) -> Suppressed:
    """Every shown value is true, every small value is hidden, no hidden value can be worked out."""
    result = suppress(table, threshold=threshold)
    truth = _truth(table)
    shown = _shown(result)
    m = len(table)
    n = len(table[0]) if table else 0
    assert [len(row) for row in result.cells] == [n] * m
    assert (len(result.row_totals), len(result.column_totals)) == (m, n)
    assert shown.keys() == truth.keys()
    small = {
        ("cell", i, j): flag
        for i, row in enumerate(result.small_cells)
        for j, flag in enumerate(row)
    }
    small |= {("row", i, 0): flag for i, flag in enumerate(result.small_row_totals)}
    small |= {("column", j, 0): flag for j, flag in enumerate(result.small_column_totals)}
    small["total", 0, 0] = result.small_total
    for key, value in shown.items():
        is_small = 0 < truth[key] < threshold
        assert small[key] == is_small, key
        if is_small:
            assert value is None, key
        elif truth[key] == 0:
            assert value == 0, key  # a zero says nobody is there: always shown
        else:
            assert value in (None, truth[key]), key
    assert pinned(table, result, threshold=threshold, reader="numbers") == []
    if result.distinguish_small:
        assert threshold != 2
        assert pinned(table, result, threshold=threshold, reader="labels") == []
    return result


def hidden_count(result: Suppressed) -> int:
    return sum(value is None for value in _shown(result).values())


# --- hand cases ---------------------------------------------------------------------------------


def test_one_small_cell_in_a_3x3_table_hides_a_rectangle_of_four_cells() -> None:
    table = [[2, 10, 7], [8, 12, 9], [6, 11, 15]]
    result = check_contract(table, 5)
    # The rectangle with the smallest other cells: 7, 8 and 9 (not 10, 8, 12).
    assert result.cells == ((None, 10, None), (None, 12, None), (6, 11, 15))
    assert (result.row_totals, result.column_totals, result.total) == (
        (19, 29, 32),
        (16, 33, 31),
        80,
    )
    assert result.small_cells == (
        (True, False, False),
        (False, False, False),
        (False, False, False),
    )
    assert hidden_count(result) == 4
    assert result.distinguish_small is True


def test_fewer_than_four_hidden_cells_would_give_the_small_one_away() -> None:
    table = [[2, 10, 7], [8, 12, 9], [6, 11, 15]]
    result = suppress(table)
    for keep in [(0, 2), (1, 0), (1, 2)]:
        cells = [list(row) for row in result.cells]
        cells[keep[0]][keep[1]] = table[keep[0]][keep[1]]
        fewer = dataclasses.replace(result, cells=tuple(map(tuple, cells)))
        assert ("cell", 0, 0) in pinned(table, fewer, threshold=5, reader="numbers")


def test_a_complement_of_exactly_the_threshold_is_not_lowered_below_it() -> None:
    # 5 may not shrink (a reader knows a complementary value is ≥ 5), so the rectangle through
    # it would pin the 1: the next cheapest one is taken.
    table = [[1, 5, 9], [6, 7, 8], [20, 20, 20]]
    result = check_contract(table, 5)
    assert result.cells == ((None, 5, None), (None, 7, None), (20, 20, 20))


def test_two_ones_in_a_row_need_a_complement_in_that_row() -> None:
    table = [[1, 1, 20], [9, 8, 7], [6, 10, 11]]
    result = check_contract(table, 5)
    # The rectangle of the two ones would leave 1 + 1 = 22 − 20 with both ≥ 1 (zeros are
    # shown, so a hidden count is not 0): both are 1. The 20 is hidden too, and its column.
    assert result.cells == ((None, None, None), (None, None, None), (6, 10, 11))
    assert (result.row_totals, result.column_totals, result.total) == (
        (22, 24, 27),
        (16, 19, 38),
        73,
    )
    assert result.distinguish_small is True
    rectangle = dataclasses.replace(result, cells=((None, None, 20), (None, None, 7), (6, 10, 11)))
    assert pinned(table, rectangle, threshold=5, reader="zero") == []
    assert pinned(table, rectangle, threshold=5, reader="numbers") == [
        ("cell", 0, 0),
        ("cell", 0, 1),
        ("cell", 1, 0),
        ("cell", 1, 1),
    ]


def test_at_threshold_two_small_values_are_never_marked_apart() -> None:
    # "<2" would say "1". The 1 may only grow (a hidden count is ≥ 1), so the 3 shrinks for it.
    table = [[1, 3, 20], [9, 8, 7], [6, 10, 11]]
    result = check_contract(table, 2)
    assert result.cells == ((None, None, 20), (9, 8, 7), (None, None, 11))
    assert result.small_cells == (
        (True, False, False),
        (False, False, False),
        (False, False, False),
    )
    assert result.distinguish_small is False


def test_marks_are_refused_where_they_would_give_values_away() -> None:
    # Four "<5" cells in a row whose total is "<5" are all 1, whatever else is hidden.
    table = [[1, 1, 1, 1], [5, 6, 7, 8]]
    result = check_contract(table, 5)
    assert result.distinguish_small is False
    assert result.cells == ((None, None, None, None), (None, None, None, None))
    assert (result.row_totals, result.column_totals, result.total) == (
        (None, None),
        (6, 7, 8, 9),
        30,
    )
    everything = dataclasses.replace(result, column_totals=(None,) * 4, total=None)
    assert pinned(table, everything, threshold=5, reader="labels") == [
        ("cell", 0, 0),
        ("cell", 0, 1),
        ("cell", 0, 2),
        ("cell", 0, 3),
        ("row", 0, 0),
    ]
    assert pinned(table, everything, threshold=5, reader="numbers") == []


def test_a_small_row_total_is_hidden_with_a_partner_row() -> None:
    table = [[3, 0, 0], [9, 8, 7], [6, 10, 11]]
    result = check_contract(table, 5)
    assert result.cells == ((None, 0, 0), (9, 8, 7), (None, 10, 11))
    assert (result.row_totals, result.column_totals, result.total) == (
        (None, 24, None),
        (18, 18, 18),
        54,
    )
    assert (result.small_row_totals, result.small_cells[0]) == (
        (True, False, False),
        (True, False, False),
    )


def test_one_row() -> None:
    result = check_contract([[2, 7, 9]], 5)
    assert result.cells == ((None, None, 9),)
    assert (result.row_totals, result.column_totals, result.total) == ((18,), (None, None, 9), 18)
    assert result.small_column_totals == (True, False, False)


def test_one_column() -> None:
    result = check_contract([[2], [7], [9]], 5)
    assert result.cells == ((None,), (None,), (9,))
    assert (result.row_totals, result.column_totals, result.total) == ((None, None, 9), (18,), 18)


def test_a_single_small_cell_hides_everything() -> None:
    result = check_contract([[3]], 5)
    assert result == Suppressed(
        cells=((None,),),
        row_totals=(None,),
        column_totals=(None,),
        total=None,
        small_cells=((True,),),
        small_row_totals=(True,),
        small_column_totals=(True,),
        small_total=True,
        distinguish_small=True,
    )


def test_a_table_without_small_counts_is_shown_whole() -> None:
    table = [[5, 0, 12], [0, 0, 0], [7, 30, 6]]
    result = check_contract(table, 5)
    assert result.cells == ((5, 0, 12), (0, 0, 0), (7, 30, 6))
    assert (result.row_totals, result.column_totals, result.total) == (
        (17, 0, 43),
        (12, 30, 18),
        60,
    )


def test_all_zeros_are_shown() -> None:
    result = check_contract([[0, 0], [0, 0]], 5)
    assert result.cells == ((0, 0), (0, 0))
    assert (result.row_totals, result.column_totals, result.total) == ((0, 0), (0, 0), 0)


def test_threshold_one_hides_nothing() -> None:
    result = check_contract([[1, 2], [3, 4]], 1)
    assert result.cells == ((1, 2), (3, 4))
    assert (result.row_totals, result.column_totals, result.total) == ((3, 7), (4, 6), 10)


def test_a_higher_threshold() -> None:
    # 9 is at the top of 1..9, so it can only shrink: its rectangle's corner must be able to.
    result = check_contract([[9, 40, 25], [30, 12, 50], [22, 31, 44]], 10)
    assert result.cells == ((None, None, 25), (None, None, 50), (22, 31, 44))


def test_empty_tables() -> None:
    assert suppress([]) == Suppressed(
        cells=(),
        row_totals=(),
        column_totals=(),
        total=0,
        small_cells=(),
        small_row_totals=(),
        small_column_totals=(),
        small_total=False,
        distinguish_small=True,
    )
    result = suppress([[], []])
    assert (result.cells, result.row_totals, result.column_totals, result.total) == (
        ((), ()),
        (0, 0),
        (),
        0,
    )


def test_tuples_are_accepted_and_the_result_is_frozen() -> None:
    result = suppress(((2, 10, 7), (8, 12, 9), (6, 11, 15)))
    assert result == suppress([[2, 10, 7], [8, 12, 9], [6, 11, 15]])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "table",
    [
        [[1, 2], [3]],
        [[1], [2, 3]],
        [[1, -1]],
        [[1, 2.0]],
        [[1, True]],
        [[1, "2"]],
        [[None]],
        [1, 2],
        "12",
        [["12"]],
        ["12"],
        None,
    ],
)
def test_bad_tables_are_refused(table: Any) -> None:
    with pytest.raises(ValueError, match=r"table|row|count"):
        suppress(table)


@pytest.mark.parametrize("threshold", [0, -1, True, 2.5, "5", None])
def test_bad_thresholds_are_refused(threshold: Any) -> None:
    with pytest.raises(ValueError, match="threshold"):
        suppress([[1]], threshold=threshold)


# --- properties --------------------------------------------------------------------------------

# Mostly small counts, so that most tables have something to hide and something to hide it with.
COUNTS = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 5, 6, 7, 9, 12, 20, 30])
THRESHOLDS = st.sampled_from([5, 5, 5, 5, 3, 2, 1, 10])


@st.composite
def tables(draw: st.DrawFn, max_side: int = 5) -> list[list[int]]:
    m = draw(st.integers(0, max_side))
    n = draw(st.integers(1, max_side))
    return [[draw(COUNTS) for _ in range(n)] for _ in range(m)]


@settings(max_examples=60, deadline=None)
@given(tables(), THRESHOLDS)
def test_no_small_count_is_shown_and_no_hidden_value_can_be_worked_out(
    table: list[list[int]], threshold: int
) -> None:
    check_contract(table, threshold)


@settings(max_examples=25, deadline=None)
@given(tables(max_side=4), THRESHOLDS)
def test_no_complementary_value_could_have_been_shown(
    table: list[list[int]], threshold: int
) -> None:
    result = suppress(table, threshold=threshold)
    reader = "labels" if threshold >= 3 else "numbers"
    truth = _truth(table)
    shown = _shown(result)
    complements = [k for k, v in shown.items() if v is None and not 0 < truth[k] < threshold]
    for key in complements:
        revealed = _reveal(result, key, truth[key])
        assert pinned(table, revealed, threshold=threshold, reader=reader) != [], key


def _reveal(result: Suppressed, key: Key, value: int) -> Suppressed:
    kind, a, b = key
    if kind == "cell":
        cells = [list(row) for row in result.cells]
        cells[a][b] = value
        return dataclasses.replace(result, cells=tuple(map(tuple, cells)))
    if kind == "row":
        rows = list(result.row_totals)
        rows[a] = value
        return dataclasses.replace(result, row_totals=tuple(rows))
    if kind == "column":
        columns = list(result.column_totals)
        columns[a] = value
        return dataclasses.replace(result, column_totals=tuple(columns))
    return dataclasses.replace(result, total=value)

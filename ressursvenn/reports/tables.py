"""The shape every programme report takes on its way to a page, a chart, an export or the
funder report: a ``Table`` of counts (suppressed once, here) and a ``Figure`` for a single
number (an average or a median, not shown over fewer than ``MIN_PEOPLE`` people).

The dashboard (``reports/dashboard.py``) builds them; the page, the SVG charts, the CSV/XLSX
exports and the funder report only render them, so no renderer can forget the suppression.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from ressursvenn.reports.suppression import Suppressed, suppress

MIN_PEOPLE = 5
"""Below the national level: counts 1..MIN_PEOPLE−1 are hidden, and an average or a median
over fewer than MIN_PEOPLE people is not shown."""

SMALL_MARK = "<5"
HIDDEN_MARK = "x"
"""A value hidden to protect a small one, and every hidden value of a table where marking the
small ones "<5" would itself give values away (``Suppressed.distinguish_small`` false)."""


@dataclass(frozen=True)
class Table:
    """Counts by row and column. ``shown`` is what every renderer must use."""

    key: str
    title: str
    row_header: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    shown: Suppressed
    definition: str = ""  # the code of the figure in reports/definitions.py

    def cell_text(self, i: int, j: int) -> str:
        return _text(self.shown.cells[i][j], self.shown.small_cells[i][j], self.shown)

    def row_total_text(self, i: int) -> str:
        return _text(self.shown.row_totals[i], self.shown.small_row_totals[i], self.shown)

    def column_total_text(self, j: int) -> str:
        return _text(self.shown.column_totals[j], self.shown.small_column_totals[j], self.shown)

    def total_text(self) -> str:
        return _text(self.shown.total, self.shown.small_total, self.shown)


@dataclass(frozen=True)
class Figure:
    """One number (a count, an average, a median, a share); ``value`` None: not shown (no
    data, or fewer than MIN_PEOPLE people below the national level). ``n``: how many people
    or matches it is computed over (None where n itself would expose a small group)."""

    key: str
    label: str
    value: float | int | None
    n: int | None
    unit: str = ""
    definition: str = ""
    mark: str = ""  # with value None: "<5" (a count from 1 to 4) or "x" (hidden to protect one)


def make_table(
    key: str,
    title: str,
    row_header: str,
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    national: bool,
    definition: str = "",
) -> Table:
    """Suppress `counts` (unless `national`: the whole country is shown exactly) and wrap it."""
    threshold = 1 if national else MIN_PEOPLE  # threshold 1 hides nothing
    return Table(
        key=key,
        title=title,
        row_header=row_header,
        rows=tuple(rows),
        columns=tuple(columns),
        shown=suppress(counts, threshold=threshold),
        definition=definition,
    )


def _text(value: int | None, small: bool, shown: Suppressed) -> str:
    if value is not None:
        return str(value)
    if small and shown.distinguish_small:
        return SMALL_MARK
    return HIDDEN_MARK  # protects a small value, or "<5" itself would give values away


@dataclass(frozen=True)
class Target:
    """A figure's target in the chosen period and scope, beside its actual value."""

    metric: str
    label: str
    target: int
    actual: int | None  # None: hidden (suppressed below the national level)


@dataclass(frozen=True)
class Section:
    """One heading of a report: its single figures and its tables (each table may be drawn
    as a chart by ``reports/charts.py``; the table is always shown beside it)."""

    key: str
    title: str
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything the dashboard, the exports and the funder report show for one period and
    one scope (the whole country, a county, or one or more branches)."""

    starts_on: datetime.date
    ends_on: datetime.date
    scope_label: str
    national: bool
    targets: tuple[Target, ...]
    sections: tuple[Section, ...]
    period_name: str = ""  # a ReportingPeriod's name, when one was chosen

"""Server-drawn SVG charts of the report's tables (no script: the CSP stays strict).

Each chart is inline ``<svg role="img" aria-label="…">`` drawn only from what a ``Table``
shows (``Table.shown``): a hidden count is drawn as no bar and labelled with its mark ("<5"
or "x"), exactly as the table beside it says. The table is always shown with the chart and is
the truth; the chart is a picture of it.

No ``viewBox``: positions across are percentages of the chart's width and sizes down are CSS
pixels, so the chart fills any width (360 px phone or desktop) with text at its real size
and nothing scrolls sideways. Colours are SVG presentation attributes (``fill``), which the
CSP allows (no ``style`` attributes).

- ``bars(table)``: one horizontal bar per row (per row and column where the table has
  several columns, with a legend), the label and the number above each bar;
- ``over_time(table)``: vertical bars, one per row (the months of the period);
- ``targets(report)``: each target beside its actual value.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ressursvenn.reports.tables import Table, Target

TEXT = "#1e2b3c"
SUBTLE = "#4b5563"
SERIES = ("#0062ba", "#8a4b00", "#2f6f3e", "#7a3e9d")  # ≥ 4.5:1 on white
TARGET = "#9aa3ad"
TRACK = "#e8edf2"
FONT = 14
BAR = 16
ROW = 44  # label line + bar + gap
LABEL_OFFSET = 16
TIME_HEIGHT = 160
TIME_LABELS = 6  # at most this many month labels under the bars (they fit at 360 px)


def _svg(height: int, label: str, body: Sequence[str]) -> SafeString:
    parts = [
        f'<svg class="report-chart" xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'height="{height}" role="img" aria-label="{escape(label)}" focusable="false">',
        *body,
        "</svg>",
    ]
    return mark_safe("\n".join(parts))  # noqa: S308 - every text above is escaped


def _text(x: str, y: float, text: str, *, anchor: str = "start", fill: str = TEXT) -> str:
    return (
        f'<text x="{x}" y="{y:g}" font-size="{FONT}" fill="{fill}" text-anchor="{anchor}" '
        f'font-family="inherit">{escape(text)}</text>'
    )


def _percent(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.2f}%"


def _value_and_text(table: Table, i: int, j: int) -> tuple[int | None, str]:
    return table.shown.cells[i][j], table.cell_text(i, j)


def bars(table: Table) -> SafeString:
    """Horizontal bars of every row (and column) of ``table``."""
    columns = len(table.columns)
    values = [v for row in table.shown.cells for v in row if v is not None]
    largest = max(values, default=0) or 1
    body: list[str] = []
    y = 0
    if columns > 1:
        for j, column in enumerate(table.columns):
            x = f"{j * 100 / columns:.2f}%"
            body.append(
                f'<rect x="{x}" y="{y + 3}" width="{BAR - 4}" height="{BAR - 4}" '
                f'fill="{SERIES[j % len(SERIES)]}"/>'
            )
            body.append(
                f'<text x="{x}" dx="{BAR + 2}" y="{y + LABEL_OFFSET - 2}" font-size="{FONT}" '
                f'fill="{TEXT}">{escape(column)}</text>'
            )
        y += ROW // 2 + 6
    for i, row in enumerate(table.rows):
        body.append(_text("0", y + LABEL_OFFSET, row))
        if columns == 1:
            body.append(_text("100%", y + LABEL_OFFSET, table.cell_text(i, 0), anchor="end"))
        y += LABEL_OFFSET + 6
        for j in range(columns):
            value, text = _value_and_text(table, i, j)
            colour = SERIES[j % len(SERIES)]
            body.append(f'<rect x="0" y="{y}" width="100%" height="{BAR}" fill="{TRACK}"/>')
            if value:
                width = _percent(85 * value / largest if columns > 1 else 100 * value / largest)
                body.append(f'<rect x="0" y="{y}" width="{width}" height="{BAR}" fill="{colour}"/>')
            if columns > 1:
                body.append(_text("100%", y + BAR - 3, text, anchor="end", fill=TEXT))
            y += BAR + 4
        y += 10
    label = _("Stolpediagram: %(title)s. Tallene står i tabellen under.") % {"title": table.title}
    return _svg(max(y, 1), label, body)


def over_time(table: Table) -> SafeString:
    """Vertical bars, one per row of ``table`` (its first column), labels under them."""
    count = len(table.rows)
    values = [row[0] for row in table.shown.cells if row and row[0] is not None]
    largest = max(values, default=0) or 1
    top = 20
    base = top + TIME_HEIGHT
    every = max(1, -(-count // TIME_LABELS))
    body = [f'<line x1="0" y1="{base}" x2="100%" y2="{base}" stroke="{SUBTLE}"/>']
    shown_year = ""
    for i, month in enumerate(table.rows):
        slot = 100 / max(count, 1)
        x = i * slot
        value, text = _value_and_text(table, i, 0)
        height = TIME_HEIGHT * (value or 0) / largest
        if value:
            body.append(
                f'<rect x="{_percent(x + slot * 0.15)}" y="{base - height:.1f}" '
                f'width="{_percent(slot * 0.7)}" height="{height:.1f}" fill="{SERIES[0]}"/>'
            )
        if count <= 24 or value is None:
            body.append(_text(_percent(x + slot / 2), base - height - 4, text, anchor="middle"))
        if i % every == 0:
            # "jan. 2025": the month under its bar, the year under that when it changes.
            name, _space, year = month.rpartition(" ")
            body.append(
                _text(
                    _percent(x + slot / 2), base + 18, name or month, anchor="middle", fill=SUBTLE
                )
            )
            if year and year != shown_year:
                shown_year = year
                body.append(
                    _text(_percent(x + slot / 2), base + 36, year, anchor="middle", fill=SUBTLE)
                )
    label = _("Stolpediagram over tid: %(title)s. Tallene står i tabellen under.") % {
        "title": table.title
    }
    return _svg(base + 44, label, body)


def targets(rows: Sequence[Target]) -> SafeString:
    """Each target (grey) with its actual value (blue) under it, on one scale per target."""
    body: list[str] = []
    y = 0
    for target in rows:
        largest = max(target.target, target.actual or 0) or 1
        body.append(_text("0", y + LABEL_OFFSET, target.label))
        y += LABEL_OFFSET + 6
        for value, text, colour in (
            (target.target, _("Mål: %(n)s") % {"n": target.target}, TARGET),
            (target.actual, _("Nå: %(n)s") % {"n": _actual_text(target)}, SERIES[0]),
        ):
            body.append(f'<rect x="0" y="{y}" width="100%" height="{BAR}" fill="{TRACK}"/>')
            if value:
                body.append(
                    f'<rect x="0" y="{y}" width="{_percent(75 * value / largest)}" '
                    f'height="{BAR}" fill="{colour}"/>'
                )
            body.append(_text("100%", y + BAR - 3, text, anchor="end"))
            y += BAR + 4
        y += 10
    label = _("Stolpediagram: mål og resultat. Tallene står i tabellen under.")
    return _svg(max(y, 1), label, body)


def _actual_text(target: Target) -> str:
    return _("vises ikke") if target.actual is None else str(target.actual)


TIME_TABLES = {"matches_started_by_month"}
NO_CHART = ("areas_",)


def chart(table: Table) -> SafeString:
    """The chart that fits ``table`` (empty for a table drawn as a table only)."""
    if table.key.startswith(NO_CHART) or not table.rows:
        return mark_safe("")
    if table.key in TIME_TABLES:
        return over_time(table)
    return bars(table)

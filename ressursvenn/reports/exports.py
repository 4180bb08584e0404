"""A programme report as a spreadsheet: CSV and XLSX, with the same content.

Both files are made from one list of blocks (``blocks(report)``): a header (period, scope, the
day the file was made and what the marks mean), the targets against actuals, then one block
per section with its single figures and its tables. The XLSX has one sheet per block; the CSV
has the blocks one after another, a blank line between them. Counts come only from the
``Table``'s texts (``cell_text`` …), which are already suppressed: this module never sees a
raw count, so an export cannot show more than the page.

Choices:

- **CSV for a Norwegian Excel**: UTF-8 with a byte-order mark (without it, Excel reads the file
  as Windows-1252 and breaks æ, ø and å), ``;`` between the fields (the list separator of
  Excel with Norwegian settings, where the decimal separator is the comma), a decimal comma in
  averages, ``\\r\\n`` line ends.
- **No formulas**: every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading ``'`` (branch and period names come from users; a name such as
  ``=HYPERLINK(...)`` would otherwise run as a formula in Excel or LibreOffice). Numbers this
  module computes (a count, or an average that may be negative) stay numbers: a number is not a
  formula. In the XLSX every text cell is also stored as a string, never as a formula.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ressursvenn.reports.tables import HIDDEN_MARK, SMALL_MARK, Figure, Report, Table

Value = str | int | float | None  # None: an empty cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DECIMALS = 1  # averages and shares
NOT_SHOWN = "–"  # a Figure without a value: no data, or too few people
CSV_DELIMITER = ";"
MAX_COLUMN_WIDTH = 60
MAX_SHEET_TITLE = 31  # Excel's limit
SHEET_TITLE_REFUSED = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

TITLE = "title"
HEADER = "header"
DATA = "data"
TOTAL = "total"


@dataclass(frozen=True)
class Row:
    """One line of an export; ``kind`` says how the XLSX draws it (title, header, total bold)."""

    cells: tuple[Value, ...]
    kind: str = DATA


@dataclass(frozen=True)
class Block:
    """A part of the export: a sheet of the XLSX, a paragraph of the CSV."""

    title: str
    rows: tuple[Row, ...]


def neutralise(value: Value) -> Value:
    """A text that a spreadsheet would run as a formula, made plain text with a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def period_text(report: Report) -> str:
    span = f"{report.starts_on:%d.%m.%Y}–{report.ends_on:%d.%m.%Y}"
    return f"{report.period_name} ({span})" if report.period_name else span


def suppression_note(report: Report) -> str:
    if report.national:
        return _("Tallene for hele landet vises uten skjuling.")
    return _(
        "«%(small)s» betyr 1–4. «%(hidden)s» er skjult for å beskytte små tall. "
        "«%(none)s» betyr at tallet ikke vises: for få personer (under 5) eller ingen data."
    ) % {"small": SMALL_MARK, "hidden": HIDDEN_MARK, "none": NOT_SHOWN}


def file_name(report: Report, extension: str, *, stem: str = "ressursvenn-tall") -> str:
    """A neutral name (no branch, no period name): the year, or the first and the last day."""
    first, last = report.starts_on, report.ends_on
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        span = str(first.year)
    else:
        span = f"{first:%Y-%m-%d}-{last:%Y-%m-%d}"
    return f"{stem}-{span}.{extension}"


def has_data(report: Report) -> bool:
    """Whether the report shows anything but zeros (a hidden value is something)."""
    for section in report.sections:
        if any(table.shown.total != 0 for table in section.tables):
            return True
        if any(figure.value not in (None, 0) for figure in section.figures):
            return True
    return any(target.actual != 0 for target in report.targets)


def _count(text: str) -> Value:
    """A table's text as a number where it is one ("12" → 12; "<5" and "x" stay text)."""
    return int(text) if text.isdigit() else text


def _figure_value(figure: Figure) -> Value:
    if figure.value is None:
        return NOT_SHOWN
    if isinstance(figure.value, float):
        return round(figure.value, DECIMALS)
    return figure.value


def _table_rows(table: Table) -> list[Row]:
    """The table as on the page: a total column only where there are several columns, and
    a total row (when the table has rows)."""
    columns = range(len(table.columns))
    several = len(table.columns) > 1

    def line(label: str, cells: list[Value], total: str, kind: str = DATA) -> Row:
        return Row((label, *cells, *([_count(total)] if several else [])), kind)

    rows = [
        Row((table.title,), TITLE),
        Row((table.row_header, *table.columns, *([_("I alt")] if several else [])), HEADER),
    ]
    for i, label in enumerate(table.rows):
        rows.append(
            line(label, [_count(table.cell_text(i, j)) for j in columns], table.row_total_text(i))
        )
    if table.rows:
        totals: list[Value] = [_count(table.column_total_text(j)) for j in columns]
        rows.append(line(_("I alt"), totals, table.total_text(), TOTAL))
    else:
        rows.append(Row((_("Ingen tall for perioden."),)))
    return rows


def blocks(report: Report, *, made_on: datetime.date) -> list[Block]:
    """The export's content, block by block (see the module docstring)."""
    result = [
        Block(
            _("Om uttrekket"),
            (
                Row((_("Ressursvenn – tall for programmet"),), TITLE),
                Row((_("Periode"), period_text(report))),
                Row((_("Omfang"), report.scope_label)),
                Row((_("Laget"), f"{made_on:%d.%m.%Y}")),
                Row((_("Små tall"), suppression_note(report))),
            ),
        )
    ]
    if report.targets:
        targets = [Row((_("Mål for"), _("Mål"), _("Resultat")), HEADER)]
        for target in report.targets:
            actual: Value = HIDDEN_MARK if target.actual is None else target.actual
            targets.append(Row((target.label, target.target, actual)))
        result.append(Block(_("Mål og resultat"), (Row((_("Mål og resultat"),), TITLE), *targets)))
    for section in report.sections:
        rows: list[Row] = [Row((section.title,), TITLE)]
        if section.figures:
            rows.append(Row((_("Tall"), _("Verdi"), _("Enhet"), _("Antall (n)")), HEADER))
            for figure in section.figures:
                unit = figure.unit or None
                rows.append(Row((figure.label, _figure_value(figure), unit, figure.n)))
        for table in section.tables:
            if len(rows) > 1:
                rows.append(Row(()))
            rows.extend(_table_rows(table))
        result.append(Block(section.title, tuple(rows)))
    return result


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{DECIMALS}f}".replace(".", ",")
    return str(neutralise(value))


def csv_lines(content: Sequence[Block]) -> list[list[str]]:
    """The CSV's rows: the blocks one after another, a blank line between them."""
    lines: list[list[str]] = []
    for index, block in enumerate(content):
        if index:
            lines.append([])
        lines.extend([_csv_value(value) for value in row.cells] for row in block.rows)
    return lines


def to_csv(report: Report, *, made_on: datetime.date) -> bytes:
    """The report as CSV for a Norwegian Excel (UTF-8 with BOM, ``;``, decimal comma)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerows(csv_lines(blocks(report, made_on=made_on)))
    return out.getvalue().encode("utf-8-sig")


def sheet_titles(content: Iterable[Block]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, each once."""
    titles: list[str] = []
    for block in content:
        base = " ".join(block.title.translate(SHEET_TITLE_REFUSED).split()).strip("'")
        base = (base or _("Ark"))[:MAX_SHEET_TITLE]
        title, number = base, 2
        while title.casefold() in {seen.casefold() for seen in titles}:
            suffix = f" ({number})"
            title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
            number += 1
        titles.append(title)
    return titles


def to_xlsx(report: Report, *, made_on: datetime.date) -> bytes:
    """The report as an Excel workbook: one sheet per block, headings bold, columns sized."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    content = blocks(report, made_on=made_on)
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold, title_font = Font(bold=True), Font(bold=True, size=13)
    for block, title in zip(content, sheet_titles(content), strict=True):
        sheet = workbook.create_sheet(title=title)
        widths: dict[int, int] = {}
        for row in block.rows:
            sheet.append([neutralise(value) for value in row.cells])
            for column, value in enumerate(row.cells, start=1):
                cell = sheet.cell(row=sheet.max_row, column=column)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula
                if row.kind == TITLE:
                    cell.font = title_font
                    continue  # a title may run over the columns beside it
                if row.kind in (HEADER, TOTAL):
                    cell.font = bold
                if cell.value is not None:
                    widths[column] = max(widths.get(column, 0), len(str(cell.value)))
        for column, width in widths.items():
            letter = sheet.cell(row=1, column=column).column_letter
            sheet.column_dimensions[letter].width = min(MAX_COLUMN_WIDTH, max(10, width + 2))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

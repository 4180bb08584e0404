"""Template helpers of the report pages (the dashboard, and the funder report that reuses the
``reports/report_*.html`` includes): the SVG chart of a table, the texts of a table's cells,
and a single figure's number."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString

from ressursvenn.reports import charts
from ressursvenn.reports.tables import Figure, Table

register = template.Library()


@register.simple_tag
def report_chart(table: Table) -> SafeString:
    return charts.chart(table)


@register.simple_tag
def target_chart(targets: Any) -> SafeString:
    return charts.targets(list(targets))


@register.filter
def table_rows(table: Table) -> list[dict[str, Any]]:
    """Each row's label, its cells' texts and (with several columns) its total's text."""
    return [
        {
            "label": label,
            "cells": [(column, table.cell_text(i, j)) for j, column in enumerate(table.columns)],
            "total": table.row_total_text(i),
        }
        for i, label in enumerate(table.rows)
    ]


@register.filter
def column_totals(table: Table) -> list[tuple[str, str]]:
    return [(column, table.column_total_text(j)) for j, column in enumerate(table.columns)]


@register.filter
def figure_text(figure: Figure) -> str:
    """The number of a figure as the page shows it: its mark ("<5", "x") or "–" when it is
    not shown."""
    value = figure.value
    if value is None:
        return getattr(figure, "mark", "") or "–"
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)

"""The access-log review for the national coordinator (`reports.view_audit`): unusual views of
people's records in a period (`reports/access_review.py`), and the period's log as CSV or XLSX.

The period is a GET form (from and to, both included; default the last 30 days). Bad input (a
date that is not one, the end before the start, a date outside 2000–2100) shows the form with
the message (400) and computes nothing. Looking at the review is not a view of anyone's record:
it writes no access event. Every export is written to the audit trail (`ACCESS_LOG_EXPORT`,
the format and the period, no value), and its cells are neutralised like the figures' exports
(`reports/exports.py`: a name starting with "=" stays text). Everyone else is refused (403)
before anything is read, whatever the method.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django import forms
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_event
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.forms import date_field
from ressursvenn.reports import access_review
from ressursvenn.reports.exports import CSV_DELIMITER, MAX_COLUMN_WIDTH, neutralise
from ressursvenn.reports.forms import EARLIEST, LATEST
from ressursvenn.reports.views_exports import XLSX

PERM = "reports.view_audit"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")


class PeriodForm(forms.Form):
    """The period of the review and the export: both dates optional (default the last 30
    days; one date alone: 30 days from or up to it)."""

    date_from = date_field(gettext_lazy("Fra og med"), required=False)
    date_to = date_field(gettext_lazy("Til og med"), required=False)

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        default = access_review.Period.last_days(today=self.today)
        self.fields["date_from"].initial = default.starts_on
        self.fields["date_to"].initial = default.ends_on

    def _in_range(self, name: str) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                gettext_lazy("Velg en dato mellom %(first)s og %(last)s."),
                params={"first": f"{EARLIEST:%d.%m.%Y}", "last": f"{LATEST:%d.%m.%Y}"},
            )
        return day

    def clean_date_from(self) -> datetime.date | None:
        return self._in_range("date_from")

    def clean_date_to(self) -> datetime.date | None:
        return self._in_range("date_to")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("date_from"), cleaned.get("date_to")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("date_to", gettext_lazy("Til-datoen kan ikke være før fra-datoen."))
        return cleaned

    def period(self) -> access_review.Period:
        """The period of a valid (or unbound) form."""
        if not self.is_bound:
            return access_review.Period.last_days(today=self.today)
        starts_on, ends_on = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        span = datetime.timedelta(days=access_review.DEFAULT_DAYS - 1)
        if starts_on is None and ends_on is None:
            return access_review.Period.last_days(today=self.today)
        if starts_on is None:
            assert ends_on is not None
            return access_review.Period(ends_on - span, ends_on)
        if ends_on is None:
            return access_review.Period(starts_on, starts_on + span)
        return access_review.Period(starts_on, ends_on)


def _form(request: HttpRequest) -> PeriodForm:
    bound = any(name in request.GET for name in ("date_from", "date_to"))
    return PeriodForm(request.GET if bound else None)


def _context(form: PeriodForm) -> dict[str, Any]:
    return {
        "form": form,
        "result": None,
        "many_records": access_review.MANY_RECORDS,
        "top": access_review.TOP,
        "night_text": access_review.NIGHT_TEXT,
    }


def _refused(request: HttpRequest, form: PeriodForm) -> HttpResponse:
    """The page with the form's errors and nothing computed."""
    return render(request, "reports/access_review.html", _context(form), status=400)


def access_review_page(request: HttpRequest) -> HttpResponse:
    require(request, PERM)
    return _review(request)


@require_safe
def _review(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return _refused(request, form)
    context = _context(form)
    period = form.period()
    result = access_review.review(period)
    context.update(
        result=result,
        chart=access_review.hour_chart(result.hours),
        query=f"date_from={period.starts_on.isoformat()}&date_to={period.ends_on.isoformat()}",
    )
    return render(request, "reports/access_review.html", context)


# --- the export ---------------------------------------------------------------------------------


def _header() -> list[str]:
    return [
        _("Tidspunkt"),
        _("Bruker"),
        _("Rolle"),
        _("Organisasjon"),
        _("Type oppføring"),
        _("Oppføringens nummer"),
    ]


def _cells(row: access_review.LogRow) -> list[str]:
    return [
        row.at_text,
        row.user,
        row.role,
        row.organisation,
        row.record_type,
        row.record_id,
    ]


def to_csv(period: access_review.Period) -> bytes:
    """UTF-8 with BOM, ";" between the fields, every cell text and neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(_header())
    for row in access_review.rows_for_export(period):
        writer.writerow([neutralise(cell) for cell in _cells(row)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(period: access_review.Period) -> bytes:
    """One sheet, the header bold and frozen, every cell stored as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Tilgangslogg"))
    header = _header()
    widths = [len(name) for name in header]
    sheet.freeze_panes = "A2"
    rows = [_cells(row) for row in access_review.rows_for_export(period)]
    for row_cells in rows:
        for column, value in enumerate(row_cells):
            widths[column] = max(widths[column], len(value))
    for column, width in enumerate(widths):
        letter = chr(ord("A") + column)
        sheet.column_dimensions[letter].width = min(MAX_COLUMN_WIDTH, max(10, width + 2))
    bold = Font(bold=True)
    titles = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for row_cells in rows:
        cells = []
        for value in row_cells:
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


RENDERERS = {"csv": (CSV_TYPE, to_csv), "xlsx": (XLSX, to_xlsx)}


def file_name(period: access_review.Period, extension: str) -> str:
    return f"tilgangslogg-{period.starts_on:%Y-%m-%d}-{period.ends_on:%Y-%m-%d}.{extension}"


@transaction.atomic
def _record_export(user: Any, period: access_review.Period, fmt: str) -> None:
    record_event(
        by=user,
        action=AuditAction.ACCESS_LOG_EXPORT,
        about="reports.access_log",
        about_id=fmt,
        changes={
            "format": fmt,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
    )


def access_log_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request, PERM)
    return _export(request, fmt)


@require_safe
def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in RENDERERS:
        raise Http404
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return _refused(request, form)
    period = form.period()
    content_type, render_file = RENDERERS[fmt]
    data = render_file(period)
    _record_export(request.user, period, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(period, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response

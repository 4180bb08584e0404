"""The programme's figures to take away: the CSV and XLSX exports and the funder report (a
printable page, and the same as PDF).

Each takes the dashboard's GET parameters (``ReportForm``: a reporting period or dates, and
an area) and the report ``dashboard.build`` makes of them, so a file never shows more than the
page: the national coordinator any area, a group leader her own branches. An area she may not
see is refused (403) with the form and a message, and nothing is computed; other bad input
(an end before the start, a date that is not one, a period that does not exist) is 400 with
the message; a period with nothing in it gives a message instead of an empty file. Every file
(CSV, XLSX, PDF) is written to the audit trail: who, the format, the period and the area,
never a value. Files are ``attachment``s with a neutral name and ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_event
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.reports import dashboard, exports, funder
from ressursvenn.reports.forms import ReportForm
from ressursvenn.reports.tables import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS: dict[str, tuple[str, Callable[..., bytes]]] = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": (XLSX, exports.to_xlsx),
}
PDF = "application/pdf"


def _report(request: HttpRequest) -> tuple[ReportForm, Report | None, int]:
    """The form, and the report it asks for (None with the status to answer)."""
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None, 403 if form.refused else 400
    return form, dashboard.build(request.user, **form.report_arguments()), 200


def _problem(
    request: HttpRequest, form: ReportForm, status: int, *, what: str, empty: bool = False
) -> HttpResponse:
    """The small page instead of a file: the reason, and the way back to the figures."""
    return render(
        request,
        "reports/export_problem.html",
        {"form": form, "what": what, "empty": empty, "query": request.GET.urlencode()},
        status=status,
    )


def _record(request: HttpRequest, form: ReportForm, report: Report, fmt: str) -> None:
    """The audit event of one file: who, which format, which period and area; no values."""
    scope = form.scope
    branch_ids = sorted(scope.branch_ids) if scope and scope.branch_ids is not None else None
    record_event(
        by=request.user,
        action=AuditAction.REPORT_EXPORT,
        about="reports.export",
        about_id=fmt,
        changes={
            "format": fmt,
            "starts_on": report.starts_on.isoformat(),
            "ends_on": report.ends_on.isoformat(),
            "period": report.period_name,
            "area": report.scope_label,
            "branches": "all" if branch_ids is None else branch_ids,
        },
    )


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    # Permission first, so that everyone else is refused (403) whatever the method.
    require(request, "reports.view_dashboard")
    return _export(request, fmt)


@require_safe
def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form, report, status = _report(request)
    what = _("regnearket")
    if report is None:
        return _problem(request, form, status, what=what)
    if not exports.has_data(report):
        return _problem(request, form, 200, what=what, empty=True)
    content_type, render_file = FORMATS[fmt]
    data = render_file(report, made_on=timezone.localdate())
    _record(request, form, report, fmt)
    return _attachment(data, content_type, exports.file_name(report, fmt))


def funder_report(request: HttpRequest) -> HttpResponse:
    require(request, "reports.view_dashboard")
    return _funder_report(request)


def _funder_context(form: ReportForm, report: Report) -> dict[str, Any]:
    period = form.cleaned_data.get("period") or dashboard.matching_period(
        report.starts_on, report.ends_on
    )
    funder_name = period.funder if period is not None else ""
    return funder.context(report, made_on=timezone.localdate(), funder=funder_name)


@require_safe
def _funder_report(request: HttpRequest) -> HttpResponse:
    form, report, status = _report(request)
    context: dict[str, Any] = {"form": form, "report": report, "query": request.GET.urlencode()}
    if report is not None:
        context.update(_funder_context(form, report), empty=not exports.has_data(report))
    return render(request, "reports/funder_report.html", context, status=status)


def funder_report_pdf(request: HttpRequest) -> HttpResponse:
    require(request, "reports.view_dashboard")
    return _funder_report_pdf(request)


@require_safe
def _funder_report_pdf(request: HttpRequest) -> HttpResponse:
    form, report, status = _report(request)
    what = _("PDF-en")
    if report is None:
        return _problem(request, form, status, what=what)
    if not exports.has_data(report):
        return _problem(request, form, 200, what=what, empty=True)
    html = render_to_string(
        "reports/export_funder_pdf.html", _funder_context(form, report), request=request
    )
    data = funder.pdf(html)
    _record(request, form, report, "pdf")
    name = exports.file_name(report, "pdf", stem="ressursvenn-rapport")
    return _attachment(data, PDF, name)

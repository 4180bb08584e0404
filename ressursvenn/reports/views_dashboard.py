"""The programme dashboard ("Tall og mål") and the page that explains its figures ("Om
tallene").

The dashboard is a GET form (period and scope, ``ReportForm``) and the report it asks for
(``dashboard.build``): the national coordinator for the whole country, a county or a branch;
a group leader for her own branches. A scope she may not see is answered 403 with the form
and a message, and nothing is computed; other bad input (dates, a period that does not
exist) 400 with the message next to the field. Looking at the figures writes no access
event: nothing on the page is a person's record.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ressursvenn.lib.access import require
from ressursvenn.reports import dashboard, definitions
from ressursvenn.reports.forms import ReportForm
from ressursvenn.reports.tables import MIN_PEOPLE


def _data(request: HttpRequest) -> Any:
    """The GET parameters; with none, this calendar year and the user's default scope (so
    the form shows what the page shows)."""
    if request.GET:
        return request.GET
    year = timezone.localdate().year
    return {
        "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
        "area": dashboard.default_area(request.user),
    }


def dashboard_page(request: HttpRequest) -> HttpResponse:
    # Permission first, so that everyone else is refused (403) whatever the method.
    require(request, "reports.view_dashboard")
    return _dashboard_page(request)


@require_safe
def _dashboard_page(request: HttpRequest) -> HttpResponse:
    data = _data(request)
    form = ReportForm(data, user=request.user)
    context: dict[str, Any] = {"form": form, "report": None, "min_people": MIN_PEOPLE}
    if not form.is_valid():
        status = 403 if form.refused else 400
        return render(request, "reports/dashboard.html", context, status=status)
    report = dashboard.build(request.user, **form.report_arguments())
    # The same period and area for the exports and the funder report (reports/exports).
    export_query = data.urlencode() if hasattr(data, "urlencode") else urlencode(data)
    context.update(report=report, export_query=export_query)
    return render(request, "reports/dashboard.html", context)


def about_figures(request: HttpRequest) -> HttpResponse:
    require(request, "reports.view_about_figures")
    return _about_figures(request)


@require_safe
def _about_figures(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/about_figures.html",
        {
            "definitions": list(definitions.REGISTRY.values()),
            "min_people": MIN_PEOPLE,
            "grace_days": definitions.CHECKIN_GRACE_DAYS,
        },
    )

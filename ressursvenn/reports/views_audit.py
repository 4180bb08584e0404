"""The audit review for the national coordinator: changes (audit trail) and views (access log).

Both logs are paged by position (`lib.paging.keyset_page`: older / newer than a row), not by
page number: no count over tens of thousands of rows, one indexed range query a page.
Looking at this page is not itself a view of a person's record: it writes no access event.
On top, the roles that see women's data given lately (a coordinator could otherwise give
herself or a friend such a role unnoticed).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ressursvenn.lib.access import require
from ressursvenn.lib.paging import keyset_page
from ressursvenn.reports import audit as queries
from ressursvenn.reports.forms import AuditFilterForm


def audit(request: HttpRequest) -> HttpResponse:
    # Permission first, so that everyone else is refused (403) whatever the method.
    require(request, "reports.view_audit")
    return _audit(request)


@require_safe
def _audit(request: HttpRequest) -> HttpResponse:
    log = request.GET.get("logg", queries.CHANGES)
    if log not in queries.LOGS:
        log = queries.CHANGES
    form = AuditFilterForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "log": log,
        "page": None,
        "rows": [],
        "new_access": queries.new_access_grants(),
        "new_access_days": queries.NEW_ACCESS_DAYS,
    }
    valid = form.is_bound and form.is_valid()
    if not form.is_bound or valid:
        filters = form.filters() if valid else queries.Filters()
        if log == queries.VIEWS:
            events: Any = queries.access_events(filters)
        else:
            events = queries.audit_events(filters)
        page = keyset_page(request, events)
        rows = queries.access_rows(page) if log == queries.VIEWS else queries.audit_rows(page)
        context.update(page=page, rows=rows, filtered=filters != queries.Filters())
    return render(request, "reports/audit.html", context)

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.reports import start


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The start page of the role the user is acting in."""
    user: Any = request.user
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None
    context: dict[str, Any] = {"role": role}
    if role == Role.NATIONAL_COORDINATOR:
        context.update(start.national_summary())
    elif role == Role.GROUP_LEADER:
        branches = user.organisation_ids(Role.GROUP_LEADER)
        context.update(start.task_box(user))
        context["urgent_concerns"] = start.urgent_unacknowledged(branches)
        context["branches"] = start.branch_summary(branches)
    elif role == Role.CRISIS_STAFF:
        context.update(start.task_box(user))
        context["centres"] = start.centre_summary(user.organisation_ids(Role.CRISIS_STAFF))
    elif role == Role.VOLUNTEER:
        context.update(start.task_box(user))
        context["matches"] = start.volunteer_matches(user)
        context["events"] = start.volunteer_events(user)
        context["branches"] = start.volunteer_summary(
            user.organisation_ids(Role.VOLUNTEER), user=user
        )
        context["first"] = start.volunteer_first(user)
    return render(request, "reports/home.html", context)

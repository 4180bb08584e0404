"""The task list "Dine oppgaver": every task of the signed-in user, each a link to where it is
done (see `followup.tasks`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ressursvenn.followup.tasks import tasks_for
from ressursvenn.lib.access import paginate


@require_safe
def task_list(request: HttpRequest) -> HttpResponse:
    """Every signed-in role: her own tasks, urgent first then by due date (a coordinator has
    none and is told so)."""
    page = paginate(request, tasks_for(request.user))
    context = {"page": page, "tasks": page.object_list, "today": timezone.localdate()}
    return render(request, "followup/tasks/list.html", context)

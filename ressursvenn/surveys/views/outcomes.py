"""The outcome question (group leader, crisis centre): never reachable for the volunteer (403).

The page names no one ("kvinnen"), so it writes no access log; the match page logs.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ressursvenn.followup.views.common import stale_to_match
from ressursvenn.lib.access import add_errors
from ressursvenn.matching.views.matches import fetch_match
from ressursvenn.surveys import timepoints
from ressursvenn.surveys.actions import outcomes as actions
from ressursvenn.surveys.forms.outcomes import OutcomeForm
from ressursvenn.surveys.models import Outcome, TimePoint


@require_http_methods(["GET", "HEAD", "POST"])
def outcome(request: HttpRequest, pk: int, time_point: str) -> HttpResponse:
    match = fetch_match(request, pk, perm="surveys.record_outcome")
    if time_point not in timepoints.OUTCOME_TIME_POINTS:
        raise Http404
    if not timepoints.outcome_allowed(match, time_point):
        messages.error(
            request,
            _("Spørsmålet «%(time_point)s» kan ikke besvares ennå.")
            % {"time_point": TimePoint(time_point).label},
        )
        return redirect("matching:match_detail", match.pk)
    existing = (
        Outcome.objects.visible_to(request.user).filter(match=match, time_point=time_point).first()
    )
    initial = {"value": existing.value} if existing is not None else None
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_outcome(
                match, by=request.user, time_point=time_point, **form.cleaned_data
            )
        except ValidationError as error:
            stale = stale_to_match(request, error, match.pk)
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            messages.success(request, _("Svaret er lagret."))
            return redirect("matching:match_detail", match.pk)
    context = {
        "match": match,
        "form": form,
        "existing": existing,
        "time_point_label": TimePoint(time_point).label,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/outcome.html", context, status=status)

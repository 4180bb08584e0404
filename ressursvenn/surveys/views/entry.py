"""Questionnaires answered while logged in: staff type in the woman's answers on her behalf (the
crisis centre, the group leader), and the volunteer answers her own experience questionnaire.

The same steps as her link (`flow`), in the logged-in layout. No draft exists until the first
page is sent (its page 0 is rendered from an unsaved response), so opening the page writes
nothing. These pages show no names and no answers of anyone else, so they write no access log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ressursvenn.matching.models import Match
from ressursvenn.matching.views.matches import fetch_match
from ressursvenn.surveys import timepoints
from ressursvenn.surveys.actions import questionnaires as actions
from ressursvenn.surveys.models import Respondent, Response, TimePoint
from ressursvenn.surveys.views import flow

TEMPLATE = "surveys/entry/page.html"


def _time_point(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Http404
    return value


def _draft(request: HttpRequest, match: Match, time_point: str, respondent: str) -> Response:
    found = (
        Response.objects.visible_to(request.user)
        .filter(
            match=match,
            time_point=time_point,
            respondent=respondent,
            link__isnull=True,
            submitted_at__isnull=True,
        )
        .first()
    )
    if found is not None:
        return found
    return Response(
        match=match,
        time_point=time_point,
        respondent=respondent,
        on_behalf=respondent == Respondent.PARTICIPANT,
        language=translation.get_language() or "nb",
    )


def _closed(request: HttpRequest, match: Match, time_point: str, respondent: str) -> str | None:
    """Why this questionnaire cannot be answered now (None: it can)."""
    answered = Response.objects.filter(
        match=match, time_point=time_point, respondent=respondent, submitted_at__isnull=False
    ).exists()
    if answered:
        return _("Spørreskjemaet er allerede besvart for dette tidspunktet.")
    if not timepoints.is_open(match, time_point) or not timepoints.accepts_answers(match):
        if match.status == Match.Status.PAUSED:
            return _(
                "Koblingen er satt på pause. Spørreskjemaet kan fylles ut når den er i gang igjen."
            )
        return _("Spørreskjemaet «%(time_point)s» er ikke aktuelt nå.") % {
            "time_point": TimePoint(time_point).label
        }
    return None


def _entry(
    request: HttpRequest,
    match: Match,
    time_point: str,
    respondent: str,
    *,
    start: Callable[[], Response],
    done: str,
) -> HttpResponse:
    draft = _draft(request, match, time_point, respondent)
    if draft.pk is None:
        refused = _closed(request, match, time_point, respondent)
        if refused is not None:
            messages.error(request, refused)
            return redirect("matching:match_detail", match.pk)
    language = draft.language if respondent == Respondent.PARTICIPANT else None
    with translation.override(language or translation.get_language()):
        if request.method == "POST":
            result = flow.post(request, draft, by=request.user, start=start)
            if result.result == flow.SENT:
                messages.success(request, done)
                return redirect("matching:match_detail", match.pk)
            if result.result == flow.INVALID:
                return _render(request, match, result.context, status=400)
            if result.result == flow.STALE:
                messages.error(request, result.message)
                if result.response.pk is None:
                    return redirect("matching:match_detail", match.pk)
            return redirect(request.path)
        return _render(request, match, flow.context(draft))


def _render(
    request: HttpRequest, match: Match, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    context = {**context, "match": match, "action_url": request.path}
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def on_behalf(request: HttpRequest, pk: int, time_point: str) -> HttpResponse:
    match = fetch_match(request, pk, perm="surveys.enter_on_behalf")
    time_point = _time_point(time_point, timepoints.PARTICIPANT_TIME_POINTS)

    def start() -> Response:
        return actions.start_entry(
            match, by=request.user, time_point=time_point, respondent=Respondent.PARTICIPANT
        )

    return _entry(
        request,
        match,
        time_point,
        Respondent.PARTICIPANT,
        start=start,
        done=_("Svarene er lagret som fylt inn på hennes vegne."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def volunteer_questionnaire(request: HttpRequest, pk: int, time_point: str) -> HttpResponse:
    match = fetch_match(request, pk, perm="surveys.answer_volunteer_questionnaire")
    time_point = _time_point(time_point, timepoints.VOLUNTEER_TIME_POINTS)

    def start() -> Response:
        return actions.start_entry(
            match, by=request.user, time_point=time_point, respondent=Respondent.VOLUNTEER
        )

    return _entry(
        request,
        match,
        time_point,
        Respondent.VOLUNTEER,
        start=start,
        done=_("Takk! Svarene dine er sendt inn."),
    )

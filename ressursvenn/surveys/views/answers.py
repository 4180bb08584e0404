"""One sent-in questionnaire's answers: the woman's for her group leader and her crisis centre
(a view of her record: access log), the volunteer's own for her and the group leader. The
volunteer never reaches the woman's answers (404: outside her scope)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import fetch, log_access, require
from ressursvenn.matching import disclosure
from ressursvenn.surveys import scores
from ressursvenn.surveys.models import Respondent, Response


@require_safe
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rows = Response.objects.visible_to(request.user).filter(submitted_at__isnull=False)
    response = fetch(
        request, rows.select_related("match__referral", "match__branch", "match__volunteer"), pk
    )
    match = response.match
    if response.respondent == Respondent.PARTICIPANT:
        require(request, "surveys.view_participant_answers", match)
        viewer = disclosure.viewer_kind(request.user, match)
        assert viewer is not None
        organisation = match.referral.centre if viewer == disclosure.CENTRE else match.branch
        log_access(
            request, match.referral, role=disclosure.ACCESS_ROLE[viewer], organisation=organisation
        )
    else:
        require(request, "surveys.view_volunteer_answers", match)
        if disclosure.viewer_kind(request.user, match) == disclosure.LEADER:
            log_access(request, match.volunteer, role=Role.GROUP_LEADER, organisation=match.branch)
    answers = list(response.answers.all())
    context = {
        "response": response,
        "match": match,
        "scores": scores.summary(answers)
        if response.respondent == Respondent.PARTICIPANT
        else None,
        "instruments": scores.rows(answers),
    }
    return render(request, "surveys/response_detail.html", context)

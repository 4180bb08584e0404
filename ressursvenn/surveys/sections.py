"""The questionnaires section of the match page (registered on
`matching.hooks.match_page_sections` in `apps.py`).

Per time point, what the viewer's role may see:

| viewer     | the woman's questionnaire                    | volunteer's own  | outcome        |
| ---------- | -------------------------------------------- | ---------------- | -------------- |
| leader     | state; enter on her behalf; her scores       | state, answers   | value, record  |
| centre     | state; make a link; on her behalf; scores    | –                | value, record  |
| volunteer  | state; make a link (her contact way allows)  | state, answer it | NEVER          |

The volunteer never gets the woman's scores or the outcome: they are not even computed for
her. Four queries at most (links, responses, answers, outcomes), whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ressursvenn.matching import disclosure
from ressursvenn.matching.models import Match
from ressursvenn.surveys import scores, timepoints
from ressursvenn.surveys.models import Outcome, Respondent, Response, SurveyLink, TimePoint

TEMPLATE = "surveys/sections/questionnaires.html"
SHOWN = (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING, Match.Status.CLOSED)


@dataclass
class Point:
    time_point: str
    label: str
    window: timepoints.Window
    woman: Response | None = None  # her sent-in answers
    link: SurveyLink | None = None  # the usable link, if one is out
    scores: scores.Scores | None = None
    may_link: bool = False
    may_revoke: bool = False
    may_enter: bool = False
    own: Response | None = None  # the volunteer's sent-in answers
    asks_volunteer: bool = False
    may_answer_own: bool = False
    outcome: Outcome | None = None
    asks_outcome: bool = False
    may_outcome: bool = False
    answered: bool = False


def section(request: HttpRequest, match: Any, shown: Any) -> list[dict[str, Any]]:
    if match.status not in SHOWN or match.started_on is None:
        return []
    user = request.user
    viewer = shown.viewer
    staff = viewer in (disclosure.LEADER, disclosure.CENTRE)
    now = timezone.now()
    today = timezone.localdate(now)
    usable = {
        link.time_point: link
        for link in SurveyLink.objects.filter(
            match=match, submitted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).order_by("created_at", "pk")
    }
    sent = (
        Response.objects.visible_to(user)
        .filter(match=match, submitted_at__isnull=False)
        .order_by("pk")
    )
    if staff and user.has_perm("surveys.view_participant_answers", match):
        sent = sent.prefetch_related("answers")
    responses = {(r.time_point, r.respondent): r for r in sent}
    # The volunteer sees only whether the woman has answered (the time points; no answers).
    answered: set[str] = set()
    if viewer == disclosure.VOLUNTEER:
        answered = set(
            Response.objects.filter(
                match=match, respondent=Respondent.PARTICIPANT, submitted_at__isnull=False
            ).values_list("time_point", flat=True)
        )
    outcomes: dict[str, Outcome] = {}
    if staff and user.has_perm("surveys.view_outcome", match):
        outcomes = {o.time_point: o for o in Outcome.objects.visible_to(user).filter(match=match)}
    may_link = user.has_perm("surveys.hand_over_link", match)
    may_enter = user.has_perm("surveys.enter_on_behalf", match)
    may_see_scores = staff and user.has_perm("surveys.view_participant_answers", match)
    may_answer_own = user.has_perm("surveys.answer_volunteer_questionnaire", match)
    may_outcome = staff and user.has_perm("surveys.record_outcome", match)
    accepting = timepoints.accepts_answers(match, today)

    points: list[Point] = []
    for time_point in timepoints.PARTICIPANT_TIME_POINTS:
        window = timepoints.window(match, time_point, today)
        point = Point(time_point, str(TimePoint(time_point).label), window)
        point.woman = responses.get((time_point, Respondent.PARTICIPANT))
        point.answered = point.woman is not None or time_point in answered
        point.link = usable.get(time_point)
        open_now = window.open and accepting and not point.answered
        point.may_link = open_now and may_link
        point.may_revoke = point.link is not None and may_link
        point.may_enter = open_now and may_enter
        if point.woman is not None and may_see_scores:
            point.scores = scores.summary(point.woman.answers.all())
        if time_point in timepoints.VOLUNTEER_TIME_POINTS and viewer != disclosure.CENTRE:
            point.asks_volunteer = True
            point.own = responses.get((time_point, Respondent.VOLUNTEER))
            point.may_answer_own = (
                may_answer_own and window.open and accepting and point.own is None
            )
        if time_point in timepoints.OUTCOME_TIME_POINTS and staff:
            point.asks_outcome = True
            point.outcome = outcomes.get(time_point)
            point.may_outcome = may_outcome and timepoints.outcome_allowed(match, time_point, today)
        points.append(point)
    return [
        {
            "template": TEMPLATE,
            "points": points,
            "today": today,
            "paused": match.status == Match.Status.PAUSED,
            "staff": staff,
        }
    ]

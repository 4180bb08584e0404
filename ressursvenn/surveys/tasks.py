"""The questionnaires' tasks in the task list (registered on `followup.tasks.task_providers`).

Computed from the rows, so a task is gone as soon as it is done:

| role          | task, while the time point is open (`timepoints`)   | done when             |
| ------------- | --------------------------------------------------- | --------------------- |
| crisis staff  | hand the woman her link (start, six months,         | a usable link is out, |
|               | closure)                                            | or she has answered   |
| volunteer     | the same, when the woman's contact way lets her     | the same              |
|               | (not "only through the centre")                     |                       |
| volunteer     | her own experience questionnaire (six months,       | sent in               |
|               | closure)                                            |                       |
| group leader, | the outcome question (six months, closure)          | recorded              |
| crisis staff  |                                                     |                       |

Both the centre and the volunteer get the link task: whoever meets her first hands it over,
and the task goes for both. Four queries per role, whatever the number of matches.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ressursvenn.accounts.models import Role
from ressursvenn.followup.tasks import Task
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.surveys import timepoints
from ressursvenn.surveys.models import Outcome, Respondent, Response, SurveyLink, TimePoint

SURVEY_LINK = "survey_link"
SURVEY_OWN = "survey_own"
SURVEY_OUTCOME = "survey_outcome"


def _link_text(time_point: str) -> str:
    return {
        TimePoint.START: _("Gi %(name)s lenken til spørreskjemaet ved oppstart"),
        TimePoint.SIX_MONTHS: _("Gi %(name)s lenken til spørreskjemaet etter seks måneder"),
        TimePoint.CLOSURE: _("Gi %(name)s lenken til spørreskjemaet ved avslutningen"),
    }[TimePoint(time_point)]


def _own_text(time_point: str) -> str:
    return {
        TimePoint.SIX_MONTHS: _(
            "Svar på spørreskjemaet om din erfaring etter seks måneder med %(name)s"
        ),
        TimePoint.CLOSURE: _(
            "Svar på spørreskjemaet om din erfaring nå som koblingen med %(name)s avsluttes"
        ),
    }[TimePoint(time_point)]


def _outcome_text(time_point: str) -> str:
    return {
        TimePoint.SIX_MONTHS: _(
            "Svar på spørsmålet om hvordan %(name)s har det etter seks måneder"
        ),
        TimePoint.CLOSURE: _("Svar på spørsmålet om hvordan %(name)s har det ved avslutningen"),
    }[TimePoint(time_point)]


def _candidates(scope: Q, today: datetime.date, now: datetime.datetime) -> list[Match]:
    """Matches in `scope` whose time points may be open today, with what decides the tasks."""
    grace = datetime.timedelta(days=int(settings.SURVEY_CLOSURE_GRACE_DAYS))
    running = Q(status__in=timepoints.RUNNING) | Q(
        status=Match.Status.CLOSED, ended_on__gte=today - grace
    )
    usable = SurveyLink.objects.filter(
        submitted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).only("pk", "match_id", "time_point")
    sent = Response.objects.filter(submitted_at__isnull=False).only(
        "pk", "match_id", "time_point", "respondent"
    )
    return list(
        Match.objects.filter(scope, running, started_on__isnull=False)
        .select_related("referral")
        .prefetch_related(
            Prefetch("survey_links", queryset=usable, to_attr="usable_links"),
            Prefetch("survey_responses", queryset=sent, to_attr="sent_responses"),
            Prefetch("outcomes", queryset=Outcome.objects.only("pk", "match_id", "time_point")),
        )
        .order_by("pk")
    )


def _done(match: Any) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    links = {link.time_point for link in match.usable_links}
    sent = {(r.time_point, r.respondent) for r in match.sent_responses}
    outcomes = {o.time_point for o in match.outcomes.all()}
    return links, sent, outcomes


def _name(match: Any) -> str:
    return str(match.referral.first_name)


def _link_tasks(match: Any, today: datetime.date) -> list[Task]:
    links, sent, _outcomes = _done(match)
    if not timepoints.accepts_answers(match, today):
        return []
    tasks = []
    for time_point in timepoints.PARTICIPANT_TIME_POINTS:
        window = timepoints.window(match, time_point, today)
        if not window.open or time_point in links:
            continue
        if (time_point, Respondent.PARTICIPANT) in sent:
            continue
        assert window.opens_on is not None
        tasks.append(
            Task(
                SURVEY_LINK,
                f"{SURVEY_LINK}:m{match.pk}:{time_point}",
                _link_text(time_point) % {"name": _name(match)},
                reverse("surveys:link_new", args=[match.pk, time_point]),
                window.opens_on,
            )
        )
    return tasks


def _outcome_tasks(match: Any, today: datetime.date) -> list[Task]:
    _links, _sent, outcomes = _done(match)
    tasks = []
    for time_point in timepoints.OUTCOME_TIME_POINTS:
        window = timepoints.window(match, time_point, today)
        if time_point in outcomes or window.state not in (timepoints.OPEN, timepoints.PAUSED):
            continue
        assert window.opens_on is not None
        tasks.append(
            Task(
                SURVEY_OUTCOME,
                f"{SURVEY_OUTCOME}:m{match.pk}:{time_point}",
                _outcome_text(time_point) % {"name": _name(match)},
                reverse("surveys:outcome", args=[match.pk, time_point]),
                window.opens_on,
            )
        )
    return tasks


def _own_tasks(match: Any, today: datetime.date) -> list[Task]:
    _links, sent, _outcomes = _done(match)
    if not timepoints.accepts_answers(match, today):
        return []
    tasks = []
    for time_point in timepoints.VOLUNTEER_TIME_POINTS:
        window = timepoints.window(match, time_point, today)
        if not window.open or (time_point, Respondent.VOLUNTEER) in sent:
            continue
        assert window.opens_on is not None
        tasks.append(
            Task(
                SURVEY_OWN,
                f"{SURVEY_OWN}:m{match.pk}:{time_point}",
                _own_text(time_point) % {"name": _name(match)},
                reverse("surveys:volunteer_questionnaire", args=[match.pk, time_point]),
                window.opens_on,
            )
        )
    return tasks


def survey_tasks(user: Any, today: datetime.date, now: datetime.datetime) -> list[Task]:
    """Every questionnaire task of `user` in each role she holds."""
    tasks: list[Task] = []
    if user.has_role(Role.GROUP_LEADER):
        scope = Q(branch_id__in=user.organisation_ids(Role.GROUP_LEADER))
        for match in _candidates(scope, today, now):
            tasks.extend(_outcome_tasks(match, today))
    if user.has_role(Role.CRISIS_STAFF):
        scope = Q(referral__centre_id__in=user.organisation_ids(Role.CRISIS_STAFF))
        for match in _candidates(scope, today, now):
            tasks.extend(_link_tasks(match, today))
            tasks.extend(_outcome_tasks(match, today))
    if user.has_role(Role.VOLUNTEER):
        for match in _candidates(Q(volunteer__user_id=user.pk), today, now):
            if match.referral.contact_channel != Referral.Channel.VIA_CENTRE:
                tasks.extend(_link_tasks(match, today))
            tasks.extend(_own_tasks(match, today))
    return tasks

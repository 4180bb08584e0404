"""The activity log: log (or log "the same as last time"), correct, delete, read the log; and the
activities section of the match page.

The volunteer logs; the group leader reads the whole log; the crisis centre sees only counts
and the date of the last contact (never kinds, notes or durations).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ressursvenn.followup import inactivity
from ressursvenn.followup.actions import activities as actions
from ressursvenn.followup.forms.activities import ActivityForm
from ressursvenn.followup.models import Activity, Channel, PlannedMeeting
from ressursvenn.followup.views.common import stale_to_match
from ressursvenn.lib.access import add_errors, fetch, paginate, require
from ressursvenn.matching import disclosure
from ressursvenn.matching.models import Match
from ressursvenn.matching.views.matches import fetch_match

RECENT = 5
COUNT_DAYS = 30


_refused = stale_to_match


def counts(match: Match) -> dict[str, Any]:
    """What the crisis centre may see: counts and the date of the last contact (two queries)."""
    since = timezone.localdate() - datetime.timedelta(days=COUNT_DAYS)
    totals = Activity.objects.filter(match=match).aggregate(
        total=Count("pk"),
        in_person=Count("pk", filter=Q(channel=Channel.IN_PERSON)),
        digital=Count("pk", filter=~Q(channel=Channel.IN_PERSON)),
        recent=Count("pk", filter=Q(occurred_on__gte=since)),
    )
    annotated: Any = inactivity.with_last_contact(Match.objects.filter(pk=match.pk))
    last_contact = annotated.values_list("last_contact", flat=True).first()
    return {
        **totals,
        "days": COUNT_DAYS,
        "last_contact": last_contact,
        "days_since": inactivity.days_since(last_contact),
    }


def _rows(activities: Any, user: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {"activity": activity, "editable": actions.editable(activity, user, now=now)}
        for activity in activities
    ]


def section(request: HttpRequest, match: Any, shown: Any) -> list[dict[str, Any]]:
    """The activities section for the viewer's role (see the module docstring)."""
    user = request.user
    if match.started_on is None or not user.has_perm("followup.view_activity_counts", match):
        return []
    viewer = shown.viewer
    result: dict[str, Any] = {
        "template": "followup/sections/activities.html",
        "counts": counts(match),
    }
    if viewer == disclosure.CENTRE or not user.has_perm("followup.view_activities", match):
        return [{**result, "counts_only": True}]
    recent = list(
        Activity.objects.filter(match=match)
        .select_related("event")
        .order_by("-occurred_on", "-pk")[:RECENT]
    )
    result["rows"] = _rows(recent, user)
    if viewer == disclosure.VOLUNTEER:
        result["problem"] = actions.state_problem(match)
        result["may_log"] = result["problem"] is None and user.has_perm(
            "followup.log_activity", match
        )
        result["last"] = actions.last_entry(match) if result["may_log"] else None
    return [result]


def _meeting_to_log(request: HttpRequest, match: Match, raw: Any) -> PlannedMeeting | None:
    """The passed, not yet logged planned meeting `raw` (a pk) of this match, or None."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    meeting = (
        PlannedMeeting.objects.visible_to(request.user)
        .filter(
            match=match,
            pk=pk,
            cancelled_at__isnull=True,
            starts_at__lte=timezone.now(),
            activity__isnull=True,
        )
        .first()
    )
    return meeting


def _prefill(meeting: PlannedMeeting) -> dict[str, Any]:
    return {
        "occurred_on": timezone.localdate(meeting.starts_at),
        "duration_minutes": meeting.duration_minutes,
        "channel": Channel.VIDEO
        if meeting.mode == PlannedMeeting.Mode.DIGITAL
        else Channel.IN_PERSON,
        "planned_meeting": meeting.pk,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (`?meeting=<pk>` prefills it from a passed planned meeting). POST: log."""
    match = fetch_match(request, pk, perm="followup.log_activity")
    problem = actions.state_problem(match)
    if problem:
        messages.error(request, problem)
        return redirect("matching:match_detail", match.pk)
    if request.method == "POST":
        form = ActivityForm(request.POST)
        if form.is_valid():
            meeting = None
            if form.cleaned_data.get("planned_meeting"):
                meeting = _meeting_to_log(request, match, form.cleaned_data["planned_meeting"])
                if meeting is None:
                    messages.error(request, _("Dette møtet er allerede registrert eller avlyst."))
                    return redirect("matching:match_detail", match.pk)
            try:
                actions.log_activity(
                    match, by=request.user, planned_meeting=meeting, **form.action_arguments()
                )
            except ValidationError as error:
                refused = _refused(request, error, match.pk)
                if refused is not None:
                    return refused
                add_errors(form, error)
            else:
                messages.success(request, _("Aktiviteten er registrert. Takk!"))
                return redirect("matching:match_detail", match.pk)
        meeting = None
    else:
        meeting = _meeting_to_log(request, match, request.GET.get("meeting"))
        form = ActivityForm(initial=_prefill(meeting) if meeting else None)
    return render(
        request,
        "followup/activities/form.html",
        {"match": match, "form": form, "activity": None, "meeting": meeting},
    )


@require_POST
def activity_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Logg det samme som sist" in one tap."""
    match = fetch_match(request, pk, perm="followup.log_activity")
    try:
        actions.repeat_last(match, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Aktiviteten er registrert med dagens dato. Takk!"))
    return redirect("matching:match_detail", match.pk)


@require_safe
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole log of a match (the group leader; the volunteer her own match's)."""
    match = fetch_match(request, pk, perm="followup.view_activities")
    rows = (
        Activity.objects.filter(match=match).select_related("event").order_by("-occurred_on", "-pk")
    )
    page = paginate(request, rows)
    return render(
        request,
        "followup/activities/list.html",
        {
            "match": match,
            "page": page,
            "rows": _rows(page, request.user),
            "counts": counts(match),
            "is_volunteer": actions.state_problem(match) is None
            and request.user.has_perm("followup.log_activity", match),
        },
    )


def _fetch_own(request: HttpRequest, pk: int) -> Activity:
    activity = fetch(
        request,
        Activity.objects.visible_to(request.user).select_related(
            "match__referral", "match__volunteer", "match__branch"
        ),
        pk,
        log=False,
    )
    require(request, "followup.log_activity", activity.match)
    return activity


def _not_editable(request: HttpRequest, activity: Activity) -> HttpResponse | None:
    problem = actions.state_problem(activity.match)
    if problem is None and not actions.editable(activity, request.user):
        problem = _(
            "Aktiviteten kan ikke endres lenger: du kan rette eller slette dine egne "
            "aktiviteter i %(days)d dager etter at du registrerte dem."
        ) % {"days": actions.edit_days()}
    if problem is None:
        return None
    messages.error(request, problem)
    return redirect("matching:match_detail", activity.match_id)


@require_http_methods(["GET", "HEAD", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct one's own entry (within ACTIVITY_EDIT_DAYS)."""
    activity = _fetch_own(request, pk)
    refused = _not_editable(request, activity)
    if refused is not None:
        return refused
    form = ActivityForm(request.POST if request.method == "POST" else None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_activity(activity, by=request.user, **form.action_arguments())
        except ValidationError as error:
            refused = _refused(request, error, activity.match_id)
            if refused is not None:
                return refused
            add_errors(form, error)
        else:
            messages.success(request, _("Aktiviteten er rettet."))
            return redirect("matching:match_detail", activity.match_id)
    return render(
        request,
        "followup/activities/form.html",
        {"match": activity.match, "form": form, "activity": activity, "meeting": None},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirm. POST: delete one's own entry (within ACTIVITY_EDIT_DAYS)."""
    activity = _fetch_own(request, pk)
    refused = _not_editable(request, activity)
    if refused is not None:
        return refused
    if request.method == "POST":
        try:
            actions.delete_activity(activity, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Aktiviteten er slettet."))
        return redirect("matching:match_detail", activity.match_id)
    return render(request, "followup/activities/delete.html", {"activity": activity})

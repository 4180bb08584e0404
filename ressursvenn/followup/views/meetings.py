"""The pair's own meetings: the video room (the volunteer only), planning, moving and
cancelling a next meeting, its .ics; and the meetings section of the match page.

The room's link is shown on the match page to the matched volunteer only, while the match is
active or ending. The planned meetings appear on the volunteer's and the group leader's match
page (never the crisis centre's).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ressursvenn.followup import calendar
from ressursvenn.followup.actions import meetings as actions
from ressursvenn.followup.forms.meetings import CancelPairMeetingForm, PairMeetingForm
from ressursvenn.followup.models import Activity, PairRoom, PlannedMeeting
from ressursvenn.followup.views.common import stale_to_match
from ressursvenn.lib.access import add_errors, fetch, require
from ressursvenn.matching import disclosure
from ressursvenn.matching.views.matches import fetch_match

# Passed meetings older than this no longer offer "Registrer dette møtet" on the match page.
LOG_OFFER_DAYS = 30
SHOWN = 10


_refused = stale_to_match


def _meetings(match: Any, now: datetime.datetime) -> tuple[list[Any], list[Any]]:
    """(upcoming, passed and not logged) planned meetings of the match, in one query."""
    rows = list(
        PlannedMeeting.objects.filter(
            match=match,
            cancelled_at__isnull=True,
            starts_at__gte=now - datetime.timedelta(days=LOG_OFFER_DAYS),
        )
        .annotate(logged=Exists(Activity.objects.filter(planned_meeting=OuterRef("pk"))))
        .order_by("starts_at", "pk")[: SHOWN * 2]
    )
    upcoming = [row for row in rows if row.starts_at > now][:SHOWN]
    passed = [row for row in rows if row.starts_at <= now and not row.logged][-SHOWN:]
    return upcoming, passed


def section(request: HttpRequest, match: Any, shown: Any) -> list[dict[str, Any]]:
    """The volunteer: the room (or why it is closed), the planned meetings with move/cancel/
    .ics, "Registrer dette møtet" for a passed one. The leader: the planned meetings."""
    user = request.user
    if shown.viewer == disclosure.CENTRE or not user.has_perm("followup.view_pair_meetings", match):
        return []
    if match.started_on is None:
        return []
    now = timezone.now()
    upcoming, passed = _meetings(match, now)
    result: dict[str, Any] = {
        "template": "followup/sections/meetings.html",
        "upcoming": upcoming,
        "passed": passed,
    }
    if shown.viewer == disclosure.VOLUNTEER and user.has_perm("followup.use_room", match):
        problem = actions.state_problem(match)
        result["problem"] = problem
        result["may_plan"] = problem is None and user.has_perm("followup.plan_pair_meeting", match)
        if problem is None:
            room = PairRoom.objects.filter(match=match).first()
            if room is None:
                try:
                    room = actions.ensure_room(match, by=user)
                except ValidationError:
                    room = None
            result["room"] = room
        result["may_log"] = problem is None and user.has_perm("followup.log_activity", match)
    else:
        result["passed"] = []
    return [result]


@require_POST
def room_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Lag nytt videorom": a new link; the old one is no longer shown."""
    match = fetch_match(request, pk, perm="followup.use_room")
    try:
        actions.renew_room(match, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Dere har fått et nytt videorom. Den gamle lenken vises ikke lenger.")
        )
    return redirect("matching:match_detail", match.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def pair_meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="followup.plan_pair_meeting")
    problem = actions.state_problem(match)
    if problem:
        messages.error(request, problem)
        return redirect("matching:match_detail", match.pk)
    form = PairMeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.plan_pair_meeting(match, by=request.user, **form.action_arguments())
        except ValidationError as error:
            refused = _refused(request, error, match.pk)
            if refused is not None:
                return refused
            add_errors(form, error)
        else:
            messages.success(
                request, _("Møtet er planlagt. Du kan legge det i kalenderen din (.ics).")
            )
            return redirect("matching:match_detail", match.pk)
    return render(
        request, "followup/meetings/form.html", {"match": match, "form": form, "meeting": None}
    )


def _fetch_meeting(request: HttpRequest, pk: int, perm: str) -> PlannedMeeting:
    meeting = fetch(
        request,
        PlannedMeeting.objects.visible_to(request.user).select_related(
            "match__referral", "match__volunteer", "match__branch"
        ),
        pk,
        log=False,
    )
    require(request, perm, meeting.match)
    return meeting


def _not_changeable(request: HttpRequest, meeting: PlannedMeeting) -> HttpResponse | None:
    problem = actions.state_problem(meeting.match)
    if problem is None and meeting.cancelled_at is not None:
        problem = _("Møtet er avlyst.")
    if problem is None and Activity.objects.filter(planned_meeting=meeting).exists():
        problem = _("Møtet er registrert som en aktivitet og kan ikke endres.")
    if problem is None:
        return None
    messages.error(request, problem)
    return redirect("matching:match_detail", meeting.match_id)


@require_http_methods(["GET", "HEAD", "POST"])
def pair_meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a planned meeting (the page also offers to cancel it)."""
    meeting = _fetch_meeting(request, pk, "followup.plan_pair_meeting")
    refused = _not_changeable(request, meeting)
    if refused is not None:
        return refused
    form = PairMeetingForm(request.POST if request.method == "POST" else None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            actions.move_pair_meeting(meeting, by=request.user, **form.action_arguments())
        except ValidationError as error:
            refused = _refused(request, error, meeting.match_id)
            if refused is not None:
                return refused
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Møtet er flyttet. Last ned kalenderfilen på nytt, så oppdateres kalenderen."),
            )
            return redirect("matching:match_detail", meeting.match_id)
    return render(
        request,
        "followup/meetings/form.html",
        {"match": meeting.match, "form": form, "meeting": meeting},
    )


@require_POST
def pair_meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _fetch_meeting(request, pk, "followup.plan_pair_meeting")
    form = CancelPairMeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skjemaet er utdatert. Last siden på nytt."))
        return redirect("matching:match_detail", meeting.match_id)
    try:
        actions.cancel_pair_meeting(
            meeting, by=request.user, expected_sequence=form.cleaned_data["sequence"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Møtet er avlyst. Har du lagt det i kalenderen, kan du slette det der.")
        )
    return redirect("matching:match_detail", meeting.match_id)


@require_safe
def pair_meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as a neutral .ics (no names, no place, no video link)."""
    meeting = _fetch_meeting(request, pk, "followup.view_pair_meetings")
    if meeting.cancelled_at is not None:
        raise Http404
    content = calendar.build_ics(meeting, attendee=getattr(request.user, "email", None))
    response = HttpResponse(
        content, content_type=calendar.CONTENT_TYPE.format(method=calendar.REQUEST)
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar.FILENAME}"'
    return response

"""Check-in pages (oppfølgingssamtaler), all the group leader's: record one, the list of due
and overdue ones, a guidance-group meeting counted as check-ins, and the match page section."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.followup.actions import checkins as actions
from ressursvenn.followup.checkins import RUNNING, due_checkins
from ressursvenn.followup.forms.checkins import CheckInForm, GroupCheckInForm
from ressursvenn.followup.models import CheckIn
from ressursvenn.lib.access import (
    add_errors,
    error_text,
    fetch,
    log_access,
    paginate,
    require,
)
from ressursvenn.matching import disclosure
from ressursvenn.matching.models import Match
from ressursvenn.volunteers.models import GuidanceSession

RECORD = "followup.record_checkin"
VIEW = "followup.view_checkins"


def _fetch_checkin(request: HttpRequest, pk: int) -> CheckIn:
    """The check-in if the user sees its match (404) and may record check-ins on it (403)."""
    rows = CheckIn.objects.visible_to(request.user).select_related(
        "match__referral", "match__volunteer", "match__branch", "guidance_session__group"
    )
    checkin = fetch(request, rows, pk)
    require(request, RECORD, checkin.match)
    return checkin


def _log_pair(request: HttpRequest, match: Match) -> None:
    """The record page names the woman (first name) and the volunteer: log both views."""
    log_access(request, match.referral, role=Role.GROUP_LEADER, organisation=match.branch)
    log_access(request, match.volunteer, role=Role.GROUP_LEADER, organisation=match.branch)


def _render_record(
    request: HttpRequest, checkin: CheckIn, form: CheckInForm | None, *, status: int = 200
) -> HttpResponse:
    match = checkin.match
    _log_pair(request, match)
    context = {
        "checkin": checkin,
        "match": match,
        "form": form,
        "running": match.status in RUNNING,
        "held": checkin.status == CheckIn.Status.HELD,
        "today": timezone.localdate(),
    }
    return render(request, "followup/checkins/record.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_record(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = _fetch_checkin(request, pk)
    match = checkin.match
    planned = checkin.status == CheckIn.Status.PLANNED
    if request.method != "POST":
        form = None
        if planned and match.status in RUNNING:
            form = CheckInForm(checkin=checkin, default_via=actions.default_via(match.referral))
        return _render_record(request, checkin, form)
    if match.status not in RUNNING:
        messages.error(request, _("Koblingen er avsluttet."))
        return redirect("matching:match_detail", match.pk)
    if not planned:
        messages.error(request, _("Denne oppfølgingssamtalen er allerede registrert."))
        return redirect("followup:checkin_record", checkin.pk)
    form = CheckInForm(
        request.POST, checkin=checkin, default_via=actions.default_via(match.referral)
    )
    if form.is_valid():
        try:
            actions.record_checkin(checkin, by=request.user, **form.action_arguments())
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                messages.error(request, error_text(error))
                return redirect("matching:match_detail", match.pk)
            add_errors(form, error)
        else:
            messages.success(request, _("Oppfølgingssamtalen er registrert."))
            return redirect("matching:match_detail", match.pk)
    return _render_record(request, checkin, form)


@require_safe
def checkins_due(request: HttpRequest) -> HttpResponse:
    """The leader's due and overdue check-ins in her branches, overdue first."""
    require(request, VIEW)
    today = timezone.localdate()
    user: Any = request.user  # signed in (RequireLoginMiddleware)
    rows = due_checkins(
        user.organisation_ids(Role.GROUP_LEADER), today, rows=CheckIn.objects.visible_to(user)
    )
    page = paginate(request, rows)
    items = [{"checkin": row, "overdue": row.due_on < today} for row in page]
    return render(
        request, "followup/checkins/due.html", {"page": page, "items": items, "today": today}
    )


def _fetch_session(request: HttpRequest, pk: int) -> GuidanceSession:
    """A guidance meeting of a group the leader sees (404), that she may manage (403)."""
    sessions = GuidanceSession.objects.visible_to(request.user).select_related("group__branch")
    session = fetch(request, sessions, pk)
    require(request, "volunteers.manage_courses", session.group)
    return session


@require_http_methods(["GET", "HEAD", "POST"])
def group_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    session = _fetch_session(request, pk)
    started = session.starts_at <= timezone.now()
    if request.method == "POST" and not started:
        messages.error(
            request, _("Møtet har ikke vært ennå. Det kan telle som oppfølgingssamtale etterpå.")
        )
        return redirect("followup:group_checkin", session.pk)
    candidates = actions.group_candidates(session) if started else []
    form = GroupCheckInForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        try:
            held = actions.record_group_checkin(
                session, by=request.user, matches=form.cleaned_data["selected"]
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale" and not hasattr(error, "error_dict"):
                messages.error(request, error_text(error))
                return redirect("followup:group_checkin", session.pk)
            add_errors(form, error, {"matches": "selected"})
        else:
            messages.success(
                request,
                ngettext(
                    "Møtet er registrert som oppfølgingssamtale for %(count)d ressursvenn.",
                    "Møtet er registrert som oppfølgingssamtale for %(count)d ressursvenner.",
                    len(held),
                )
                % {"count": len(held)},
            )
            return redirect("followup:group_checkin", session.pk)
    context = {
        "session": session,
        "group": session.group,
        "started": started,
        "candidates": candidates,
        "counted": [row for row in candidates if row["counted"]],
        "form": form if any(not row["counted"] for row in candidates) else None,
    }
    return render(request, "followup/checkins/group.html", context)


def section(request: HttpRequest, match: Any, shown: Any) -> list[dict[str, Any]]:
    """The match page's check-ins (the group leader only): the next due one of each party,
    the held ones (date, with whom, how, rating, follow-up flag). One query."""
    if getattr(shown, "viewer", None) != disclosure.LEADER:
        return []
    if not request.user.has_perm(VIEW, match) or match.started_on is None:
        return []
    rows = list(CheckIn.objects.filter(match=match).order_by("due_on", "party", "pk"))
    if not rows:
        return []
    today = timezone.localdate()
    running = match.status in RUNNING
    upcoming: list[dict[str, Any]] = []
    if running:
        seen: set[str] = set()
        for row in rows:
            if row.status == CheckIn.Status.PLANNED and row.party not in seen:
                seen.add(row.party)
                upcoming.append({"checkin": row, "overdue": row.due_on < today})
    held = sorted(
        (row for row in rows if row.status == CheckIn.Status.HELD),
        key=lambda row: (row.held_on, row.pk),
        reverse=True,
    )
    return [
        {
            "template": "followup/sections/checkins.html",
            "upcoming": upcoming,
            "held": held,
            "followups": [row for row in held if row.followup_needed],
            "running": running,
        }
    ]

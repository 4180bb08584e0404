"""The koblingsmøte: plan or move it, download its .ics, record how it went."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.lib.access import add_errors
from ressursvenn.matching import calendar
from ressursvenn.matching.actions.meetings import can_plan, plan_meeting, record_meeting_outcome
from ressursvenn.matching.forms.meetings import MeetingForm, OutcomeForm
from ressursvenn.matching.models import Match
from ressursvenn.matching.views.matches import fetch_match, meeting_of, render_detail


def _stale(request: HttpRequest, error: ValidationError, match: Match) -> HttpResponse | None:
    """A refused action because the match changed meanwhile: say so on the match page."""
    if getattr(error, "code", None) != "stale":
        return None
    messages.error(request, error.messages[0])
    return redirect("matching:match_detail", match.pk)


def meeting_plan(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="matching.plan_meeting")
    if not can_plan(match):
        if match.status == Match.Status.PROPOSED:
            messages.error(request, _("Ressursvennen har ikke sagt ja ennå."))
        else:
            messages.error(request, _("Koblingsmøtet kan ikke planlegges i denne fasen."))
        return redirect("matching:match_detail", match.pk)
    meeting = meeting_of(match)
    form = MeetingForm(request.POST if request.method == "POST" else None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            plan_meeting(match, by=request.user, **form.action_arguments())
        except ValidationError as error:
            stale = _stale(request, error, match)
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            if meeting is None:
                messages.success(request, _("Koblingsmøtet er planlagt. Invitasjonen er sendt."))
            else:
                messages.success(request, _("Koblingsmøtet er flyttet. Ny invitasjon er sendt."))
            return redirect("matching:match_detail", match.pk)
    return render(
        request, "matching/meetings/plan.html", {"match": match, "meeting": meeting, "form": form}
    )


@require_safe
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk)
    meeting = meeting_of(match)
    if meeting is None or match.status != Match.Status.MEETING_PLANNED:
        raise Http404
    content = calendar.build_ics(meeting, attendee=getattr(request.user, "email", None))
    response = HttpResponse(
        content, content_type=calendar.CONTENT_TYPE.format(method=calendar.REQUEST)
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar.FILENAME}"'
    return response


@require_POST
def meeting_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="matching.record_meeting_outcome")
    meeting = meeting_of(match)
    if match.status != Match.Status.MEETING_PLANNED or meeting is None:
        messages.error(request, _("Det er ikke noe planlagt koblingsmøte å registrere utfall for."))
        return redirect("matching:match_detail", match.pk)
    if meeting.starts_at > timezone.now():
        messages.error(request, _("Registrer utfallet etter at koblingsmøtet har begynt."))
        return redirect("matching:match_detail", match.pk)
    form = OutcomeForm(request.POST, prefix="outcome")
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_meeting_outcome(
                match,
                by=request.user,
                outcome=data["outcome"],
                months=data["months"],
                reason=data["reason"],
            )
        except ValidationError as error:
            stale = _stale(request, error, match)
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            if data["outcome"] == "continue":
                messages.success(request, _("Koblingen er aktiv."))
            else:
                messages.success(request, _("Koblingen er avbrutt. Kvinnen er tilbake i køen."))
            return redirect("matching:match_detail", match.pk)
    return render_detail(request, match, outcome_form=form)

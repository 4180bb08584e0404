"""Pause for safety: pause a match, confirm its resume, and the match page's section.

The volunteer is told only that the match is paused, never why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ressursvenn.followup.actions.pauses import (
    CENTRE,
    LEADER,
    PAUSABLE,
    confirm_resume,
    open_pause,
    pause_match,
    side_of,
)
from ressursvenn.followup.forms.pauses import PauseForm, ResumeForm
from ressursvenn.followup.models import Pause
from ressursvenn.followup.pauses import days_of
from ressursvenn.lib.access import add_errors
from ressursvenn.matching import disclosure
from ressursvenn.matching.models import Match
from ressursvenn.matching.views.matches import fetch_match


def _stale(request: HttpRequest, error: ValidationError) -> bool:
    if getattr(error, "code", None) != "stale":
        return False
    messages.error(request, error.messages[0])
    return True


@require_http_methods(["GET", "HEAD", "POST"])
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="followup.pause_match")
    if match.status == Match.Status.PAUSED:
        messages.error(request, _("Koblingen er allerede satt på pause."))
        return redirect("matching:match_detail", match.pk)
    if match.status not in PAUSABLE:
        messages.error(request, _("Bare en kobling som er i gang kan settes på pause."))
        return redirect("matching:match_detail", match.pk)
    form = PauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            pause_match(match, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if _stale(request, error):
                return redirect("matching:match_detail", match.pk)
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Koblingen er satt på pause. Ressursvennen ser bare at den er satt på pause."),
            )
            return redirect("matching:match_detail", match.pk)
    return render(request, "followup/pauses/pause.html", {"match": match, "form": form})


def _confirm_state(pause_row: Pause, user: Any, match: Match) -> dict[str, Any]:
    """What the resume page and the section show about the two confirmations."""
    side = side_of(user, match)
    other = CENTRE if side == LEADER else LEADER
    own_done = getattr(pause_row, f"{side}_confirmed_at") is not None
    confirmed_other = getattr(pause_row, f"{other}_confirmed_by_id") == user.pk
    other_done = getattr(pause_row, f"{other}_confirmed_at") is not None
    return {
        "side": side,
        "may_confirm": not own_done and not confirmed_other,
        "own_done": own_done,
        "confirmed_other": confirmed_other,
        # The leader chooses whether the end moves, whether she confirms first or second.
        "offer_move_end": side == LEADER,
        "will_resume": other_done,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="followup.confirm_resume")
    current = open_pause(match)
    if match.status != Match.Status.PAUSED or current is None:
        messages.error(request, _("Koblingen er ikke satt på pause lenger."))
        return redirect("matching:match_detail", match.pk)
    state = _confirm_state(current, request.user, match)
    form = ResumeForm(
        request.POST if request.method == "POST" else None, initial={"pause": current.pk}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["pause"] != current.pk:
            messages.error(request, _("Skjemaet er utdatert. Last siden på nytt."))
            return redirect("followup:resume", match.pk)
        move_end = form.cleaned_data["move_end"] if state["offer_move_end"] else None
        try:
            resumed = confirm_resume(match, by=request.user, move_end=move_end)
        except ValidationError as error:
            if _stale(request, error):
                return redirect("matching:match_detail", match.pk)
            add_errors(form, error)
        else:
            if resumed:
                messages.success(request, _("Koblingen er gjenopptatt."))
            elif state["side"] == LEADER:
                messages.success(
                    request,
                    _(
                        "Du har bekreftet. Koblingen gjenopptas når krisesenteret "
                        "også har bekreftet."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Du har bekreftet. Koblingen gjenopptas når gruppelederen "
                        "også har bekreftet."
                    ),
                )
            return redirect("matching:match_detail", match.pk)
    context = {
        "match": match,
        "pause": current,
        "days": days_of([current]),
        "form": form,
        **state,
    }
    return render(request, "followup/pauses/resume.html", context)


def section(request: HttpRequest, match: Any, shown: Any) -> list[dict[str, Any]]:
    """Volunteer: only that the match is paused. Leader and centre: the pause link, or the
    paused state (why, since when, who has confirmed the resume) and the confirm button."""
    template = "followup/sections/pauses.html"
    if shown.viewer == disclosure.VOLUNTEER:
        if match.status == Match.Status.PAUSED:
            return [{"template": template, "paused": True}]
        return []
    if shown.viewer not in (disclosure.LEADER, disclosure.CENTRE):
        return []
    user = request.user
    pauses = list(
        Pause.objects.filter(match=match).select_related(
            "leader_confirmed_by", "centre_confirmed_by"
        )
    )
    current = next((row for row in pauses if row.ended_on is None), None)
    paused = match.status == Match.Status.PAUSED and current is not None
    may_pause = match.status in PAUSABLE and user.has_perm("followup.pause_match", match)
    if not paused and not may_pause and not pauses:
        return []
    state: dict[str, Any] = {}
    if paused and current is not None and user.has_perm("followup.confirm_resume", match):
        state = _confirm_state(current, user, match)
    return [
        {
            "template": template,
            "paused": paused,
            "pause": current if paused else None,
            "may_pause": may_pause,
            "earlier": [row for row in pauses if row.ended_on is not None],
            "total_days": days_of(pauses),
            **state,
        }
    ]

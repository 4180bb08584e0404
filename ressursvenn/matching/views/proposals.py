"""The volunteer's view of a proposal, and her yes or no.

Staged disclosure before the koblingsmøte (issue 4, part 5): she sees only the woman's first
name, age band, general area (the Oslo district, or else the municipality) and interests.
Not her needs (they may be sensitive, and the group leader has already judged the fit), not
her languages, children, contact ways or the crisis centre's notes. The contact ways the woman
agreed to are shown on the match page only after the koblingsmøte.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.lib.audit import record_access
from ressursvenn.lib.vocabulary import Interest, age_band, labels
from ressursvenn.matching.actions.proposals import answer_proposal
from ressursvenn.matching.forms.proposals import AnswerForm
from ressursvenn.matching.models import Match


def _proposal(request: HttpRequest, pk: int) -> Match:
    match = get_object_or_404(
        Match.objects.visible_to(request.user).select_related(
            "volunteer", "referral__municipality", "referral__district"
        ),
        pk=pk,
    )
    if not request.user.has_perm("matching.answer_proposal", match):
        raise PermissionDenied
    return match


def _woman(match: Match) -> dict[str, Any]:
    """What the volunteer may see of the woman before the koblingsmøte."""
    referral = match.referral
    area = referral.district.name if referral.district else referral.municipality.name
    return {
        "first_name": referral.first_name,
        "age_band": age_band(referral.age(timezone.localdate())),
        "area": area,
        "interests": labels(Interest, referral.interests),
    }


def _render(request: HttpRequest, match: Match, form: AnswerForm) -> HttpResponse:
    """Once the proposal is cancelled or over, she sees nothing more of the woman here."""
    still_open = match.status in Match.OPEN_STATUSES
    if still_open:
        record_access(
            match.referral, user=request.user, role=Role.VOLUNTEER, organisation=match.branch
        )
    context = {
        "match": match,
        "woman": _woman(match) if still_open else None,
        "form": form,
        "can_answer": match.status == Match.Status.PROPOSED
        and match.volunteer_answer == Match.Answer.PENDING,
    }
    return render(request, "matching/proposals/proposal.html", context)


@require_safe
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    match = _proposal(request, pk)
    return _render(request, match, AnswerForm())


@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    match = _proposal(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render(request, match, form)
    try:
        answer_proposal(
            match, by=request.user, accept=form.accepts, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("matching:proposal", match.pk)
    if form.accepts:
        messages.success(
            request,
            _("Takk! Gruppelederen tar kontakt for å avtale et koblingsmøte."),
        )
    else:
        messages.success(request, _("Takk for svaret. Gruppelederen finner en annen ressursvenn."))
    return redirect("matching:proposal", match.pk)

"""The volunteer's view of a proposal, and her yes or no.

Staged disclosure before the koblingsmøte (`matching.disclosure`, the volunteer's row): she
sees the woman's first name, age band, general area (the Oslo district, or else the
municipality), interests, what she wants help with, when she can meet and how (in person or
digital): what she needs to say yes or no. Not her languages, children, contact ways or the
crisis centre's notes. The contact ways the woman agreed to are shown on the match page only
after the koblingsmøte.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import fetch, log_access
from ressursvenn.matching import disclosure
from ressursvenn.matching.actions.proposals import answer_proposal
from ressursvenn.matching.forms.proposals import AnswerForm
from ressursvenn.matching.models import Match


def _proposal(request: HttpRequest, pk: int) -> Match:
    matches = Match.objects.visible_to(request.user).select_related(
        "volunteer", "referral__municipality", "referral__district"
    )
    return fetch(request, matches, pk, perm="matching.answer_proposal", log=False)


def _woman(request: HttpRequest, match: Match) -> list[disclosure.Fact]:
    """What the volunteer may see of the woman before the koblingsmøte (the disclosure rule
    for the volunteer, without the contact ways: those belong on the match page)."""
    shown = disclosure.disclose(request.user, match)
    if shown is None:
        return []
    return [fact for fact in shown.woman if fact.key not in disclosure.WOMAN_CONTACT]


def _render(request: HttpRequest, match: Match, form: AnswerForm) -> HttpResponse:
    """Once the proposal is cancelled or over, she sees nothing more of the woman here."""
    still_open = match.status in Match.OPEN_STATUSES
    if still_open:
        log_access(request, match.referral, role=Role.VOLUNTEER, organisation=match.branch)
    context = {
        "match": match,
        "woman": _woman(request, match) if still_open else None,
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

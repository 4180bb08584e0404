"""The match pages: the list of one's visible matches and one match with staged disclosure.

What a role sees of the other party comes from `matching.disclosure` only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.lib.access import add_errors, fetch, log_access, paginate, require
from ressursvenn.matching import disclosure, hooks
from ressursvenn.matching.actions.matches import CANCELLABLE, cancel_match
from ressursvenn.matching.actions.meetings import can_plan
from ressursvenn.matching.forms.meetings import CancelForm, MatchFilterForm, OutcomeForm
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.matching.status import match_state


def fetch_match(request: HttpRequest, pk: int, *, perm: str = "matching.view_match") -> Match:
    """The match if the user may see it (404) and holds `perm` on it (403), with what the
    pages show. Not logged here: what is shown, and so logged, depends on the disclosure."""
    matches = Match.objects.visible_to(request.user).select_related(
        "referral__municipality",
        "referral__district",
        "volunteer__municipality",
        "volunteer__district",
        "volunteer__user",
        "branch",
        "meeting",
    )
    match = fetch(request, matches, pk, perm="matching.view_match", log=False)
    if perm != "matching.view_match":
        require(request, perm, match)
    return match


def meeting_of(match: Match) -> MatchingMeeting | None:
    try:
        return match.meeting
    except MatchingMeeting.DoesNotExist:
        return None


def _log_access(request: HttpRequest, match: Match, shown: disclosure.Disclosure) -> None:
    role = disclosure.ACCESS_ROLE[shown.viewer]
    organisation = match.referral.centre if shown.viewer == disclosure.CENTRE else match.branch
    if shown.woman:
        log_access(request, match.referral, role=role, organisation=organisation)
    if shown.volunteer:
        log_access(request, match.volunteer, role=role, organisation=organisation)


def render_detail(
    request: HttpRequest,
    match: Match,
    *,
    outcome_form: OutcomeForm | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The match page for the viewer's role, with the forms she may use."""
    shown = disclosure.disclose(request.user, match)
    if shown is None:
        raise PermissionDenied
    _log_access(request, match, shown)
    meeting = meeting_of(match)
    planned = match.status == Match.Status.MEETING_PLANNED and meeting is not None
    user = request.user
    may_plan = user.has_perm("matching.plan_meeting", match) and can_plan(match)
    may_record = (
        planned
        and meeting is not None
        and meeting.starts_at <= timezone.now()
        and user.has_perm("matching.record_meeting_outcome", match)
    )
    may_cancel = match.status in CANCELLABLE and user.has_perm("matching.cancel_match", match)
    context = {
        "match": match,
        "meeting": meeting,
        "meeting_planned": planned,
        "shown": shown,
        "viewer": shown.viewer,
        "may_plan": may_plan,
        "outcome_form": (outcome_form or OutcomeForm(prefix="outcome")) if may_record else None,
        "cancel_form": (cancel_form or CancelForm(prefix="cancel")) if may_cancel else None,
        "awaiting_answer": match.status == Match.Status.PROPOSED
        and match.volunteer_answer != Match.Answer.YES,
        "awaiting_meeting": planned and not may_record and meeting is not None,
        "state": match_state(match, user),
        "sections": hooks.sections(request, match, shown),
        # Why it was cancelled (a declined proposal's reason included): the leader only.
        "cancel_reason": match.status_reason
        if match.status == Match.Status.CANCELLED and shown.viewer == disclosure.LEADER
        else "",
    }
    return render(request, "matching/matches/detail.html", context, status=status)


@require_safe
def match_list(request: HttpRequest) -> HttpResponse:
    require(request, "matching.view_matches")
    form = MatchFilterForm(request.GET)
    matches = (
        Match.objects.visible_to(request.user)
        .select_related("referral", "volunteer", "branch", "meeting")
        .order_by("-proposed_at", "-pk")
    )
    if form.is_valid() and form.cleaned_data["status"]:
        matches = matches.filter(status=form.cleaned_data["status"])
    page = paginate(request, matches)
    rows = [{"match": match, "state": match_state(match, request.user)} for match in page]
    return render(request, "matching/matches/list.html", {"form": form, "page": page, "rows": rows})


@require_safe
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, fetch_match(request, pk))


@require_POST
def match_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    match = fetch_match(request, pk, perm="matching.cancel_match")
    if match.status not in CANCELLABLE:
        messages.error(request, _("Koblingen kan ikke avbrytes i denne fasen."))
        return redirect("matching:match_detail", match.pk)
    form = CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            cancel_match(match, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                messages.error(request, error.messages[0])
                return redirect("matching:match_detail", match.pk)
            add_errors(form, error)
        else:
            messages.success(request, _("Koblingen er avbrutt. Kvinnen er tilbake i køen."))
            return redirect("matching:match_detail", match.pk)
    return render_detail(request, fetch_match(request, pk), cancel_form=form)

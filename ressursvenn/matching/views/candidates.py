"""The group leader's matching pages: waiting list, candidates for one woman, batch proposal.

Only group leaders (``matching.match_referral`` / ``matching.propose_batch``); a referral of
another branch is a 404. The leader sees the woman's data of her own branch in full (staged
disclosure concerns what the volunteer and the centre see, not the leader).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.lib.audit import record_access
from ressursvenn.lib.vocabulary import Mode, Need, age_band, labels
from ressursvenn.matching import adapter, engine
from ressursvenn.matching.actions.proposals import propose_match
from ressursvenn.matching.forms.proposals import (
    BatchConfirmForm,
    BranchForm,
    ProposeForm,
    ScopeForm,
)
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.models import Volunteer

PAGE_SIZE = 50


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _leader_branch_ids(request: HttpRequest) -> set[int]:
    user: Any = request.user
    return set(user.organisation_ids(Role.GROUP_LEADER))


def _referrals(request: HttpRequest) -> QuerySet[Referral]:
    """Referrals of the leader's own branches (never another branch's, never drafts)."""
    return Referral.objects.visible_to(request.user).filter(
        branch_id__in=_leader_branch_ids(request)
    )


def _list(request: HttpRequest) -> QuerySet[Referral]:
    """Waiting women and those with a proposal out, longest waiting first."""
    open_match = Match.objects.filter(referral=OuterRef("pk"), status__in=Match.OPEN_STATUSES)
    return (
        _referrals(request)
        .filter(
            Q(status=Referral.Status.ACCEPTED) | Q(status=Referral.Status.PROPOSED),
            consent_withdrawn_at__isnull=True,
        )
        .select_related("branch", "municipality", "district")
        .annotate(open_match=Subquery(open_match.values("pk")[:1], output_field=IntegerField()))
        .order_by("waiting_since", "pk")
    )


@require_safe
def waiting_list(request: HttpRequest) -> HttpResponse:
    _require(request, "matching.match_referral")
    page = Paginator(_list(request), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "referral": referral,
            "waiting_days": referral.waiting_days(now),
            "needs": labels(Need, referral.needs),
            "modes": labels(Mode, referral.modes),
        }
        for referral in page
    ]
    several = len(_leader_branch_ids(request)) > 1
    return render(
        request,
        "matching/candidates/waiting_list.html",
        {"page": page, "rows": rows, "several_branches": several},
    )


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    first_name: str
    age_band: str
    area: str
    branch: str
    score: int
    mode: str
    reasons: tuple[engine.Reason, ...]


def _candidate_rows(ranking: engine.Ranking) -> list[Candidate]:
    """The suggested volunteers with what the leader sees of them (one query)."""
    ids = [s.volunteer_id for s in ranking.suggestions]
    today = timezone.localdate()
    rows = {
        v.pk: v
        for v in Volunteer.objects.filter(pk__in=ids)
        .select_related("municipality", "district", "branch")
        .only(
            "full_name",
            "date_of_birth",
            "municipality__name",
            "district__name",
            "branch__name",
        )
    }
    candidates = []
    for s in ranking.suggestions:
        v = rows[int(s.volunteer_id)]
        area = (
            v.municipality.name
            if v.district is None
            else f"{v.district.name}, {v.municipality.name}"
        )
        candidates.append(
            Candidate(
                volunteer_id=v.pk,
                first_name=v.first_name,
                age_band=age_band(v.age(today)),
                area=area,
                branch=v.branch.name,
                score=s.score,
                mode=str(dict(Mode.choices)[s.mode]),
                reasons=s.reasons,
            )
        )
    return candidates


def _matching_referral(request: HttpRequest, pk: int) -> Referral:
    """The referral for matching pages: leaders only (403), her own branches (404)."""
    _require(request, "matching.match_referral")
    referral = get_object_or_404(
        adapter.referrals_for_matching(_referrals(request)).select_related("branch"), pk=pk
    )
    _require(request, "matching.match_referral", referral)
    return referral


def _pool_branch_ids(referral: Referral, region: bool) -> list[int]:
    return adapter.region_branch_ids(referral.branch) if region else [referral.branch_id]


@require_safe
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _matching_referral(request, pk)
    record_access(referral, user=request.user, role=Role.GROUP_LEADER, organisation=referral.branch)
    scope = ScopeForm(request.GET)
    region = scope.is_valid() and scope.cleaned_data["region"]
    profiles = adapter.volunteer_profiles(
        _pool_branch_ids(referral, region), home_branch_id=referral.branch_id
    )
    ranking = engine.rank(
        adapter.participant_profile(referral),
        profiles,
        weights=adapter.weights(),
        limit=settings.MATCHING_CANDIDATE_LIMIT,
    )
    excluded = [
        (adapter.rule_text(rule), count) for rule, count in ranking.excluded.items() if count
    ]
    open_match = Match.objects.open().filter(referral=referral).values_list("pk", flat=True).first()
    context = {
        "referral": referral,
        "waiting_days": referral.waiting_days(),
        "needs": labels(Need, referral.needs),
        "modes": labels(Mode, referral.modes),
        "scope": scope,
        "region": region,
        "candidates": _candidate_rows(ranking),
        "excluded": excluded,
        "considered": ranking.considered,
        "can_propose": referral.status == Referral.Status.ACCEPTED and referral.has_consent,
        "open_match": open_match,
    }
    return render(request, "matching/candidates/candidates.html", context)


def _candidates_url(referral: Referral, region: bool) -> str:
    url = reverse("matching:candidates", args=[referral.pk])
    return f"{url}?{urlencode({'region': 'on'})}" if region else url


@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _matching_referral(request, pk)
    region = request.POST.get("region") == "on"
    volunteers = Volunteer.objects.all() if region else Volunteer.objects.visible_to(request.user)
    form = ProposeForm(
        request.POST,
        volunteers=volunteers.filter(branch_id__in=_pool_branch_ids(referral, region)),
    )
    if not form.is_valid():
        for error in form.errors.get("volunteer", []):
            messages.error(request, str(error))
        return redirect(_candidates_url(referral, region))
    try:
        propose_match(referral, form.cleaned_data["volunteer"], by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(_candidates_url(referral, region))
    messages.success(
        request,
        _("Forslaget er sendt til ressursvennen. Du får beskjed når hun har svart."),
    )
    return redirect("matching:waiting_list")


def _leader_branches(request: HttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=_leader_branch_ids(request)).order_by("name", "pk")


@dataclass(frozen=True)
class Pair:
    referral: Referral
    waiting_days: int
    candidate: Candidate


def _batch_pairs(branch: Organisation) -> list[Pair]:
    """``engine.assign`` over the branch's waiting women and its approved volunteers."""
    women = list(
        adapter.referrals_for_matching(
            Referral.objects.waiting().filter(branch=branch).order_by("waiting_since", "pk")
        )
    )
    now = timezone.now()
    profiles = [adapter.participant_profile(w, now=now) for w in women]
    volunteers = adapter.volunteer_profiles([branch.pk], home_branch_id=branch.pk)
    proposals = engine.assign(profiles, volunteers, weights=adapter.weights())
    by_id = {w.pk: w for w in women}
    woman_profile = {p.id: p for p in profiles}
    volunteer_profile = {v.id: v for v in volunteers}
    suggestions = [
        engine.evaluate(
            woman_profile[p.participant_id],
            volunteer_profile[p.volunteer_id],
            weights=adapter.weights(),
        )
        for p in proposals
    ]
    ranking = engine.Ranking(tuple(s for s in suggestions if s is not None), {})
    rows = {c.volunteer_id: c for c in _candidate_rows(ranking)}
    pairs = [
        Pair(
            referral=by_id[int(p.participant_id)],
            waiting_days=by_id[int(p.participant_id)].waiting_days(now),
            candidate=rows[int(p.volunteer_id)],
        )
        for p in proposals
    ]
    return sorted(pairs, key=lambda pair: (-pair.waiting_days, pair.referral.pk))


def _batch_branch(request: HttpRequest, data: Any) -> tuple[BranchForm, Organisation | None]:
    branches = _leader_branches(request)
    form = BranchForm(
        data or {"branch": branches.values_list("pk", flat=True).first()}, branches=branches
    )
    return form, form.cleaned_data["branch"] if form.is_valid() else None


def batch(request: HttpRequest) -> HttpResponse:
    _require(request, "matching.propose_batch")
    if request.method == "POST":
        return _batch_confirm(request)
    form, branch = _batch_branch(request, request.GET if "branch" in request.GET else None)
    pairs = _batch_pairs(branch) if branch is not None else []
    waiting = Referral.objects.waiting().filter(branch=branch).count() if branch else 0
    return render(
        request,
        "matching/candidates/batch.html",
        {"form": form, "branch": branch, "pairs": pairs, "waiting": waiting},
    )


def _batch_confirm(request: HttpRequest) -> HttpResponse:
    form = BatchConfirmForm(
        request.POST,
        referrals=_referrals(request),
        volunteers=Volunteer.objects.visible_to(request.user),
    )
    target = reverse("matching:batch")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(target)
    referral = form.cleaned_data["referral"]
    target = f"{target}?{urlencode({'branch': referral.branch_id})}"
    try:
        propose_match(referral, form.cleaned_data["volunteer"], by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(
                request, _("Dette paret kan ikke lenger foreslås: %(why)s") % {"why": text}
            )
        return redirect(target)
    messages.success(request, _("Forslaget er sendt til ressursvennen."))
    return redirect(target)

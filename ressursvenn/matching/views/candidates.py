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
from django.core.exceptions import ValidationError
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ressursvenn.accounts.models import Role
from ressursvenn.lib.access import fetch, log_access, paginate, require
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
from ressursvenn.matching.status import match_state
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers.models import Volunteer


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
    require(request, "matching.match_referral")
    page = paginate(request, _list(request))
    now = timezone.now()
    open_matches = {
        match.referral_id: match
        for match in Match.objects.visible_to(request.user)
        .open()
        .filter(referral__in=[referral.pk for referral in page])
        .select_related("meeting")
    }
    rows = [
        {
            "referral": referral,
            "waiting_days": referral.waiting_days(now),
            "needs": labels(Need, referral.needs),
            "modes": labels(Mode, referral.modes),
            "match": open_matches.get(referral.pk),
            "state": (
                match_state(open_matches[referral.pk], request.user)
                if referral.pk in open_matches
                else None
            ),
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
    branch_id: int = 0
    free_places: int = 0

    @property
    def fits(self) -> list[engine.Reason]:
        """What speaks for her: the factors that gave points and say something about her."""
        return [r for r in self.reasons if r.points > 0 and not r.neutral]

    @property
    def fits_less(self) -> list[engine.Reason]:
        """What speaks less for her: the factors that gave no points."""
        return [r for r in self.reasons if r.points <= 0 and not r.neutral]

    @property
    def same_for_all(self) -> list[engine.Reason]:
        """Factors the woman stated no wish for: the same points for every volunteer."""
        return [r for r in self.reasons if r.neutral]


def _candidate_rows(
    ranking: engine.Ranking, free_places: dict[Any, int] | None = None
) -> list[Candidate]:
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
            "branch_id",
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
                branch_id=v.branch_id,
                free_places=(free_places or {}).get(s.volunteer_id, 0),
            )
        )
    return candidates


def _matching_referral(request: HttpRequest, pk: int) -> Referral:
    """The referral for matching pages: leaders only (403), her own branches (404)."""
    require(request, "matching.match_referral")
    return fetch(
        request,
        adapter.referrals_for_matching(_referrals(request)).select_related("branch", "centre"),
        pk,
        perm="matching.match_referral",
        log=False,
    )


def _pool_branch_ids(referral: Referral, region: bool) -> list[int]:
    return adapter.region_branch_ids(referral.branch) if region else [referral.branch_id]


@require_safe
def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _matching_referral(request, pk)
    log_access(request, referral, role=Role.GROUP_LEADER, organisation=referral.branch)
    scope = ScopeForm(request.GET)
    region = scope.is_valid() and scope.cleaned_data["region"]
    pool = adapter.volunteer_pool(
        _pool_branch_ids(referral, region), home_branch_id=referral.branch_id
    )
    ranking = engine.rank(
        adapter.participant_profile(referral),
        pool,
        weights=adapter.weights(),
        limit=settings.MATCHING_CANDIDATE_LIMIT,
    )
    free_places = {s.volunteer_id: _free_places(pool, s.volunteer_id) for s in ranking.suggestions}
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
        "candidates": _candidate_rows(ranking, free_places),
        "own_branches": _leader_branch_ids(request),
        "excluded": excluded,
        "considered": ranking.considered,
        "can_propose": referral.status == Referral.Status.ACCEPTED and referral.has_consent,
        "open_match": open_match,
    }
    return render(request, "matching/candidates/candidates.html", context)


def _free_places(pool: engine.VolunteerPool, volunteer_id: engine.ProfileId) -> int:
    profile = pool.get(volunteer_id)
    return profile.capacity_left if profile is not None else 0


def _candidates_url(referral: Referral, region: bool) -> str:
    url = reverse("matching:candidates", args=[referral.pk])
    return f"{url}?{urlencode({'region': 'on'})}" if region else url


def _proposable(request: HttpRequest, referral: Referral, region: bool) -> QuerySet[Volunteer]:
    """The volunteers the leader may propose for `referral` (the region's for digital)."""
    volunteers = Volunteer.objects.all() if region else Volunteer.objects.visible_to(request.user)
    return volunteers.filter(branch_id__in=_pool_branch_ids(referral, region))


@require_http_methods(["GET", "HEAD", "POST"])
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation (who is proposed to whom, what happens next). POST: send it."""
    referral = _matching_referral(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    region = data.get("region") == "on"
    form = ProposeForm(data, volunteers=_proposable(request, referral, region))
    if not form.is_valid():
        for error in form.errors.get("volunteer", []):
            messages.error(request, str(error))
        return redirect(_candidates_url(referral, region))
    volunteer = form.cleaned_data["volunteer"]
    if request.method != "POST":
        return _confirm_page(request, referral, volunteer, region)
    try:
        propose_match(referral, volunteer, by=request.user)
    except ValidationError as error:
        sent = Match.objects.open().filter(referral=referral, volunteer=volunteer).first()
        if sent is not None:  # a second submit of the same confirmation
            messages.info(request, _("Forslaget er allerede sendt til ressursvennen."))
            return redirect("matching:waiting_list")
        for text in error.messages:
            messages.error(request, text)
        return redirect(_candidates_url(referral, region))
    messages.success(
        request,
        _("Forslaget er sendt til ressursvennen. Du får beskjed når hun har svart."),
    )
    return redirect("matching:waiting_list")


def _confirm_page(
    request: HttpRequest, referral: Referral, volunteer: Volunteer, region: bool
) -> HttpResponse:
    """Who is proposed to whom, and what happens when the leader confirms."""
    if referral.status != Referral.Status.ACCEPTED or not referral.has_consent:
        messages.error(
            request, _("Hun står ikke på ventelisten nå, så du kan ikke sende et nytt forslag.")
        )
        return redirect(_candidates_url(referral, region))
    woman = adapter.participant_profile(referral)
    profiles = adapter.volunteer_profiles(
        [volunteer.branch_id],
        home_branch_id=referral.branch_id,
        volunteers=Volunteer.objects.filter(pk=volunteer.pk),
    )
    suggestion = (
        engine.evaluate(woman, profiles[0], weights=adapter.weights()) if profiles else None
    )
    if suggestion is None:
        rule = engine.failing_rule(woman, profiles[0]) if profiles else engine.NOT_ELIGIBLE
        messages.error(
            request,
            _("Denne ressursvennen kan ikke foreslås: %(rule)s.")
            % {"rule": adapter.rule_text(rule or engine.NOT_ELIGIBLE)},
        )
        return redirect(_candidates_url(referral, region))
    candidate = _candidate_rows(
        engine.Ranking((suggestion,), {}), {profiles[0].id: profiles[0].capacity_left}
    )[0]
    return render(
        request,
        "matching/candidates/confirm.html",
        {
            "referral": referral,
            "candidate": candidate,
            "region": region,
            "back": _candidates_url(referral, region),
        },
    )


def _leader_branches(request: HttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=_leader_branch_ids(request)).order_by("name", "pk")


@dataclass(frozen=True)
class Pair:
    referral: Referral
    waiting_days: int
    candidate: Candidate


def _batch_pairs(branch: Organisation) -> tuple[list[Pair], list[engine.VolunteerProfile]]:
    """``engine.assign`` over the branch's waiting women and its approved volunteers (each
    volunteer in at most as many pairs as she has free places); also the volunteers."""
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
    kept = [(p, s) for p, s in zip(proposals, suggestions, strict=True) if s is not None]
    # One row per pair, in the pairs' order (a volunteer with two free places may be in two).
    candidates = _candidate_rows(
        engine.Ranking(tuple(s for _p, s in kept), {}),
        {v.id: v.capacity_left for v in volunteers},
    )
    pairs = []
    for (proposal, _s), candidate in zip(kept, candidates, strict=True):
        woman = by_id[int(proposal.participant_id)]
        pairs.append(
            Pair(referral=woman, waiting_days=woman.waiting_days(now), candidate=candidate)
        )
    return sorted(pairs, key=lambda pair: (-pair.waiting_days, pair.referral.pk)), volunteers


@dataclass(frozen=True)
class Place:
    """A volunteer of the branch with free places, and how many the batch proposal uses."""

    first_name: str
    free: int
    proposed: int


def _places(volunteers: list[engine.VolunteerProfile], pairs: list[Pair]) -> list[Place]:
    """The branch's cleared volunteers with a free place (approved, screening valid)."""
    profiles = [v for v in volunteers if v.eligible and v.capacity_left > 0]
    names = dict(
        Volunteer.objects.filter(pk__in=[v.id for v in profiles]).values_list("pk", "full_name")
    )
    used: dict[int, int] = {}
    for pair in pairs:
        used[pair.candidate.volunteer_id] = used.get(pair.candidate.volunteer_id, 0) + 1
    places = [
        Place(
            first_name=str(names[int(v.id)]).split(" ")[0],
            free=v.capacity_left,
            proposed=used.get(int(v.id), 0),
        )
        for v in profiles
    ]
    return sorted(places, key=lambda place: (-place.proposed, place.first_name))


def _batch_branch(request: HttpRequest, data: Any) -> tuple[BranchForm, Organisation | None]:
    branches = _leader_branches(request)
    form = BranchForm(
        data or {"branch": branches.values_list("pk", flat=True).first()}, branches=branches
    )
    return form, form.cleaned_data["branch"] if form.is_valid() else None


def batch(request: HttpRequest) -> HttpResponse:
    require(request, "matching.propose_batch")
    if request.method == "POST":
        return _batch_confirm(request)
    form, branch = _batch_branch(request, request.GET if "branch" in request.GET else None)
    pairs, volunteers = _batch_pairs(branch) if branch is not None else ([], [])
    waiting = Referral.objects.waiting().filter(branch=branch).count() if branch else 0
    places = _places(volunteers, pairs)
    return render(
        request,
        "matching/candidates/batch.html",
        {"form": form, "branch": branch, "pairs": pairs, "waiting": waiting, "places": places},
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

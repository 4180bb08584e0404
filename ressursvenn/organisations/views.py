"""Pages about organisations, and the public page about the service and its data sources.

Organisation management (list, create, edit, cooperations) is for the national coordinator
only ("organisations.manage"); everyone else gets 403 before anything is fetched. Rows are
fetched with `lib.access.fetch` through `visible_to`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ressursvenn.lib.access import add_errors, error_text, fetch, paginate
from ressursvenn.organisations import actions, reference
from ressursvenn.organisations.forms import (
    CooperationForm,
    OrganisationFilterForm,
    OrganisationForm,
)
from ressursvenn.organisations.models import Cooperation, Organisation

manage = permission_required(actions.PERMISSION, raise_exception=True)


@login_not_required
@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/about.html",
        {"credit": reference.CREDIT, "licence": reference.LICENCE},
    )


def _count(rows: Any, field: str) -> Coalesce:
    """Number of `rows` pointing at the outer organisation through `field` (a subquery)."""
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@manage
@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET)
    covered_municipalities = Organisation.municipalities.through.objects.all()
    covered_districts = Organisation.districts.through.objects.all()
    organisations = (
        Organisation.objects.visible_to(request.user)
        .select_related("municipality")
        .annotate(
            area_count=_count(covered_municipalities, "organisation")
            + _count(covered_districts, "organisation"),
            cooperation_count=_count(Cooperation.objects.all(), "branch")
            + _count(Cooperation.objects.all(), "crisis_centre"),
        )
        .order_by("name", "pk")
    )
    if form.is_valid():
        if form.cleaned_data["type"]:
            organisations = organisations.filter(kind=form.cleaned_data["type"])
        if form.cleaned_data["q"].strip():
            organisations = organisations.filter(name__icontains=form.cleaned_data["q"].strip())
    page = paginate(request, organisations)
    return render(request, "organisations/list.html", {"form": form, "page": page})


@manage
@require_safe
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = fetch(
        request, Organisation.objects.visible_to(request.user).select_related("municipality"), pk
    )
    cooperations = [
        (
            cooperation,
            cooperation.crisis_centre
            if cooperation.branch_id == organisation.pk
            else cooperation.branch,
        )
        for cooperation in Cooperation.objects.filter(
            Q(branch=organisation) | Q(crisis_centre=organisation)
        ).select_related("branch", "crisis_centre")
    ]
    members: Any = organisation.memberships
    memberships = (
        members.visible_to(request.user)
        .active()
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )
    context = {
        "organisation": organisation,
        "municipalities": organisation.municipalities.all(),
        "districts": organisation.districts.all(),
        "cooperations": cooperations,
        "memberships": memberships,
        "can_cooperate": organisation.kind != Organisation.Kind.NATIONAL,
    }
    return render(request, "organisations/detail.html", context)


@manage
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.create_organisation(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Organisasjonen er opprettet."))
            return redirect("organisations:detail", organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


@manage
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = fetch(
        request, Organisation.objects.visible_to(request.user).select_related("municipality"), pk
    )
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_organisation(organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("organisations:detail", organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@manage
def cooperation_add(request: HttpRequest, pk: int) -> HttpResponse:
    parties = Organisation.objects.visible_to(request.user).filter(
        kind__in=[Organisation.Kind.BRANCH, Organisation.Kind.CRISIS_CENTRE]
    )
    organisation = fetch(request, parties, pk)
    form = CooperationForm(
        request.POST if request.method == "POST" else None, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        branch, crisis_centre = form.parties()
        try:
            actions.add_cooperation(
                by=request.user,
                branch=branch,
                crisis_centre=crisis_centre,
                started_on=form.cleaned_data["started_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Samarbeidsavtalen er registrert."))
            return redirect("organisations:detail", organisation.pk)
    return render(
        request, "organisations/cooperation_form.html", {"form": form, "organisation": organisation}
    )


@manage
@require_POST
def cooperation_end(request: HttpRequest, pk: int) -> HttpResponse:
    cooperation = fetch(
        request,
        Cooperation.objects.visible_to(request.user).select_related("branch", "crisis_centre"),
        pk,
    )
    # Go back to the party whose page the button was on (the branch when unknown).
    back = cooperation.branch_id
    if request.POST.get("from") == str(cooperation.crisis_centre_id):
        back = cooperation.crisis_centre_id
    try:
        actions.end_cooperation(cooperation, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Samarbeidsavtalen mellom {branch} og {centre} er avsluttet.").format(
                branch=cooperation.branch.name, centre=cooperation.crisis_centre.name
            ),
        )
    return redirect("organisations:detail", back)

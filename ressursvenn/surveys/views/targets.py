"""Reporting periods and their targets, for the national coordinator: the list of periods,
one period with its targets, and the forms to create, change and delete both.

Periods and targets hold no person's data and have no scope beyond the permission: every
view checks ``surveys.manage_targets`` (403) before it fetches a row (404 when missing).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ressursvenn.lib.access import add_errors, error_text, paginate, require
from ressursvenn.surveys.actions import targets as actions
from ressursvenn.surveys.forms.targets import PeriodForm, TargetForm, TargetValueForm
from ressursvenn.surveys.models import ReportingPeriod, Target
from ressursvenn.surveys.targets import METRICS

form_view = require_http_methods(["GET", "HEAD", "POST"])
MANAGE = "surveys.manage_targets"


def _stale(request: HttpRequest, error: ValidationError, to: str, *args: Any) -> Any:
    """A row gone meanwhile: the message on the page it came from (or the list)."""
    if getattr(error, "code", None) == "stale":
        messages.error(request, error_text(error))
        return redirect(to, *args)
    return None


def targets(request: HttpRequest) -> HttpResponse:
    require(request, MANAGE)
    return _targets(request)


@require_safe
def _targets(request: HttpRequest) -> HttpResponse:
    periods = ReportingPeriod.objects.annotate(target_count=Count("targets")).order_by(
        "-starts_on", "name"
    )
    return render(request, "surveys/targets.html", {"page": paginate(request, periods)})


@form_view
def period_new(request: HttpRequest) -> HttpResponse:
    require(request, MANAGE)
    form = PeriodForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            period = actions.create_period(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Perioden er opprettet. Sett målene for den her."))
            return redirect("surveys:period_detail", period.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "surveys/targets_period_form.html", {"form": form, "period": None}, status=status
    )


def _period(request: HttpRequest, pk: int) -> ReportingPeriod:
    require(request, MANAGE)
    return get_object_or_404(ReportingPeriod, pk=pk)


def _detail_context(period: ReportingPeriod, form: TargetForm | None = None) -> dict[str, Any]:
    rows = list(
        Target.objects.filter(period=period)
        .select_related("organisation")
        .order_by("organisation__name", "metric", "pk")
    )
    for target in rows:
        target.metric_label = METRICS.get(target.metric, target.metric)  # type: ignore[attr-defined]
    national = [t for t in rows if t.organisation_id is None]
    branches = [t for t in rows if t.organisation_id is not None]
    return {
        "period": period,
        "national_targets": national,
        "branch_targets": branches,
        "form": form or TargetForm(),
    }


@form_view
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The period with its targets; POST adds a target."""
    period = _period(request, pk)
    if request.method != "POST":
        return render(request, "surveys/targets_period.html", _detail_context(period))
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            actions.create_target(
                period,
                by=request.user,
                metric=form.cleaned_data["metric"],
                value=form.cleaned_data["value"],
                organisation=form.branch(),
            )
        except ValidationError as error:
            stale = _stale(request, error, "surveys:targets")
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            messages.success(request, _("Målet er satt."))
            return redirect("surveys:period_detail", period.pk)
    return render(request, "surveys/targets_period.html", _detail_context(period, form), status=400)


@form_view
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    initial = {f: getattr(period, f) for f in actions.PERIOD_FIELDS}
    form = PeriodForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_period(period, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            stale = _stale(request, error, "surveys:targets")
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            messages.success(request, _("Perioden er endret."))
            return redirect("surveys:period_detail", period.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "surveys/targets_period_form.html", {"form": form, "period": period}, status=status
    )


@form_view
def period_delete(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    if request.method == "POST":
        try:
            actions.delete_period(period, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Perioden «%(name)s» og målene for den er slettet.") % {"name": period.name},
            )
        return redirect("surveys:targets")
    count = Target.objects.filter(period=period).count()
    return render(
        request, "surveys/targets_period_delete.html", {"period": period, "target_count": count}
    )


def _target(request: HttpRequest, pk: int) -> Target:
    require(request, MANAGE)
    return get_object_or_404(Target.objects.select_related("period", "organisation"), pk=pk)


@form_view
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    form = TargetValueForm(
        request.POST if request.method == "POST" else None, initial={"value": target.value}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_target(target, by=request.user, value=form.cleaned_data["value"])
        except ValidationError as error:
            stale = _stale(request, error, "surveys:period_detail", target.period_id)
            if stale is not None:
                return stale
            add_errors(form, error)
        else:
            messages.success(request, _("Målet er endret."))
            return redirect("surveys:period_detail", target.period_id)
    context = {"form": form, "target": target, "metric": METRICS.get(target.metric, target.metric)}
    return render(
        request, "surveys/targets_target_form.html", context, status=400 if form.is_bound else 200
    )


@form_view
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    if request.method == "POST":
        try:
            actions.delete_target(target, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Målet er slettet."))
        return redirect("surveys:period_detail", target.period_id)
    context = {"target": target, "metric": METRICS.get(target.metric, target.metric)}
    return render(request, "surveys/targets_target_delete.html", context)

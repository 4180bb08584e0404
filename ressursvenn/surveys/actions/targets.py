"""Reporting periods and their targets: the national coordinator creates, changes and deletes
them (``surveys.manage_targets``, checked again here).

Periods may overlap (a calendar year and a two-year grant); a period ends on or after its
start (also a database constraint) and its name is unique. A target is one figure
(``surveys.targets.METRICS``) for the whole country (no organisation) or one branch, at most
once per period and scope. Every action locks the period row first, so two coordinators
setting the same target at once are serialised: the second gets the duplicate message, never
a 500; the database's unique constraints are the last word (an ``IntegrityError`` becomes the
same message). A row deleted by someone else meanwhile gives a "stale" ``ValidationError``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, record_creation, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.organisations.models import Organisation
from ressursvenn.surveys.models import ReportingPeriod, Target
from ressursvenn.surveys.targets import METRICS

PERIOD_FIELDS = ("name", "funder", "starts_on", "ends_on")
TARGET_FIELDS = ("period", "metric", "organisation", "value")
MAX_TARGET = 1_000_000


def stale(message: str) -> ValidationError:
    return ValidationError(message, code="stale")


def _check_period(name: str, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if not name.strip():
        raise ValidationError({"name": _("Skriv et navn på perioden.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("Til-datoen kan ikke være før fra-datoen.")})


def _name_taken() -> ValidationError:
    return ValidationError(
        {"name": _("Det finnes allerede en periode med dette navnet. Velg et annet navn.")}
    )


def _lock_period(period: ReportingPeriod) -> ReportingPeriod:
    locked = ReportingPeriod.objects.select_for_update().filter(pk=period.pk).first()
    if locked is None:
        raise stale(_("Perioden finnes ikke lenger. Noen kan ha slettet den."))
    return locked


@transaction.atomic
def create_period(
    *, by: Any, name: str, starts_on: datetime.date, ends_on: datetime.date, funder: str = ""
) -> ReportingPeriod:
    """A new reporting period. Refused: an empty name, a name in use, an end before the
    start. Audited (REPORTING_PERIOD_CREATE)."""
    require(by, "surveys.manage_targets")
    _check_period(name, starts_on, ends_on)
    if ReportingPeriod.objects.filter(name=name).exists():
        raise _name_taken()
    try:
        with transaction.atomic():
            period = ReportingPeriod.objects.create(
                name=name, funder=funder, starts_on=starts_on, ends_on=ends_on, created_by=by
            )
    except IntegrityError as error:  # the same name saved at the same moment
        raise _name_taken() from error
    record_creation(period, by=by, action=AuditAction.REPORTING_PERIOD_CREATE, fields=PERIOD_FIELDS)
    return period


@transaction.atomic
def update_period(
    period: ReportingPeriod,
    *,
    by: Any,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    funder: str = "",
) -> ReportingPeriod:
    """Change a period's name, funder or dates (its targets stay). Refused as on creation;
    nothing changed is not audited. Audited (REPORTING_PERIOD_UPDATE)."""
    require(by, "surveys.manage_targets")
    _check_period(name, starts_on, ends_on)
    period = _lock_period(period)
    if ReportingPeriod.objects.filter(name=name).exclude(pk=period.pk).exists():
        raise _name_taken()
    before = snapshot(period, PERIOD_FIELDS)
    period.name, period.funder = name, funder
    period.starts_on, period.ends_on = starts_on, ends_on
    changes = diff(ReportingPeriod, before, snapshot(period, PERIOD_FIELDS))
    if not changes:
        return period
    try:
        with transaction.atomic():
            period.save(update_fields=list(PERIOD_FIELDS))
    except IntegrityError as error:
        raise _name_taken() from error
    record_change(period, by=by, action=AuditAction.REPORTING_PERIOD_UPDATE, changes=changes)
    return period


@transaction.atomic
def delete_period(period: ReportingPeriod, *, by: Any) -> None:
    """Delete a period and its targets (the figures themselves are not stored, so nothing
    else goes). Audited (REPORTING_PERIOD_DELETE, with the name and the number of targets)."""
    require(by, "surveys.manage_targets")
    period = _lock_period(period)
    targets = Target.objects.filter(period=period).count()
    record_change(
        period,
        by=by,
        action=AuditAction.REPORTING_PERIOD_DELETE,
        changes={"name": [period.name, None], "targets": [targets, 0]},
    )
    period.delete()


def _check_value(value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TARGET:
        raise ValidationError(
            {"value": _("Skriv et helt tall fra 1 til %(max)s.") % {"max": "1 000 000"}}
        )


def _duplicate() -> ValidationError:
    return ValidationError(
        {
            "metric": _(
                "Perioden har allerede et mål for dette i dette området. Endre det målet i stedet."
            )
        }
    )


@transaction.atomic
def create_target(
    period: ReportingPeriod,
    *,
    by: Any,
    metric: str,
    value: int,
    organisation: Organisation | None = None,
) -> Target:
    """A target for ``metric`` in ``period``, nationally (``organisation`` None) or for a
    branch. Refused: an unknown figure, a scope that is not a branch, a value outside
    1..MAX_TARGET, a target the period already has for that figure and scope (also when two
    coordinators set it at once). Audited (TARGET_CREATE)."""
    require(by, "surveys.manage_targets")
    if metric not in METRICS:
        raise ValidationError({"metric": _("Velg hva målet gjelder, fra listen.")})
    if organisation is not None and organisation.kind != Organisation.Kind.BRANCH:
        raise ValidationError({"organisation": _("Velg hele landet eller en lokalforening.")})
    _check_value(value)
    period = _lock_period(period)
    if Target.objects.filter(period=period, metric=metric, organisation=organisation).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            target = Target.objects.create(
                period=period, metric=metric, organisation=organisation, value=value
            )
    except IntegrityError as error:
        raise _duplicate() from error
    record_creation(
        target,
        by=by,
        action=AuditAction.TARGET_CREATE,
        fields=TARGET_FIELDS,
        organisation=organisation,
    )
    return target


def _lock_target(target: Target) -> Target:
    locked = Target.objects.select_for_update().filter(pk=target.pk).first()
    if locked is None:
        raise stale(_("Målet finnes ikke lenger. Noen kan ha slettet det."))
    return locked


@transaction.atomic
def update_target(target: Target, *, by: Any, value: int) -> Target:
    """Change a target's value (to change its figure or scope, delete it and set a new one).
    The same value again changes nothing. Audited (TARGET_UPDATE)."""
    require(by, "surveys.manage_targets")
    _check_value(value)
    _lock_period(target.period)
    target = _lock_target(target)
    if target.value == value:
        return target
    changes = {"value": [target.value, value]}
    target.value = value
    target.save(update_fields=["value"])
    record_change(
        target,
        by=by,
        action=AuditAction.TARGET_UPDATE,
        changes=changes,
        organisation=target.organisation,
    )
    return target


@transaction.atomic
def delete_target(target: Target, *, by: Any) -> None:
    """Delete one target. Audited (TARGET_DELETE, with its figure, scope and value)."""
    require(by, "surveys.manage_targets")
    _lock_period(target.period)
    target = _lock_target(target)
    record_change(
        target,
        by=by,
        action=AuditAction.TARGET_DELETE,
        changes={
            "metric": [target.metric, None],
            "organisation": [target.organisation_id, None],
            "value": [target.value, None],
        },
        organisation=target.organisation,
    )
    target.delete()

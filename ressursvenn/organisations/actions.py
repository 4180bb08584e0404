"""Every change to organisations and their cooperation agreements (samarbeidsavtaler).

Each action checks permission and state, runs in one transaction and writes the audit trail.
Only the national coordinator ("organisations.manage") may call them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import diff, record_change, snapshot
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.organisations.models import (
    Cooperation,
    District,
    Municipality,
    Organisation,
)
from ressursvenn.organisations.reference import OSLO

PERMISSION = "organisations.manage"
# Plain fields of an organisation written to the audit trail (areas are added as code lists).
AUDITED_FIELDS = ("kind", "name", "municipality_id", "email", "phone", "is_active")


def latest_start(today: datetime.date | None = None) -> datetime.date:
    """The latest allowed start date of a cooperation: one year from today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def validate_organisation(
    *,
    kind: str,
    name: str,
    municipality: Municipality | None,
    municipalities: Iterable[Municipality],
    districts: Iterable[District],
    is_active: bool = True,
    instance: Organisation | None = None,
) -> None:
    """Raise ValidationError({field: message}) when the organisation would break a rule."""
    municipalities, districts = list(municipalities), list(districts)
    errors: dict[str, str] = {}
    others = Organisation.objects.exclude(pk=instance.pk) if instance else Organisation.objects
    if kind not in Organisation.Kind.values:
        errors["kind"] = _("Velg en gyldig type.")
    if not name.strip():
        errors["name"] = _("Skriv inn navnet.")
    elif others.filter(name__iexact=name.strip()).exists():
        errors["name"] = _("Det finnes allerede en organisasjon med dette navnet.")
    has_areas = bool(municipalities or districts)
    if kind == Organisation.Kind.NATIONAL:
        if others.filter(kind=Organisation.Kind.NATIONAL).exists():
            errors["kind"] = _("Det finnes allerede et nasjonalt kontor. Det kan bare være ett.")
        if has_areas:
            errors["municipalities"] = _(
                "N.K.S. sentralt dekker hele landet. Fjern kommunene og bydelene."
            )
        if not is_active:
            errors["is_active"] = _("N.K.S. sentralt kan ikke deaktiveres.")
    if kind == Organisation.Kind.BRANCH and not has_areas:
        errors["municipalities"] = _("En lokalforening må dekke minst én kommune eller bydel.")
    if kind == Organisation.Kind.CRISIS_CENTRE and municipality is None:
        errors["municipality"] = _("Et krisesenter må ha en vertskommune.")
    if districts and (municipality is None or municipality.code != OSLO):
        errors["districts"] = _(
            "Bydeler finnes bare i Oslo. Velg Oslo som vertskommune, eller fjern bydelene."
        )
    if errors:
        raise ValidationError(errors)


def _state(organisation: Organisation) -> dict[str, Any]:
    """Audited values: the plain fields and the covered areas as sorted code lists."""
    state = snapshot(organisation, AUDITED_FIELDS)
    state["municipalities"] = sorted(m.code for m in organisation.municipalities.all())
    state["districts"] = sorted(d.code for d in organisation.districts.all())
    return state


@transaction.atomic
def create_organisation(
    *,
    by: Any,
    kind: str,
    name: str,
    municipality: Municipality | None = None,
    municipalities: Iterable[Municipality] = (),
    districts: Iterable[District] = (),
    email: str = "",
    phone: str = "",
) -> Organisation:
    """Create an organisation (national office, branch or crisis centre).

    Side effects: creates the organisation (active) with its covered municipalities and Oslo
    districts, and writes the audit event "organisation.create". Raises PermissionDenied unless
    `by` manages organisations, and ValidationError when a rule in `validate_organisation` fails.
    """
    require(by, PERMISSION)
    municipalities, districts = list(municipalities), list(districts)
    validate_organisation(
        kind=kind,
        name=name,
        municipality=municipality,
        municipalities=municipalities,
        districts=districts,
    )
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                kind=kind,
                name=name.strip(),
                municipality=municipality,
                email=email.strip().lower(),
                phone=phone.strip(),
            )
    except IntegrityError as error:  # a concurrent request created the same name first
        raise ValidationError(
            {"name": _("Det finnes allerede en organisasjon med dette navnet.")}
        ) from error
    organisation.municipalities.set(municipalities)
    organisation.districts.set(districts)
    after = _state(organisation)
    record_change(
        organisation,
        by=by,
        action=AuditAction.ORGANISATION_CREATE,
        changes=diff(Organisation, dict.fromkeys(after), after),
        organisation=organisation,
    )
    return organisation


@transaction.atomic
def update_organisation(
    organisation: Organisation,
    *,
    by: Any,
    name: str,
    municipality: Municipality | None,
    municipalities: Iterable[Municipality],
    districts: Iterable[District],
    email: str,
    is_active: bool,
    phone: str = "",
) -> Organisation:
    """Change an organisation's name, municipality, covered areas, e-mail, phone or active
    state.

    The kind never changes. Side effects: saves the organisation and its covered areas and, if
    anything changed, writes the audit event "organisation.update" with the changed fields.
    Deactivating an organisation also ends the effect of its members' roles (they no longer
    count as active). Raises PermissionDenied unless `by` manages organisations, and
    ValidationError when a rule in `validate_organisation` fails.
    """
    require(by, PERMISSION)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    municipalities, districts = list(municipalities), list(districts)
    validate_organisation(
        kind=organisation.kind,
        name=name,
        municipality=municipality,
        municipalities=municipalities,
        districts=districts,
        is_active=is_active,
        instance=organisation,
    )
    before = _state(organisation)
    organisation.name = name.strip()
    organisation.municipality = municipality
    organisation.email = email.strip().lower()
    organisation.phone = phone.strip()
    organisation.is_active = is_active
    try:
        with transaction.atomic():
            organisation.save(update_fields=["name", "municipality", "email", "phone", "is_active"])
    except IntegrityError as error:
        raise ValidationError(
            {"name": _("Det finnes allerede en organisasjon med dette navnet.")}
        ) from error
    organisation.municipalities.set(municipalities)
    organisation.districts.set(districts)
    changes = diff(Organisation, before, _state(organisation))
    if changes:
        record_change(
            organisation,
            by=by,
            action=AuditAction.ORGANISATION_UPDATE,
            changes=changes,
            organisation=organisation,
        )
    return organisation


@transaction.atomic
def add_cooperation(
    *, by: Any, branch: Organisation, crisis_centre: Organisation, started_on: datetime.date
) -> Cooperation:
    """Record a cooperation agreement between an active branch and an active crisis centre.

    Side effects: creates the cooperation and writes the audit event "cooperation.add" (on the
    branch). Raises PermissionDenied unless `by` manages organisations, and ValidationError when
    the parties are of the wrong kind or inactive, the start date is more than a year ahead, or
    the two already cooperate (also when a concurrent request got there first).
    """
    require(by, PERMISSION)
    if branch.kind != Organisation.Kind.BRANCH:
        raise ValidationError(_("Samarbeidsavtalen må ha en lokalforening som den ene parten."))
    if crisis_centre.kind != Organisation.Kind.CRISIS_CENTRE:
        raise ValidationError(_("Samarbeidsavtalen må ha et krisesenter som den andre parten."))
    if not (branch.is_active and crisis_centre.is_active):
        raise ValidationError(_("Begge partene må være aktive."))
    if started_on > latest_start():
        raise ValidationError(
            {"started_on": _("Startdatoen kan ikke være mer enn ett år fram i tid.")}
        )
    duplicate = _("{branch} og {centre} har allerede en samarbeidsavtale.").format(
        branch=branch.name, centre=crisis_centre.name
    )
    if Cooperation.objects.filter(branch=branch, crisis_centre=crisis_centre).exists():
        raise ValidationError(duplicate)
    try:
        with transaction.atomic():
            cooperation = Cooperation.objects.create(
                branch=branch, crisis_centre=crisis_centre, started_on=started_on
            )
    except IntegrityError as error:  # a concurrent request added the same pair first
        raise ValidationError(duplicate) from error
    fields = ("branch_id", "crisis_centre_id", "started_on")
    after = snapshot(cooperation, fields)
    record_change(
        cooperation,
        by=by,
        action=AuditAction.COOPERATION_ADD,
        changes=diff(Cooperation, dict.fromkeys(fields), after),
        organisation=branch,
    )
    return cooperation


@transaction.atomic
def end_cooperation(cooperation: Cooperation, *, by: Any) -> None:
    """End a cooperation agreement: the branch and the centre no longer work together.

    Side effects: deletes the cooperation and writes the audit event "cooperation.end" (on the
    branch) with the values it had. Raises PermissionDenied unless `by` manages organisations,
    and ValidationError when other records still depend on the cooperation.
    """
    require(by, PERMISSION)
    fields = ("branch_id", "crisis_centre_id", "started_on")
    before = snapshot(cooperation, fields)
    record_change(
        cooperation,
        by=by,
        action=AuditAction.COOPERATION_END,
        changes=diff(Cooperation, before, dict.fromkeys(fields)),
        organisation=cooperation.branch,
    )
    try:
        with transaction.atomic():
            cooperation.delete()
    except ProtectedError as error:
        raise ValidationError(
            _("Samarbeidsavtalen er i bruk og kan ikke avsluttes ennå.")
        ) from error

"""Queries for the audit review: the audit trail (changes) and the access log (views).

Pure query functions: no request, no forms. Every list is built with a constant number of
queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import Role, User
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.organisations.models import Organisation

OSLO = ZoneInfo("Europe/Oslo")

CHANGES = "endringer"
VIEWS = "innsyn"
LOGS = (CHANGES, VIEWS)

# Readable labels of the action codes written by the apps' actions (unknown codes show as is).
ACTION_LABELS: dict[str, Any] = {
    "user.invite": _("Invitert"),
    "user.resend_invitation": _("Invitasjon sendt på nytt"),
    "user.accept_invitation": _("Invitasjon godtatt"),
    "user.activate": _("Bruker aktivert"),
    "user.deactivate": _("Bruker deaktivert"),
    "user.update_profile": _("Profil endret"),
    "user.change_password": _("Passord endret"),
    "user.reset_password": _("Passord tilbakestilt"),
    "user.logout": _("Logget ut"),
    "user.enrol_totp": _("Tofaktor tatt i bruk"),
    "user.regenerate_recovery_codes": _("Nye reservekoder laget"),
    "membership.add": _("Rolle gitt"),
    "membership.end": _("Rolle avsluttet"),
}


def action_label(code: str) -> Any:
    return ACTION_LABELS.get(code, code)


def role_label(code: str) -> Any:
    try:
        return Role(code).label
    except ValueError:
        return code


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def type_label(label: str) -> Any:
    """The verbose name of a model label such as "accounts.user" (no query)."""
    model = _model(label)
    return model._meta.verbose_name if model is not None else label


def field_label(label: str, name: str) -> Any:
    model = _model(label)
    if model is None:
        return name
    try:
        field = model._meta.get_field(name.removesuffix("_id"))
    except FieldDoesNotExist:  # a removed field: show the stored name
        return name
    return getattr(field, "verbose_name", name)


def record_type_choices() -> list[tuple[str, Any]]:
    """Every model of the project, by label, for the record filter (no query)."""
    choices = [
        (model._meta.label_lower, model._meta.verbose_name)
        for model in apps.get_models()
        if model.__module__.startswith("ressursvenn.") and model not in (AuditEvent, AccessEvent)
    ]
    return sorted(choices, key=lambda choice: str(choice[1]).lower())


def users_in_logs() -> models.QuerySet[User]:
    """Users who appear in either log (one query)."""
    actors = AuditEvent.objects.filter(actor__isnull=False).values("actor_id")
    viewers = AccessEvent.objects.values("user_id")
    # Only what the choice label needs: the encrypted phone would be decrypted for every row.
    return (
        User.objects.filter(models.Q(pk__in=actors) | models.Q(pk__in=viewers))
        .only("pk", "full_name", "email")
        .order_by("full_name", "email")
    )


def organisations() -> models.QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight in Oslo at the start of `day`, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=OSLO)


@dataclass(frozen=True)
class Filters:
    user: User | None = None
    organisation: Organisation | None = None
    object_type: str = ""
    object_id: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _filter(queryset: models.QuerySet[Any], filters: Filters, user_field: str) -> Any:
    if filters.user is not None:
        queryset = queryset.filter(**{user_field: filters.user})
    if filters.organisation is not None:
        queryset = queryset.filter(organisation=filters.organisation)
    if filters.object_type:
        queryset = queryset.filter(object_type=filters.object_type)
    if filters.object_id:
        queryset = queryset.filter(object_id=filters.object_id)
    if filters.date_from is not None:
        queryset = queryset.filter(at__gte=day_start(filters.date_from))
    if filters.date_to is not None:
        queryset = queryset.filter(at__lt=day_start(filters.date_to + datetime.timedelta(days=1)))
    return queryset


def audit_events(filters: Filters) -> models.QuerySet[AuditEvent]:
    """Changes, newest first, with actor and organisation joined."""
    queryset = AuditEvent.objects.select_related("actor", "organisation").order_by("-at", "-id")
    return _filter(queryset, filters, "actor")


def access_events(filters: Filters) -> models.QuerySet[AccessEvent]:
    """Views of records, newest first, with user and organisation joined."""
    queryset = AccessEvent.objects.select_related("user", "organisation").order_by("-at", "-id")
    return _filter(queryset, filters, "user")


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: Any
    old: str
    new: str


def changes(event: AuditEvent) -> list[Change]:
    """The changed fields of an event as stored (personal values are already masked)."""
    stored = event.changes if isinstance(event.changes, dict) else {}
    result = []
    for name, values in stored.items():
        if isinstance(values, list | tuple) and len(values) == 2:
            old, new = values
        else:
            old, new = None, values
        result.append(Change(field_label(event.object_type, name), _shown(old), _shown(new)))
    return result


@dataclass(frozen=True)
class Row:
    at: datetime.datetime
    who: Any
    role: Any
    organisation: str
    action: Any
    record_type: Any
    record_id: str
    changes: list[Change]


def audit_rows(events: Any) -> list[Row]:
    return [
        Row(
            at=event.at,
            who=str(event.actor) if event.actor is not None else _("Systemet"),
            role="",
            organisation=event.organisation.name if event.organisation is not None else "",
            action=action_label(event.action),
            record_type=type_label(event.object_type),
            record_id=event.object_id,
            changes=changes(event),
        )
        for event in events
    ]


def access_rows(events: Any) -> list[Row]:
    return [
        Row(
            at=event.at,
            who=str(event.user),
            role=role_label(event.role),
            organisation=event.organisation.name if event.organisation is not None else "",
            action=_("Åpnet"),
            record_type=type_label(event.object_type),
            record_id=event.object_id,
            changes=[],
        )
        for event in events
    ]

"""The rows that are one person's, found through the data inventory: used alike by the export
on request (`export.py`) and by anonymisation (`anonymise.py`), so both reach the same rows."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.privacy.inventory import INVENTORY, Entry

WOMAN = "woman"
VOLUNTEER = "volunteer"
USER = "user"
KINDS = (WOMAN, VOLUNTEER, USER)


def rows_of(kind: str, person: models.Model) -> dict[str, tuple[Entry, models.QuerySet[Any]]]:
    """For every inventory entry that reaches a person of `kind` ("woman": her Referral,
    "volunteer": the Volunteer, "user": a User), the entry and the queryset of her rows
    (unscoped: callers have checked that the user may handle this person). Ordered by label."""
    found: dict[str, tuple[Entry, models.QuerySet[Any]]] = {}
    for label in sorted(INVENTORY):
        entry = INVENTORY[label]
        path = entry.path(kind)
        if path is None:
            continue
        model = apps.get_model(label)
        lookup = "pk" if path == "" else path
        rows = model._base_manager.filter(**{lookup: person.pk}, **entry.only.get(kind, {}))
        found[label] = (entry, rows.order_by("pk"))
    return found


def event_filter(rows: dict[str, tuple[Entry, models.QuerySet[Any]]]) -> Q:
    """A filter on AuditEvent / AccessEvent for the events about any of these rows."""
    condition = Q(pk__in=[])
    for label, (_entry, queryset) in rows.items():
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if ids:
            condition |= Q(object_type=label, object_id__in=ids)
    return condition


def audit_events_of(rows: dict[str, tuple[Entry, models.QuerySet[Any]]]) -> Any:
    return AuditEvent.objects.filter(event_filter(rows))


def access_events_of(rows: dict[str, tuple[Entry, models.QuerySet[Any]]]) -> Any:
    return AccessEvent.objects.filter(event_filter(rows)).select_related("user", "organisation")

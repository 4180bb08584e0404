"""Helpers every action uses to write the audit trail and the access log."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from ressursvenn.lib.audit_codes import AuditAction, is_known
from ressursvenn.lib.crypto import encrypted_fields
from ressursvenn.lib.models import AccessEvent, AuditEvent

MASK = "•••"
ALWAYS_MASKED = {"password", "token_hash", "key"}
# Model label → the fields the data inventory (privacy/inventory.py, above lib) classifies as
# personal or secret: a hook that `privacy.apps.PrivacyConfig.ready()` fills, so every
# personal value is masked in the trail without each model repeating the inventory.
PERSONAL_FIELDS: dict[str, frozenset[str]] = {}


def object_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def masked_fields(model: type[models.Model]) -> set[str]:
    declared = set(getattr(model, "AUDIT_MASKED_FIELDS", ()))
    personal = PERSONAL_FIELDS.get(model._meta.label_lower, frozenset())
    return declared | ALWAYS_MASKED | set(encrypted_fields(model)) | personal


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Values of the given fields, to compare before and after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(
    model: type[models.Model], before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any]:
    """Changed fields as {field: [old, new]}, with masked fields showing only that they changed."""
    hidden = masked_fields(model)
    changes: dict[str, Any] = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        changes[name] = [MASK, MASK] if name.removesuffix("_id") in hidden else [old, new]
    return changes


def record_change(
    obj: models.Model,
    *,
    by: Any,
    action: str,
    changes: dict[str, Any] | None = None,
    organisation: Any = None,
) -> AuditEvent:
    """Write one audit event. `action` is an `AuditAction` (or its value); an unknown code is
    refused with ValueError, so every code in the trail has a label on the audit page."""
    return record_event(
        by=by,
        action=action,
        about=object_type(obj),
        about_id=str(obj.pk),
        changes=changes,
        organisation=organisation,
    )


def record_event(
    *,
    by: Any,
    action: str,
    about: str,
    about_id: str = "",
    changes: dict[str, Any] | None = None,
    organisation: Any = None,
) -> AuditEvent:
    """Write one audit event that is not the change of one row (e.g. a report exported):
    `about` names what it concerns in the trail's `object_type` (e.g. "reports.export"),
    `about_id` which one. `changes` must hold no personal values. An unknown `action` is
    refused with ValueError, as in `record_change`."""
    if not is_known(action):
        raise ValueError(f"Unknown audit action {action!r}: add it to lib.audit_codes.AuditAction.")
    return AuditEvent.objects.create(
        actor=by,
        organisation=organisation,
        action=str(AuditAction(action).value),
        object_type=about,
        object_id=about_id,
        changes=changes or {},
    )


def record_creation(
    obj: models.Model,
    *,
    by: Any,
    action: str,
    fields: list[str] | tuple[str, ...],
    organisation: Any = None,
) -> AuditEvent:
    after = snapshot(obj, fields)
    changes = diff(type(obj), dict.fromkeys(fields), after)
    return record_change(obj, by=by, action=action, changes=changes, organisation=organisation)


def record_access(
    obj: models.Model,
    *,
    user: Any,
    role: str,
    organisation: Any = None,
) -> AccessEvent:
    return AccessEvent.objects.create(
        user=user,
        role=role,
        organisation=organisation,
        object_type=object_type(obj),
        object_id=str(obj.pk),
    )

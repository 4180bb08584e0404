"""The audit trail of a request for access: every export of a person is itself audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from ressursvenn.lib.access import require
from ressursvenn.lib.audit import record_change
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.participants.models import Referral

JSON = "json"
HTML = "html"
VIEWS = "views"
FORMATS = (JSON, HTML, VIEWS)


def permission_for(person: models.Model) -> str:
    """The permission that handles this person's request (privacy/rules.py)."""
    return "privacy.handle_woman" if isinstance(person, Referral) else "privacy.handle_volunteer"


@transaction.atomic
def record_export(person: Any, *, by: Any, fmt: str) -> AuditEvent:
    """Write that `by` took out everything about `person` (her Referral or Volunteer) as `fmt`
    ("json", "html" or "views": the page of who viewed her record). Refused (PermissionDenied)
    unless `by` handles this person's requests and sees her record (`visible_to`); an unknown
    format is a ValueError. The event
    names the record and the format only, never a value; its organisation is the one in which
    `by` looks at the record (`access_context`)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}.")
    require(by, permission_for(person), person)
    if not type(person)._default_manager.visible_to(by).filter(pk=person.pk).exists():
        raise PermissionDenied  # outside her scope: views check this first (404)
    _role, organisation = person.access_context(by)
    return record_change(
        person,
        by=by,
        action=AuditAction.PRIVACY_EXPORT,
        changes={"format": fmt},
        organisation=organisation,
    )

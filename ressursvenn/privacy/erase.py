"""The neutral value each cleared field gets when a person is anonymised (`anonymise.py`).

A neutral value says nothing about the person and still satisfies the column's constraints, so
the row stays (the statistics count it):

- a nullable field → NULL;
- a list or mapping (JSON, encrypted list) → empty;
- an e-mail address → ``anonymisert-<pk>@ugyldig.invalid`` (unique per row, never deliverable:
  ``.invalid`` is reserved);
- other text: blank allowed → ""; unique → ``anonymisert-<pk>``; required → "Anonymisert";
- a required date (or date and time) → the first of January of its own year (the year is all
  an age or a period count reads);
- a boolean or a number with a default → the default;
- a required choice → its default, else its "other" or "unknown" choice.

Anything else (a required foreign key, a number without a default, a choice without either) has
no generic neutral value: `OVERRIDES` gives those the value that keeps the statistics right.
Today: the woman's and the volunteer's municipality become their branch's (the figures count
by branch, and the branch's county is the county of the figures by area); her birth year
becomes the first year of its decade; a concern's severity becomes "for information" (nothing
about a closed match is ever re-sent). Any other field makes `neutral()` raise
`NoNeutralValueError`, and a test walks every field the inventory clears, so a new one cannot
slip through unnoticed: add it here, or keep it (`Entry.keeps`) with the reason.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Expression, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ressursvenn.lib.crypto import EncryptedJSONField

ANONYMOUS = "Anonymisert"
EMAIL_DOMAIN = "ugyldig.invalid"

OTHER_CHOICES = ("other", "unknown")


def _branch_municipality() -> Expression:
    """The municipality of the row's branch (the row's own if the branch has none)."""
    from ressursvenn.organisations.models import Organisation

    branch = Organisation.objects.filter(pk=OuterRef("branch_id")).values("municipality_id")[:1]
    return Coalesce(Subquery(branch), F("municipality_id"))


def _decade(_pk: Any, year: Any) -> Any:
    return None if year is None else year - year % 10


# (model label, field name) → ("expression", a callable making the expression for one UPDATE of
# all rows), ("row", the neutral value as a function of (pk, current value)) or ("value", it).
OVERRIDES: dict[tuple[str, str], Any] = {
    ("participants.referral", "municipality"): ("expression", _branch_municipality),
    ("volunteers.volunteer", "municipality"): ("expression", _branch_municipality),
    ("participants.referral", "birth_year"): ("row", _decade),
    ("followup.concern", "severity"): ("value", "information"),
}


class NoNeutralValueError(LookupError):
    """The field cannot be cleared with a generic value (see the module docstring)."""


def depends_on_row(field: models.Field[Any, Any]) -> bool:
    """Whether the neutral value differs per row (uses the row's pk or its current value):
    such fields are written row by row, the others with one UPDATE."""
    label = field.model._meta.label_lower
    if (label, field.name) in OVERRIDES:
        return bool(OVERRIDES[label, field.name][0] == "row")
    if field.null or isinstance(field, models.JSONField | EncryptedJSONField):
        return False
    if isinstance(field, models.EmailField):
        return not field.blank
    if isinstance(field, models.CharField | models.TextField):
        return bool(field.unique)
    return isinstance(field, models.DateField)  # DateTimeField is a DateField


def neutral(field: models.Field[Any, Any], *, pk: Any = None, current: Any = None) -> Any:
    """The neutral value of `field` for the row `pk` whose value is `current` (both needed only
    where `depends_on_row(field)`); for some overrides a database expression for UPDATE."""
    label = field.model._meta.label_lower
    override = OVERRIDES.get((label, field.name))
    if override is not None:
        how, value = override
        if how == "expression":
            return value()
        if how == "row":
            return value(pk, current)
        return value
    if field.null:
        return None
    if isinstance(field, models.JSONField | EncryptedJSONField):
        default = field.get_default()
        return {} if isinstance(default, dict) else []
    if isinstance(field, models.EmailField):
        return "" if field.blank else f"anonymisert-{pk}@{EMAIL_DOMAIN}"
    if isinstance(field, models.CharField | models.TextField):
        if field.unique:
            return f"anonymisert-{pk}"[: field.max_length]
        if field.blank:
            return ""
        if field.choices:
            if field.has_default():
                return field.get_default()
            values = [str(choice) for choice, _label in field.flatchoices]
            for other in OTHER_CHOICES:
                if other in values:
                    return other
            raise NoNeutralValueError(
                f"{label}.{field.name}: a required choice has no neutral value."
            )
        return ANONYMOUS[: field.max_length] if field.max_length else ANONYMOUS
    if isinstance(field, models.DateTimeField):
        if current is None:
            return None
        local = timezone.localtime(current) if timezone.is_aware(current) else current
        return datetime.datetime(local.year, 1, 1, tzinfo=timezone.get_current_timezone())
    if isinstance(field, models.DateField):
        return None if current is None else datetime.date(current.year, 1, 1)
    if isinstance(field, models.BooleanField | models.IntegerField) and field.has_default():
        return field.get_default()
    raise NoNeutralValueError(
        f"{label}.{field.name}: no neutral value for a {type(field).__name__}."
    )

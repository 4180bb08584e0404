"""Queries for the audit review: the audit trail (changes) and the access log (views).

Pure query functions: no request, no forms. Every list is built with a constant number of
queries whatever the number of rows. Rows are shown in words: the action's label (one enum,
`lib.audit_codes`), each field by its verbose name, choices by their labels, ids by the row's
name (one query per model on the page; a person's record only by type and number), dates and
times in Norwegian format.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressursvenn.accounts.models import WOMEN_DATA_ROLES, Membership, Role, User
from ressursvenn.lib import audit_codes, vocabulary
from ressursvenn.lib.audit import MASK
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.organisations.models import Organisation

OSLO = ZoneInfo("Europe/Oslo")

CHANGES = "endringer"
VIEWS = "innsyn"
LOGS = (CHANGES, VIEWS)

# How recent a new role that sees women's data must be to show in the panel on top.
NEW_ACCESS_DAYS = 30
NEW_ACCESS_LIMIT = 20


def action_label(code: str) -> Any:
    return audit_codes.label(code)


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


def _field(label: str, name: str) -> Any:
    """The model field a stored change names ("organisation_id" → organisation), or None."""
    model = _model(label)
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None  # a removed field


def field_label(label: str, name: str) -> Any:
    field = _field(label, name)
    return getattr(field, "verbose_name", name) if field is not None else name


def record_type_choices() -> list[tuple[str, Any]]:
    """Every model of the project, by label, for the record filter (no query)."""
    choices = [
        (model._meta.label_lower, model._meta.verbose_name)
        for model in apps.get_models()
        if model.__module__.startswith("ressursvenn.") and model not in (AuditEvent, AccessEvent)
    ]
    return sorted(choices, key=lambda choice: str(choice[1]).lower())


def user_with_email(email: str) -> User | None:
    """The user with exactly this e-mail address, ignoring case (one query), or None."""
    return (
        User.objects.filter(email__iexact=email.strip())
        .only("pk", "full_name", "email")
        .order_by("pk")
        .first()
    )


def organisations_named(text: str) -> list[tuple[int, str]]:
    """(id, name) of every organisation whose name contains `text`, ignoring case (also for
    æ, ø and å, which SQLite's LIKE does not fold) and repeated spaces, sorted by name the
    same way on every database. One query of ids and names (hundreds of short rows)."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return []
    found = [
        (pk, name)
        for pk, name in Organisation.objects.values_list("pk", "name")
        if wanted in " ".join(name.split()).casefold()
    ]
    return sorted(found, key=lambda row: (row[1].casefold(), row[0]))


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight in Oslo at the start of `day`, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=OSLO)


@dataclass(frozen=True)
class Filters:
    user: User | None = None
    organisations: tuple[int, ...] | None = None  # None: any organisation
    object_type: str = ""
    object_id: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _filter(queryset: models.QuerySet[Any], filters: Filters, user_field: str) -> Any:
    if filters.user is not None:
        queryset = queryset.filter(**{user_field: filters.user})
    if filters.organisations is not None:
        queryset = queryset.filter(organisation_id__in=filters.organisations)
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


# --- Showing stored values in words -------------------------------------------------------

# Codes of the shared profile lists (languages, interests, needs ...) stored in JSON lists.
_VOCABULARY: dict[str, Any] = {}
for _choices in (
    vocabulary.Need,
    vocabulary.Availability,
    vocabulary.Mode,
    vocabulary.Language,
    vocabulary.Interest,
):
    for _code, _label in _choices.choices:
        _VOCABULARY.setdefault(_code, _label)

Key = tuple[str, str]  # (model label, primary key as text)


def norwegian_datetime(value: datetime.datetime) -> str:
    """Norwegian format in Oslo time, for example 28.11.2026 kl. 10.00."""
    local = value.astimezone(OSLO) if value.tzinfo else value
    return f"{local:%d.%m.%Y} kl. {local:%H.%M}"


def norwegian_date(value: datetime.date) -> str:
    return f"{value:%d.%m.%Y}"


def machine_datetime(value: datetime.datetime) -> str:
    """The `<time datetime>` value: Oslo time, whole seconds, with the offset."""
    return value.astimezone(OSLO).replace(microsecond=0).isoformat()


def _is_person_record(model: type[models.Model]) -> bool:
    """Viewing a row of this model is an access to a person's record (Referral, Volunteer):
    the audit page names it by type and number only, never by the person's name."""
    return hasattr(model, "access_context")


def _key(model: type[models.Model], pk: Any) -> Key:
    return (model._meta.label_lower, str(pk))


def _pk_values(model: type[models.Model], raw: set[str]) -> list[Any]:
    """The stored ids that are valid primary keys of `model` (a tampered id is skipped)."""
    valid = []
    for value in raw:
        try:
            valid.append(model._meta.pk.to_python(value))
        except (ValidationError, TypeError, ValueError):
            continue
    return valid


def _record_name(obj: models.Model) -> str:
    if isinstance(obj, Membership):
        return f"{obj.user}: {obj.get_role_display()}, {obj.organisation.name}"
    return str(obj)


def _lookup(wanted: dict[type[models.Model], set[str]]) -> dict[Key, str]:
    """Names of the wanted rows: one query per model, whatever the number of rows."""
    names: dict[Key, str] = {}
    for model, raw in wanted.items():
        if _is_person_record(model):
            continue
        queryset: Any = model._default_manager.all()
        if model is User:
            # Only what the name needs: the encrypted phone would be decrypted for every row.
            queryset = queryset.only("pk", "full_name", "email")
        elif model is Membership:
            queryset = queryset.select_related("organisation").select_related("user")
        else:
            queryset = queryset.select_related()
        for obj in queryset.filter(pk__in=_pk_values(model, raw)):
            names[_key(model, obj.pk)] = _record_name(obj)
    return names


def _related_model(label: str, name: str) -> type[models.Model] | None:
    field = _field(label, name)
    if field is not None and field.is_relation and field.many_to_one:
        related: type[models.Model] = field.related_model
        return related
    return None


def _wanted(events: list[Any], *, with_changes: bool) -> dict[type[models.Model], set[str]]:
    wanted: dict[type[models.Model], set[str]] = {}
    for event in events:
        model = _model(event.object_type)
        if model is not None:
            wanted.setdefault(model, set()).add(str(event.object_id))
        if not with_changes:
            continue
        for name, (old, new) in _pairs(event):
            related = _related_model(event.object_type, name)
            if related is None:
                continue
            for value in (old, new):
                if value not in (None, "", MASK) and not isinstance(value, list | dict):
                    wanted.setdefault(related, set()).add(str(value))
    return wanted


def _pairs(event: AuditEvent) -> list[tuple[str, tuple[Any, Any]]]:
    stored = event.changes if isinstance(event.changes, dict) else {}
    pairs = []
    for name, values in stored.items():
        if isinstance(values, list | tuple) and len(values) == 2:
            pairs.append((name, (values[0], values[1])))
        else:
            pairs.append((name, (None, values)))
    return pairs


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value) or "–"
    return str(value)


def _parsed(field: Any, value: str) -> str | None:
    """A stored ISO date or datetime of a date field in Norwegian format, else None."""
    try:
        if isinstance(field, models.DateTimeField):
            return norwegian_datetime(datetime.datetime.fromisoformat(value))
        if isinstance(field, models.DateField):
            return norwegian_date(datetime.date.fromisoformat(value[:10]))
        if isinstance(field, models.TimeField):
            return f"{datetime.time.fromisoformat(value):%H.%M}"
    except ValueError:
        return None
    return None


def show_value(label: str, name: str, value: Any, names: dict[Key, str]) -> str:
    """One stored value of a change in words: a masked value stays masked, an id becomes the
    row's name, a choice its label, a date or time Norwegian format, a boolean ja/nei."""
    if value is None or value == "" or value == MASK:
        return _shown(value)
    field = _field(label, name)
    if field is None:
        return _shown(value)
    related = _related_model(label, name)
    if related is not None and not isinstance(value, list | dict):
        if _is_person_record(related):
            return f"{related._meta.verbose_name} {value}"
        return names.get(_key(related, value), _shown(value))
    if isinstance(value, bool):
        return str(_("ja") if value else _("nei"))
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    if isinstance(value, list | tuple):
        return _shown([choices.get(item, _VOCABULARY.get(item, item)) for item in value])
    if isinstance(value, str):
        if value in choices:
            return str(choices[value])
        parsed = _parsed(field, value)
        if parsed is not None:
            return parsed
    return _shown(choices.get(value, value))


@dataclass(frozen=True)
class Change:
    field: Any
    old: str
    new: str


def changes(event: AuditEvent, names: dict[Key, str] | None = None) -> list[Change]:
    """The changed fields of an event in words (personal values are already masked)."""
    names = names or {}
    label = event.object_type
    return [
        Change(
            field_label(label, name),
            show_value(label, name, old, names),
            show_value(label, name, new, names),
        )
        for name, (old, new) in sorted(_pairs(event), key=lambda pair: _order(label, pair[0]))
    ]


def _order(label: str, name: str) -> tuple[int, str]:
    """Changes in the model's field order, whatever order the database kept the JSON keys in
    (PostgreSQL's jsonb sorts them); removed fields last, by name."""
    model, field = _model(label), _field(label, name)
    if model is None or field is None:
        return (10_000, name)
    return (list(model._meta.get_fields()).index(field), name)


def grants_access_to_womens_data(event: Any) -> bool:
    """A role that sees women's data (group leader, crisis-centre staff) was given."""
    if event.action != AuditAction.MEMBERSHIP_ADD:
        return False
    role = event.changes.get("role") if isinstance(event.changes, dict) else None
    new = role[-1] if isinstance(role, list | tuple) and role else role
    return new in WOMEN_DATA_ROLES


def _record(event: Any, names: dict[Key, str]) -> str:
    model = _model(event.object_type)
    if model is None:
        return f"{event.object_type} {event.object_id}"
    kind = str(model._meta.verbose_name)
    name = None if _is_person_record(model) else names.get(_key(model, event.object_id))
    return f"{kind}: {name}" if name else f"{kind} {event.object_id}"


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
    record: str = ""
    grants_access: bool = False

    @property
    def at_iso(self) -> str:
        return machine_datetime(self.at)

    @property
    def at_text(self) -> str:
        local = self.at.astimezone(OSLO)
        return f"{local:%d.%m.%Y} kl. {local:%H.%M.%S}"


def audit_rows(events: Any) -> list[Row]:
    """Rows of the changes log; names of records and ids with one query per model."""
    events = list(events)
    names = _lookup(_wanted(events, with_changes=True))
    return [
        Row(
            at=event.at,
            who=str(event.actor) if event.actor is not None else _("Systemet"),
            role="",
            organisation=event.organisation.name if event.organisation is not None else "",
            action=action_label(event.action),
            record_type=type_label(event.object_type),
            record_id=event.object_id,
            changes=changes(event, names),
            record=_record(event, names),
            grants_access=grants_access_to_womens_data(event),
        )
        for event in events
    ]


def access_rows(events: Any) -> list[Row]:
    events = list(events)
    names = _lookup(_wanted(events, with_changes=False))
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
            record=_record(event, names),
        )
        for event in events
    ]


def new_access_grants(now: datetime.datetime | None = None) -> list[Row]:
    """Roles that see women's data given in the last NEW_ACCESS_DAYS days, newest first (at
    most NEW_ACCESS_LIMIT), for the panel on top of the audit page. Two queries."""
    now = now or timezone.now()
    events = (
        AuditEvent.objects.filter(
            action=AuditAction.MEMBERSHIP_ADD,
            at__gte=now - datetime.timedelta(days=NEW_ACCESS_DAYS),
        )
        .filter(models.Q(changes__role__1__in=list(WOMEN_DATA_ROLES)))
        .select_related("actor", "organisation")
        .order_by("-at", "-id")[:NEW_ACCESS_LIMIT]
    )
    return audit_rows(events)

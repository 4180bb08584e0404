"""Anonymise one person, driven by the data inventory: used alike by retention
(`manage.py apply_retention`) and by erasure on request (`actions.erase_woman` /
`erase_volunteer`), so both reach the same rows.

`anonymise_person(kind, person, now=…)`, in one transaction with the person's row locked:

1. every row `people.rows_of(kind, person)` finds: an entry with `on_erase=CLEAR` gets every
   `Entry.erased_fields()` set to its neutral value (`erase.py`; the row stays, so the
   statistics still count it), an entry with `on_erase=DELETE` loses its rows;
2. the audit trail about those rows keeps who did what and when, but every value of a field
   that is personal or secret in that model's entry becomes `lib.audit.MASK` (the trail is
   append-only through `save()`: this is the one place that rewrites it, by queryset);
3. the Django admin's log of those rows gets a neutral `object_repr` and no change message;
4. her e-mail address leaves the technical tables: queued mail (`mailer.Message`, decoded with
   django-mailer's own `db_to_email`), its send log (`MessageLog`) and the do-not-send list
   addressed to it, and the login logs (django-axes) with it as the username, are deleted;
5. a volunteer's user account goes with her (the inventory reaches the account's rows from
   her: the user row, memberships, second factors, notices…); it is deactivated, every session
   ended (a new session stamp, and the session rows deleted) and the password made unusable —
   unless the account also holds a staff role or is the technical admin (she is a group
   leader too): then the rows reached through the account are left alone, only her volunteer
   memberships end, and the account stays hers;
6. last, the marker (`Referral.anonymised_at` / `Volunteer.anonymised_at`).

The access log (`AccessEvent`) holds only ids and stays: it is her "who viewed my record"
history. A run interrupted anywhere rolls back whole, so a person is either untouched or done,
and running again completes the rest; a person already marked is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from email.utils import getaddresses
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from mailer.models import DontSendEntry, Message, MessageLog, db_to_email

from ressursvenn.accounts.actions import end_stored_sessions
from ressursvenn.accounts.models import STAFF_ROLES, Membership, Role, User, new_stamp
from ressursvenn.lib.audit import MASK
from ressursvenn.lib.mailqueue import message_id
from ressursvenn.lib.models import AuditEvent
from ressursvenn.privacy import erase
from ressursvenn.privacy.inventory import Entry, Level, OnErase, field_label, title_of
from ressursvenn.privacy.people import USER, VOLUNTEER, WOMAN, audit_events_of, rows_of

MARKER = "anonymised_at"


@dataclass
class Summary:
    """What one anonymisation did (counts only: never a value)."""

    kind: str
    pk: int
    cleared: dict[str, int] = field(default_factory=dict)  # model label → rows cleared
    deleted: dict[str, int] = field(default_factory=dict)  # model label → rows deleted
    audit_masked: int = 0
    admin_log: int = 0
    mail: int = 0
    login_log: int = 0
    sessions: int = 0
    account: str = ""  # "anonymised", "kept (staff)" or "" (no account)
    already: bool = False  # the person was anonymised before: nothing done


@dataclass(frozen=True)
class PlanItem:
    """One kind of record of a person and what anonymisation does to it (the erasure page)."""

    label: str
    name: Any  # the bokmål name of the rows (`inventory.title_of`), lazy
    count: int
    delete: bool  # the rows go (else their personal fields are cleared)
    cleared: list[Any]  # bokmål names of the fields cleared (`inventory.field_label`)
    kept: list[Any]  # bokmål names of the personal fields kept for the statistics
    kept_because: Any


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


def _labels(label: str, names: list[str]) -> list[Any]:
    return [field_label(label, name) for name in names]


Rows = dict[str, tuple[Entry, Any]]


def reached(kind: str, person: Any) -> Rows:
    """`people.rows_of(kind, person)`, less the rows reached through a volunteer's user
    account when that account is also used for work (see the module docstring).

    A woman's reach is wider than her export's: the rows of her matches that the inventory
    narrows to one party (the check-ins and closing talks held with the volunteer, the
    volunteer's questionnaires) are the volunteer's to see, but their notes are about the match
    and may name the woman, so they are anonymised with her, not 24 months later with the
    volunteer."""
    rows = rows_of(kind, person)
    if kind == WOMAN:
        for label, (entry, queryset) in list(rows.items()):
            path = entry.path(WOMAN) or ""
            if entry.only.get(WOMAN) and path.startswith("match__"):
                whole = queryset.model._base_manager.filter(**{path: person.pk})
                rows[label] = (entry, whole.order_by("pk"))
    if kind == VOLUNTEER:
        account = _account(person)
        if account is None or _is_staff(account):
            rows = {label: item for label, item in rows.items() if item[0].user is None}
    return rows


def plan(kind: str, person: models.Model) -> list[PlanItem]:
    """What anonymising `person` would do, per kind of record she has rows in (a count each);
    a volunteer's user account included. Kinds with no rows, or nothing to clear, are left
    out."""
    items: list[PlanItem] = []
    own = person._meta.label_lower
    rows = reached(kind, person)
    for label in sorted(rows, key=lambda label: (label != own, label)):  # her record first
        entry, queryset = rows[label]
        delete = entry.on_erase == OnErase.DELETE
        if not delete and not entry.erased_fields():
            continue
        count = queryset.count()
        if not count:
            continue
        items.append(
            PlanItem(
                label=label,
                name=title_of(label),
                count=count,
                delete=delete,
                cleared=[] if delete else _labels(label, entry.erased_fields()),
                kept=[] if delete else _labels(label, sorted(entry.keeps)),
                kept_because=entry.kept_because,
            )
        )
    return items


def _account(volunteer: Any) -> User | None:
    user_id = getattr(volunteer, "user_id", None)
    return None if user_id is None else User.objects.filter(pk=user_id).first()


def _is_staff(user: User) -> bool:
    """The account is also used for work (a staff role, or the technical admin)."""
    staff_role = Membership.objects.filter(user=user, role__in=STAFF_ROLES, is_active=True)
    return bool(user.is_staff or user.is_superuser or staff_role.exists())


def addresses_of(kind: str, person: Any) -> set[str]:
    """Her e-mail addresses (lower case), as the technical tables hold them."""
    found: set[str] = set()
    if kind == WOMAN:
        value = str(person.contact_value or "").strip()
        if "@" in value:
            found.add(value)
    elif kind == VOLUNTEER:
        found.add(str(person.email))
        account = _account(person)
        if account is not None and not _is_staff(account):
            found.add(str(account.email))
    elif kind == USER:
        found.add(str(person.email))
    return {address.lower() for address in found if address and "@" in address}


def _personal(entry: Entry) -> set[str]:
    return set(entry.fields_at(Level.PERSONAL, Level.SECRET))


def _masked(value: Any) -> Any:
    return [MASK] * len(value) if isinstance(value, list) else MASK


def mask_changes(changes: Any, personal: set[str]) -> Any:
    """`changes` with the value of every personal key masked, or None if nothing changes."""
    if not isinstance(changes, dict):
        return None
    result: dict[str, Any] = {}
    changed = False
    for key, value in changes.items():
        if key in personal or key.removesuffix("_id") in personal:
            masked = _masked(value)
            changed = changed or masked != value
            result[key] = masked
        else:
            result[key] = value
    return result if changed else None


def _mask_audit(rows: dict[str, tuple[Entry, Any]]) -> int:
    personal = {label: _personal(entry) for label, (entry, _qs) in rows.items()}
    masked = 0
    events = audit_events_of(rows).only("pk", "object_type", "changes").order_by("pk")
    for event in events.iterator():
        changes = mask_changes(event.changes, personal.get(event.object_type, set()))
        if changes is not None:
            AuditEvent.objects.filter(pk=event.pk).update(changes=changes)
            masked += 1
    return masked


def _content_types(model: type[models.Model]) -> list[int]:
    """The content types the admin logs a row of `model` under (proxies log their own)."""
    related = [m for m in apps.get_models() if m._meta.concrete_model is model]
    return [ContentType.objects.get_for_model(m, for_concrete_model=False).pk for m in related]


def _neutral_admin_log(snapshot: dict[str, tuple[Entry, type[models.Model], list[Any]]]) -> int:
    changed = 0
    for _label, (_entry, model, pks) in snapshot.items():
        if not pks:
            continue
        entries = LogEntry.objects.filter(
            content_type_id__in=_content_types(model), object_id__in=[str(pk) for pk in pks]
        )
        changed += entries.update(object_repr=erase.ANONYMOUS, change_message="")
    return changed


def _clear(entry: Entry, model: type[models.Model], pks: list[Any]) -> int:
    names = entry.erased_fields()
    if not names or not pks:
        return 0
    fields = [_field(model, name) for name in names]
    base = model._base_manager.filter(pk__in=pks)
    constant = {f.name: erase.neutral(f) for f in fields if not erase.depends_on_row(f)}
    if constant:
        base.update(**constant)
    per_row = [f for f in fields if erase.depends_on_row(f)]
    if per_row:
        names_per_row = [f.name for f in per_row]
        for pk, *values in base.values_list("pk", *names_per_row):
            update = {
                f.name: erase.neutral(f, pk=pk, current=value)
                for f, value in zip(per_row, values, strict=True)
            }
            model._base_manager.filter(pk=pk).update(**update)
    return len(pks)


def _is_addressed(email: Any, addresses: set[str]) -> bool:
    if email is None:
        return False
    headers = [*email.to, *email.cc, *email.bcc, *getattr(email, "reply_to", [])]
    return any(address.lower() in addresses for _name, address in getaddresses(headers))


def _remove_mail(addresses: set[str]) -> int:
    if not addresses:
        return 0
    removed = 0
    ids: set[str] = set()
    for message in Message.objects.order_by("pk").iterator():
        if _is_addressed(db_to_email(message.message_data), addresses):
            found = message_id(message)
            if found:
                ids.add(found)
            message.delete()
            removed += 1
    logs = MessageLog.objects.exclude(message_data__isnull=True).exclude(message_data="")
    for log in logs.only("pk", "message_data").iterator():
        if _is_addressed(db_to_email(log.message_data), addresses):
            MessageLog.objects.filter(pk=log.pk).delete()
            removed += 1
    if ids:
        removed += MessageLog.objects.filter(message_id__in=sorted(ids)).delete()[0]
    for address in sorted(addresses):
        removed += DontSendEntry.objects.filter(to_address__iexact=address).delete()[0]
    return removed


def _remove_login_logs(addresses: set[str]) -> int:
    removed = 0
    for address in sorted(addresses):
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            removed += model.objects.filter(username__iexact=address).delete()[0]
    return removed


def _close_account(user: User, summary: Summary) -> None:
    """Deactivate the account for good: sessions end (a new session stamp and the rows
    deleted), the password cannot be used, the second factors are gone."""
    User.objects.filter(pk=user.pk).update(
        is_active=False, session_stamp=new_stamp(), password=make_password(None)
    )
    summary.sessions += end_stored_sessions(user)
    for device_model in (TOTPDevice, StaticDevice):
        count = device_model.objects.filter(user_id=user.pk).delete()[0]
        if count:
            label = device_model._meta.label_lower
            summary.deleted[label] = summary.deleted.get(label, 0) + count
    Membership.objects.filter(user=user).update(is_active=False)


def _anonymise_rows(kind: str, person: Any, now: datetime.datetime) -> Summary:
    """Steps 1–4 of the module docstring for one person of `kind`."""
    summary = Summary(kind=kind, pk=person.pk)
    rows = reached(kind, person)
    snapshot = {
        label: (entry, queryset.model, list(queryset.values_list("pk", flat=True)))
        for label, (entry, queryset) in rows.items()
    }
    addresses = addresses_of(kind, person)
    summary.audit_masked = _mask_audit(rows)
    summary.admin_log = _neutral_admin_log(snapshot)
    for label, (entry, model, pks) in snapshot.items():
        if entry.on_erase == OnErase.CLEAR and _clear(entry, model, pks):
            summary.cleared[label] = len(pks)
    for label, (entry, model, pks) in snapshot.items():
        if entry.on_erase == OnErase.DELETE and pks:
            model._base_manager.filter(pk__in=pks).delete()
            summary.deleted[label] = len(pks)
    summary.mail = _remove_mail(addresses)
    summary.login_log = _remove_login_logs(addresses)
    return summary


def anonymise_person(kind: str, person: models.Model, *, now: datetime.datetime) -> Summary:
    """Anonymise `person` ("woman": her Referral, "volunteer": the Volunteer, "user": a User)
    as the module docstring says, in one transaction with her row locked. The caller has
    checked that this may be done (permission, scope, no open match): this only writes."""
    model = type(person)
    with transaction.atomic():
        locked = model._base_manager.select_for_update().get(pk=person.pk)
        has_marker = any(f.name == MARKER for f in model._meta.concrete_fields)
        if has_marker and getattr(locked, MARKER) is not None:
            return Summary(kind=kind, pk=locked.pk, already=True)
        account = _account(locked) if kind == VOLUNTEER else None
        staff = account is not None and _is_staff(account)
        summary = _anonymise_rows(kind, locked, now)
        if kind == USER:
            _close_account(locked, summary)  # type: ignore[arg-type]
            summary.account = "anonymised"
        elif account is not None and staff:
            Membership.objects.filter(user=account, role=Role.VOLUNTEER).update(is_active=False)
            summary.account = "kept (staff)"
        elif account is not None:
            _close_account(account, summary)
            summary.account = "anonymised"
        if has_marker:
            model._base_manager.filter(pk=locked.pk).update(**{MARKER: now})
    return summary

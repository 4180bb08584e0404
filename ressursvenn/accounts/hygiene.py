"""Accounts hygiene: which staff accounts are due a warning or a deactivation on a day.

Read only; the writes are `actions.warn_unused_account` and `actions.deactivate_unused_account`,
run daily by `manage.py deactivate_unused_accounts`.

- **Which accounts.** Staff accounts only: an active user with an active membership in one of
  STAFF_ROLES, or a superuser / `is_staff` user (the technical admin). An account that holds
  only the volunteer role is never touched: a volunteer may wait months between matches
  without logging in, and the lifetime of her data is retention's job (`privacy`), not this.
- **Last used** is the latest of `last_login`, `date_joined` and the user's latest
  reactivation (the audit trail's USER_ACTIVATE event about her), so a coordinator who
  reactivates an account gives it a fresh ACCOUNT_UNUSED_DAYS.
- **On day D**, an account last used on or before D - (ACCOUNT_UNUSED_DAYS -
  ACCOUNT_WARNING_DAYS) and not warned since its last use is due a warning; the warning names
  the day of deactivation, `max(last used + ACCOUNT_UNUSED_DAYS, D + ACCOUNT_WARNING_DAYS)`,
  and is recorded (USER_DEACTIVATION_WARNING, with `warned_on` and `deactivate_on` in its
  changes). An account last used on or before D - ACCOUNT_UNUSED_DAYS is due a deactivation
  only once it was warned since its last use and D has reached the day that warning named: an
  account is never deactivated without a warning ACCOUNT_WARNING_DAYS before. Using the
  account after the warning (logging in, a reactivation) makes the warning void.

Days are local dates (TIME_ZONE); "last used on or before day X" compares the local date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from ressursvenn.accounts.models import ROLE_ORDER, STAFF_ROLES, Membership, Role, User
from ressursvenn.lib.audit import object_type
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent

USER_TYPE = object_type(User())


class Step(StrEnum):
    WARN = "warn"
    DEACTIVATE = "deactivate"


@dataclass(frozen=True)
class Due:
    """What an account is due on a day, and why."""

    user: User
    step: Step
    last_used: datetime.datetime
    deactivate_on: datetime.date  # the day named in the warning (or to be named in it)
    roles: tuple[str, ...]  # staff and volunteer role codes, then "superuser" / "admin"


def unused_days() -> int:
    return int(settings.ACCOUNT_UNUSED_DAYS)


def warning_days() -> int:
    # A warning period longer than the whole period would warn before the account was used.
    return min(int(settings.ACCOUNT_WARNING_DAYS), unused_days())


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a local day, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _about_user(action: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        action=action,
        object_type=USER_TYPE,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )


def staff_accounts() -> QuerySet[Any]:
    """Active staff accounts (see the module docstring), annotated with `last_used`."""
    staff_role = Membership.objects.filter(
        user=OuterRef("pk"), is_active=True, role__in=STAFF_ROLES
    )
    reactivated = _about_user(AuditAction.USER_ACTIVATE).order_by("-at").values("at")[:1]
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True) | Exists(staff_role))
        .annotate(
            reactivated_at=Subquery(reactivated),
            # Coalesce each: SQLite's MAX() is NULL when any argument is.
            last_used=Greatest(
                "date_joined",
                Coalesce("last_login", "date_joined"),
                Coalesce("reactivated_at", "date_joined"),
            ),
        )
    )


def _deactivate_on(warning: AuditEvent) -> datetime.date:
    """The day a warning named; an event without it (changed by retention) counts from its day."""
    try:
        return datetime.date.fromisoformat(str(warning.changes["deactivate_on"]))
    except (KeyError, TypeError, ValueError):
        return timezone.localdate(warning.at) + datetime.timedelta(days=warning_days())


def _latest_warnings(user_ids: list[int]) -> dict[int, AuditEvent]:
    warnings = AuditEvent.objects.filter(
        action=AuditAction.USER_DEACTIVATION_WARNING,
        object_type=USER_TYPE,
        object_id__in=[str(pk) for pk in user_ids],
    ).order_by("-at", "-id")
    latest: dict[int, AuditEvent] = {}
    for event in warnings:
        latest.setdefault(int(event.object_id), event)
    return latest


def _roles(users: list[Any]) -> dict[int, tuple[str, ...]]:
    held: dict[int, set[str]] = {}
    rows = Membership.objects.filter(user__in=[u.pk for u in users], is_active=True)
    for user_id, role in rows.values_list("user_id", "role"):
        held.setdefault(user_id, set()).add(role)
    result = {}
    for user in users:
        codes = [r.value for r in ROLE_ORDER if r.value in held.get(user.pk, ())]
        if user.is_superuser:
            codes.append("superuser")
        if user.is_staff:
            codes.append("admin")
        result[user.pk] = tuple(codes)
    return result


def due_on(today: datetime.date, users: QuerySet[User] | None = None) -> list[Due]:
    """Every staff account (of `users`, if given) due a warning or a deactivation on `today`,
    by user id. Three queries however many accounts are due."""
    warn_from = today - datetime.timedelta(days=unused_days() - warning_days())
    deactivate_from = today - datetime.timedelta(days=unused_days())
    candidates: QuerySet[Any] = staff_accounts()
    if users is not None:
        candidates = candidates.filter(pk__in=users.values("pk"))
    rows: list[Any] = list(
        candidates.filter(last_used__lt=start_of(warn_from + datetime.timedelta(days=1))).order_by(
            "pk"
        )
    )
    if not rows:
        return []
    warnings = _latest_warnings([row.pk for row in rows])
    roles = _roles(rows)
    result = []
    for row in rows:
        last_used: datetime.datetime = row.last_used
        used_on = timezone.localdate(last_used)
        warning = warnings.get(row.pk)
        if warning is None or warning.at <= last_used:
            deactivate_on = max(
                used_on + datetime.timedelta(days=unused_days()),
                today + datetime.timedelta(days=warning_days()),
            )
            result.append(Due(row, Step.WARN, last_used, deactivate_on, roles[row.pk]))
            continue
        deactivate_on = _deactivate_on(warning)
        if used_on <= deactivate_from and today >= deactivate_on:
            result.append(Due(row, Step.DEACTIVATE, last_used, deactivate_on, roles[row.pk]))
    return result


def due_for(user: User, today: datetime.date) -> Due | None:
    """What one account is due on `today` (None: nothing)."""
    found = due_on(today, User.objects.filter(pk=user.pk))
    return found[0] if found else None


def coordinator_memberships() -> QuerySet[Membership]:
    """The memberships that make a user a national coordinator now (as `User.roles` counts)."""
    return Membership.objects.filter(
        role=Role.NATIONAL_COORDINATOR,
        is_active=True,
        organisation__is_active=True,
        user__is_active=True,
    )


def is_last_coordinator(user_id: int, coordinator_ids: Iterable[int]) -> bool:
    """Whether `user_id` is the only one of the active national coordinators given."""
    ids = set(coordinator_ids)
    return user_id in ids and not ids - {user_id}

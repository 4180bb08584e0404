"""Role predicates shared by every app, and the permissions of the foundation.

Predicates take the user first and, where it matters, the object. Each checks one thing.
"""

from __future__ import annotations

from typing import Any

import rules

from ressursvenn.accounts.models import Role


def _has(user: Any, role: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(role))


@rules.predicate
def is_national_coordinator(user: Any) -> bool:
    return _has(user, Role.NATIONAL_COORDINATOR)


@rules.predicate
def is_group_leader(user: Any) -> bool:
    return _has(user, Role.GROUP_LEADER)


@rules.predicate
def is_crisis_staff(user: Any) -> bool:
    return _has(user, Role.CRISIS_STAFF)


@rules.predicate
def is_volunteer(user: Any) -> bool:
    return _has(user, Role.VOLUNTEER)


@rules.predicate
def is_staff_member(user: Any) -> bool:
    return bool(is_national_coordinator(user) or is_group_leader(user) or is_crisis_staff(user))


@rules.predicate
def is_self(user: Any, other: Any) -> bool:
    return bool(other is not None and user.pk == other.pk)


rules.add_perm("organisations.manage", is_national_coordinator)
rules.add_perm("accounts.manage_staff", is_national_coordinator)
rules.add_perm("accounts.view_user", is_national_coordinator | is_self)
rules.add_perm("reports.view_audit", is_national_coordinator)

"""Role predicates shared by every app, and the permissions of the foundation.

Predicates take the user first and, where it matters, the object. Each checks one thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from ressursvenn.accounts.models import STAFF_ROLES, Role


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


@dataclass(frozen=True)
class Grant:
    """A role about to be given: the object of "accounts.grant_membership"."""

    user: Any  # who receives the role
    organisation: Any
    role: str


@rules.predicate
def is_own_grant(user: Any, grant: Any) -> bool:
    """The role would go to the user who grants it (never allowed, whatever her role)."""
    return bool(grant is not None and getattr(grant.user, "pk", None) == user.pk)


@rules.predicate
def grants_staff_role(user: Any, grant: Any) -> bool:
    return bool(grant is not None and grant.role in STAFF_ROLES)


@rules.predicate
def grants_volunteer_role_in_own_branch(user: Any, grant: Any) -> bool:
    """A group leader takes a volunteer of her own branch into screening."""
    return bool(
        grant is not None
        and grant.role == Role.VOLUNTEER
        and getattr(grant.organisation, "pk", None) in user.organisation_ids(Role.GROUP_LEADER)
    )


rules.add_perm("organisations.manage", is_national_coordinator)
rules.add_perm("accounts.manage_staff", is_national_coordinator)
rules.add_perm("accounts.view_user", is_national_coordinator | is_self)
# Nobody adds or reopens her own roles: a coordinator could otherwise make herself a group
# leader and read referrals. Crisis-centre staff grant no role.
rules.add_perm(
    "accounts.grant_membership",
    ~is_own_grant
    & (
        (is_national_coordinator & grants_staff_role)
        | (is_group_leader & grants_volunteer_role_in_own_branch)
    ),
)
# The "add a role" page of a staff user: the coordinator, for someone else.
rules.add_perm("accounts.grant_membership_to", is_national_coordinator & ~is_self)
rules.add_perm("reports.view_audit", is_national_coordinator)

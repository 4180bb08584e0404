"""Permissions about volunteers (predicates take the user, then the object)."""

from __future__ import annotations

from typing import Any

import rules

from ressursvenn.accounts.models import Role
from ressursvenn.accounts.rules import is_group_leader, is_volunteer


def _branch_id(obj: Any) -> int | None:
    """The branch of a volunteer, course, guidance group, organisation or None."""
    if obj is None:
        return None
    if hasattr(obj, "kind"):  # an Organisation
        return int(obj.pk)
    if hasattr(obj, "branch_id"):
        return int(obj.branch_id)
    if hasattr(obj, "group"):  # a guidance session
        return int(obj.group.branch_id)
    if hasattr(obj, "course"):  # a course session
        return int(obj.course.branch_id)
    return None


@rules.predicate
def leads_branch_of(user: Any, obj: Any) -> bool:
    """The user is group leader of the branch the object belongs to (any branch if None)."""
    if obj is None:
        return bool(is_group_leader(user))
    return _branch_id(obj) in user.organisation_ids(Role.GROUP_LEADER)


@rules.predicate
def is_the_volunteer(user: Any, volunteer: Any) -> bool:
    return bool(volunteer is not None and volunteer.user_id == user.pk)


@rules.predicate
def volunteer_in_branch_of(user: Any, obj: Any) -> bool:
    """A volunteer of the branch the object (course, guidance group) belongs to."""
    return obj is not None and _branch_id(obj) in user.organisation_ids(Role.VOLUNTEER)


rules.add_perm("volunteers.view_volunteer", (is_group_leader & leads_branch_of) | is_the_volunteer)
rules.add_perm("volunteers.screen_volunteer", is_group_leader & leads_branch_of)
rules.add_perm("volunteers.import_volunteers", is_group_leader & leads_branch_of)
rules.add_perm("volunteers.manage_courses", is_group_leader & leads_branch_of)
rules.add_perm("volunteers.edit_own_profile", is_volunteer & is_the_volunteer)
rules.add_perm("volunteers.sign_declaration", is_volunteer & is_the_volunteer)
rules.add_perm("volunteers.sign_up_for_course", is_volunteer & volunteer_in_branch_of)

"""Permissions about matching, matches and koblingsmøter."""

from __future__ import annotations

from typing import Any

import rules

from ressursvenn.accounts.models import Role
from ressursvenn.accounts.rules import is_crisis_staff, is_group_leader, is_volunteer


@rules.predicate
def leads_branch_of(user: Any, obj: Any) -> bool:
    """Group leader of the branch of a referral or match (of any branch when obj is None)."""
    if obj is None:
        return bool(is_group_leader(user))
    return obj.branch_id in user.organisation_ids(Role.GROUP_LEADER)


@rules.predicate
def works_at_centre_of(user: Any, match: Any) -> bool:
    return match is not None and match.referral.centre_id in user.organisation_ids(
        Role.CRISIS_STAFF
    )


@rules.predicate
def is_matched_volunteer(user: Any, match: Any) -> bool:
    return match is not None and match.volunteer.user_id == user.pk


rules.add_perm("matching.match_referral", is_group_leader & leads_branch_of)
rules.add_perm("matching.propose_batch", is_group_leader)
rules.add_perm(
    "matching.view_match",
    (is_group_leader & leads_branch_of)
    | (is_crisis_staff & works_at_centre_of)
    | (is_volunteer & is_matched_volunteer),
)
rules.add_perm("matching.answer_proposal", is_volunteer & is_matched_volunteer)
rules.add_perm("matching.plan_meeting", is_group_leader & leads_branch_of)
rules.add_perm("matching.record_meeting_outcome", is_group_leader & leads_branch_of)
rules.add_perm("matching.cancel_match", is_group_leader & leads_branch_of)
# Koblingsmøte and match pages (area "meetings"): the list of one's own visible matches.
rules.add_perm("matching.view_matches", is_group_leader | is_crisis_staff | is_volunteer)

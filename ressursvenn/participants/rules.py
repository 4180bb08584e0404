"""Permissions about referrals (predicates take the user, then the referral).

Crisis-centre staff act on their own centre's referrals; the group leader of the receiving
branch decides on referrals sent to her branch. Which rows a user sees at all is decided by
`Referral.objects.visible_to`; these predicates decide what she may do with them.
"""

from __future__ import annotations

from typing import Any

import rules

from ressursvenn.accounts.models import Role
from ressursvenn.accounts.rules import is_crisis_staff, is_group_leader


@rules.predicate
def works_at_referring_centre(user: Any, referral: Any) -> bool:
    """The user is crisis-centre staff of the centre that made the referral."""
    return referral is not None and referral.centre_id in user.organisation_ids(Role.CRISIS_STAFF)


@rules.predicate
def leads_receiving_branch(user: Any, referral: Any) -> bool:
    """The user is group leader of the branch the referral was sent to (and it was sent)."""
    return (
        referral is not None
        and referral.status != "draft"
        and referral.branch_id in user.organisation_ids(Role.GROUP_LEADER)
    )


rules.add_perm("participants.list_referrals", is_crisis_staff | is_group_leader)
rules.add_perm("participants.create_referral", is_crisis_staff)
rules.add_perm(
    "participants.view_referral",
    (is_crisis_staff & works_at_referring_centre) | (is_group_leader & leads_receiving_branch),
)
# Editing, sending, withdrawing and recording withdrawn consent: the referring centre.
rules.add_perm("participants.change_referral", is_crisis_staff & works_at_referring_centre)
# Accepting, declining and excluding volunteers: the receiving branch's group leader.
rules.add_perm("participants.decide_referral", is_group_leader & leads_receiving_branch)

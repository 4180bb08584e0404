"""Permissions of the outcomes: who may hand over a questionnaire link, answer or enter answers,
record the outcome question, and set the programme's targets.

The state a match must be in is checked by the actions; these are only who may do it. The
questionnaire predicates take the match as their object.
"""

from __future__ import annotations

from typing import Any

import rules

from ressursvenn.accounts.rules import (
    is_crisis_staff,
    is_group_leader,
    is_national_coordinator,
    is_volunteer,
)
from ressursvenn.matching.rules import is_matched_volunteer, leads_branch_of, works_at_centre_of
from ressursvenn.participants.models import Referral

# Reporting periods and their targets: the national office sets them for the whole programme
# and for each branch.
rules.add_perm("surveys.manage_targets", is_national_coordinator)
rules.add_perm("surveys.view_targets", is_national_coordinator)

# --- Questionnaires and the outcome question (object: the match) ------------------------------
# The woman's link is handed over by her crisis centre, and by the volunteer unless the woman
# chose to be reached only through the centre (then the volunteer has no way to reach her
# except in person with the centre, and the centre hands it over). The group leader does not
# hand over links (she reaches the woman through the centre), but like the centre she may type
# in answers the woman gives her (on her behalf), read the woman's scores and record the
# outcome. The volunteer never sees the woman's answers or the outcome.


@rules.predicate
def volunteer_may_reach_her(user: Any, match: Any) -> bool:
    return match is not None and match.referral.contact_channel != Referral.Channel.VIA_CENTRE


leader = is_group_leader & leads_branch_of
centre = is_crisis_staff & works_at_centre_of
own_volunteer = is_volunteer & is_matched_volunteer

rules.add_perm("surveys.view_questionnaires", leader | centre | own_volunteer)
rules.add_perm("surveys.hand_over_link", centre | (own_volunteer & volunteer_may_reach_her))
rules.add_perm("surveys.enter_on_behalf", leader | centre)
rules.add_perm("surveys.view_participant_answers", leader | centre)
rules.add_perm("surveys.answer_volunteer_questionnaire", own_volunteer)
rules.add_perm("surveys.view_volunteer_answers", leader | own_volunteer)
rules.add_perm("surveys.record_outcome", leader | centre)
rules.add_perm("surveys.view_outcome", leader | centre)

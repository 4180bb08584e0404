"""Permissions of the follow-up: who may log, record, report, pause, resume, close and invite.

The state a match must be in (active, paused, closed …) is checked by the actions; these are
only who may do it. Each predicate takes the match (or the social event) as its object.
"""

from __future__ import annotations

from typing import Any

import rules

from ressursvenn.accounts.models import Role
from ressursvenn.accounts.rules import is_crisis_staff, is_group_leader, is_volunteer
from ressursvenn.matching.rules import is_matched_volunteer, leads_branch_of, works_at_centre_of


@rules.predicate
def in_branch_of_event(user: Any, event: Any) -> bool:
    """A volunteer of the event's branch."""
    return event is not None and event.branch_id in user.organisation_ids(Role.VOLUNTEER)


@rules.predicate
def leads_branch_of_event(user: Any, event: Any) -> bool:
    if event is None:
        return bool(is_group_leader(user))
    return event.branch_id in user.organisation_ids(Role.GROUP_LEADER)


leader = is_group_leader & leads_branch_of
centre = is_crisis_staff & works_at_centre_of
own_volunteer = is_volunteer & is_matched_volunteer

# Activities and the pair's own meetings (the volunteer's; the leader reads the log).
rules.add_perm("followup.log_activity", own_volunteer)
rules.add_perm("followup.view_activities", leader | own_volunteer)
rules.add_perm("followup.view_activity_counts", leader | centre | own_volunteer)
rules.add_perm("followup.use_room", own_volunteer)
rules.add_perm("followup.plan_pair_meeting", own_volunteer)
rules.add_perm("followup.view_pair_meetings", leader | own_volunteer)
# Check-ins (oppfølgingssamtaler): held and recorded by the group leader.
rules.add_perm("followup.record_checkin", leader)
rules.add_perm("followup.view_checkins", leader)
# Concerns: reported by the volunteer or the leader; handled by the leader or the centre.
rules.add_perm("followup.report_concern", leader | own_volunteer)
rules.add_perm("followup.view_concerns", leader | centre | own_volunteer)
rules.add_perm("followup.handle_concern", leader | centre)
# Pause for safety: the leader or the centre pauses; both confirm the resume.
rules.add_perm("followup.pause_match", leader | centre)
rules.add_perm("followup.confirm_resume", leader | centre)
# Closure and extension: the group leader.
rules.add_perm("followup.close_match", leader)
rules.add_perm("followup.extend_match", leader)
# Social events of a branch (object: the event; None for creating one).
rules.add_perm("followup.manage_events", is_group_leader & leads_branch_of_event)
rules.add_perm(
    "followup.view_event",
    (is_group_leader & leads_branch_of_event) | (is_volunteer & in_branch_of_event),
)
rules.add_perm("followup.sign_up", is_volunteer & in_branch_of_event)
rules.add_perm("followup.view_events", is_group_leader | is_volunteer)

"""Rows the follow-up tests share: an active match of the first branch / centre / volunteer."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ressursvenn.matching.actions.meetings import add_months
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.tests import factories


def active_match(
    world: Any,
    *,
    started_days_ago: int = 40,
    months: int = 9,
    status: str = "active",
    volunteer: Any = None,
    **referral_fields: Any,
) -> Match:
    """An active match (the koblingsmøte held `started_days_ago` days ago) between a referral of
    world.centre → world.branch (contact world.staff, phone contact) and world.volunteer."""
    started = timezone.localdate() - datetime.timedelta(days=started_days_ago)
    fields: dict[str, Any] = {
        "contact": world.staff,
        "contact_channel": "phone",
        "contact_value": "+47 912 34 567",
        **referral_fields,
    }
    referral = factories.referral(world.centre, world.branch, status="matched", **fields)
    match = factories.match(
        referral,
        volunteer or world.volunteer.volunteer,
        status=status,
        volunteer_answer="yes",
        proposed_by=world.leader,
        started_on=started,
        planned_end_on=add_months(started, months),
    )
    MatchingMeeting.objects.create(
        match=match,
        starts_at=timezone.now() - datetime.timedelta(days=started_days_ago),
        mode=MatchingMeeting.Mode.CRISIS_CENTRE,
        planned_by=world.leader,
        outcome=MatchingMeeting.Outcome.CONTINUE,
    )
    return match


def other_branch_match(world: Any, **kwargs: Any) -> Match:
    """An active match in the other branch / centre with the other volunteer."""
    started = timezone.localdate() - datetime.timedelta(days=kwargs.pop("started_days_ago", 40))
    referral = factories.referral(
        world.other_centre, world.other_branch, status="matched", contact=world.other_staff
    )
    return factories.match(
        referral,
        world.other_volunteer.volunteer,
        status=kwargs.pop("status", "active"),
        volunteer_answer="yes",
        proposed_by=world.other_leader,
        started_on=started,
        planned_end_on=add_months(started, 9),
    )

"""The demo access log (demo/seed_privacy.py): seed_demo's views as the pages write them, and
seed_scale's spread over a year."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.demo import seed
from ressursvenn.demo.seed_privacy import (
    FORMER_BRANCH,
    FORMER_LEADER_EMAIL,
    FORMER_LEADER_NAME,
    NIGHT_VIEWER,
    NIGHT_VIEWS,
)
from ressursvenn.lib.models import AccessEvent
from ressursvenn.participants.models import Referral
from ressursvenn.reports import access_review
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def test_demo_views_are_by_people_who_may_see_the_record() -> None:
    counts = seed.seed_demo().privacy
    events = list(AccessEvent.objects.select_related("user"))
    assert counts == {"access events": len(events)}  # its 3 audit events are counted apart
    assert len(events) > 100
    today = timezone.localdate()
    assert max(timezone.localtime(event.at).date() for event in events) < today
    referrals = {r.pk: r for r in Referral.objects.all()}
    volunteers = {v.pk: v for v in Volunteer.objects.all()}
    memberships = set(
        Membership.objects.filter(is_active=True).values_list("user_id", "role", "organisation_id")
    )
    former = [event for event in events if event.user.email == FORMER_LEADER_EMAIL]
    assert len(former) == 3
    for event in events:
        if event in former:
            continue
        assert (event.user_id, event.role, event.organisation_id) in memberships
        if event.object_type == "participants.referral":
            referral = referrals[int(event.object_id)]
            expected = referral.centre_id if event.role == Role.CRISIS_STAFF else referral.branch_id
            assert referral.status != Referral.Status.DRAFT
        else:
            assert event.object_type == "volunteers.volunteer"
            expected = volunteers[int(event.object_id)].branch_id
        assert event.organisation_id == expected


def test_the_access_review_of_the_demo_flags_the_former_leader_and_the_night() -> None:
    seed.seed_demo()
    today = timezone.localdate()
    period = access_review.Period(today - datetime.timedelta(days=30), today)
    outside = access_review.outside_usual(period)
    assert [(row.name, row.organisation, row.views) for row in outside] == [
        (FORMER_LEADER_NAME, FORMER_BRANCH, 3)
    ]
    night = access_review.at_night(period)
    assert [(row.email, row.views) for row in night] == [(NIGHT_VIEWER, NIGHT_VIEWS)]


def test_demo_has_views_at_night_by_one_leader() -> None:
    seed.seed_demo()
    night = [
        event
        for event in AccessEvent.objects.select_related("user")
        if not 6 <= timezone.localtime(event.at, OSLO).hour < 22
    ]
    assert [event.user.email for event in night] == [NIGHT_VIEWER] * NIGHT_VIEWS
    assert {event.object_type for event in night} == {"volunteers.volunteer"}


def test_seed_scale_spreads_the_access_log_over_a_year() -> None:
    call_command("seed_scale", scale=0.001, stress=True, stdout=io.StringIO())
    moments = [
        timezone.localtime(at, OSLO) for at in AccessEvent.objects.values_list("at", flat=True)
    ]
    assert len(moments) >= 50
    today = timezone.localdate()
    days = {(today - moment.date()).days for moment in moments}
    assert min(days) >= 0
    assert max(days) <= 366
    assert len(days) > 20
    hours = {moment.hour for moment in moments}
    assert {8, 12, 15} <= hours
    assert any(moment.hour == 23 for moment in moments)
    assert not any(1 <= moment.hour < 6 for moment in moments)

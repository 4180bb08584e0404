"""manage.py seed_scale at a tiny scale: counts, consistency and refusals."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.demo.management.commands.seed_scale import (
    FULL_SCALE,
    HEAVY_MATCH_SHARE,
    scaled,
)
from ressursvenn.followup.models import (
    Activity,
    CheckIn,
    ClosingConversation,
    Closure,
    Concern,
    EventSignup,
    PairRoom,
    Pause,
    SocialEvent,
)
from ressursvenn.followup.schedule import due_dates
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Cooperation, Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def test_scaled_counts() -> None:
    assert scaled(1) == FULL_SCALE
    assert scaled(0.001) == {
        "branches": 1,
        "centres": 1,
        "volunteers": 20,
        "referrals": 10,
        "matches": 8,
        "activities": 200,
    }


def test_tiny_scale_creates_consistent_data() -> None:
    output = run("--scale", "0.001")
    assert "branches 1, centres 1, volunteers 20, referrals 10" in output
    assert Organisation.objects.filter(kind=Organisation.Kind.BRANCH).count() == 1
    assert Organisation.objects.filter(kind=Organisation.Kind.CRISIS_CENTRE).count() == 1
    assert Cooperation.objects.count() == 1
    assert Volunteer.objects.count() == 20
    assert Referral.objects.count() == 10
    assert Match.objects.count() == 8
    assert not any(user.has_usable_password() for user in User.objects.all())
    assert set(Membership.objects.values_list("role", flat=True)) <= {
        Role.GROUP_LEADER,
        Role.CRISIS_STAFF,
        Role.VOLUNTEER,
    }

    for v in screening.with_checklist(Volunteer.objects.filter(status="approved")):
        assert screening.is_cleared(v), screening.missing(v)
    busy = Match.objects.open().values("volunteer").annotate(count=Count("pk"))
    for row in busy:
        assert row["count"] <= Volunteer.objects.get(pk=row["volunteer"]).capacity
    for match in Match.objects.select_related("referral", "volunteer"):
        assert match.volunteer.status == Volunteer.Status.APPROVED
        assert match.branch_id == match.referral.branch_id == match.volunteer.branch_id
        if match.status in Match.OPEN_STATUSES:
            assert match.referral.status in (Referral.Status.PROPOSED, Referral.Status.MATCHED)


def test_follow_up_data_is_consistent() -> None:
    output = run("--scale", "0.02")
    assert "activities 4,000" in output
    assert "check-ins:" in output  # progress as it goes
    today = timezone.localdate()
    assert Match.objects.count() == 160
    assert Activity.objects.count() == 4_000
    started = Match.objects.filter(started_on__isnull=False)
    went_ahead = Match.objects.filter(
        status__in=[Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING, "closed"]
    )
    assert started.count() == went_ahead.count()
    busiest = (
        Activity.objects.filter(match__status=Match.Status.ACTIVE)
        .values("match")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    assert busiest["n"] >= HEAVY_MATCH_SHARE * 4_000
    pauses = {p.match_id: p for p in Pause.objects.filter(ended_on__isnull=True)}

    for match in started.prefetch_related("activities", "checkins"):
        assert match.started_on is not None
        last = match.ended_on or today
        if match.pk in pauses:
            last = pauses[match.pk].started_on
        for activity in match.activities.all():
            assert match.started_on < activity.occurred_on <= last
        expected = {
            (party, day)
            for day in due_dates(match.started_on, match.planned_end_on)
            for party in CheckIn.Party.values
        }
        checkins = list(match.checkins.all())
        assert {(c.party, c.due_on) for c in checkins} == expected
        for c in checkins:
            if c.status == CheckIn.Status.HELD:
                assert c.held_on is not None
                assert c.held_on <= (match.ended_on or today)  # also while paused
                assert c.due_on < (match.ended_on or today)
            if match.ended_on and c.due_on >= match.ended_on:
                assert c.status == CheckIn.Status.CANCELLED

    overdue = CheckIn.objects.filter(status=CheckIn.Status.PLANNED, due_on__lt=today)
    assert overdue.exists()
    assert overdue.count() < CheckIn.objects.filter(status=CheckIn.Status.HELD).count() / 10
    # Paused matches have an open pause; closed ones a closure and both conversations.
    assert set(pauses) == set(
        Match.objects.filter(status=Match.Status.PAUSED).values_list("pk", flat=True)
    )
    closed = set(Match.objects.filter(status=Match.Status.CLOSED).values_list("pk", flat=True))
    assert set(Closure.objects.values_list("match", flat=True)) == closed
    assert ClosingConversation.objects.count() == 2 * len(closed)
    running = Match.objects.filter(status__in=[Match.Status.ACTIVE, Match.Status.ENDING])
    assert PairRoom.objects.count() == running.count()
    assert Concern.objects.exists()
    assert SocialEvent.objects.count() == 3 * Organisation.objects.filter(kind="branch").count()
    for signup in EventSignup.objects.select_related("match"):
        assert signup.match is not None
        assert signup.volunteer_id == signup.match.volunteer_id
        assert signup.places == {"self": 1, "pair": 2, "no": 0}[signup.answer]
    for activity in Activity.objects.filter(event__isnull=False).select_related("event"):
        assert activity.event is not None
        assert EventSignup.objects.filter(
            event=activity.event, match=activity.match, attended=True
        ).exists()


def test_refuses_a_database_with_organisations_unless_forced() -> None:
    run("--scale", "0.001")
    with pytest.raises(CommandError, match="already holds organisations"):
        run("--scale", "0.001")
    assert Volunteer.objects.count() == 20
    run("--scale", "0.001", "--force")
    assert Volunteer.objects.count() == 40
    assert Organisation.objects.filter(kind=Organisation.Kind.BRANCH).count() == 2


@pytest.mark.parametrize("scale", ["0", "-1", "11"])
def test_refuses_a_nonsense_scale(scale: str) -> None:
    with pytest.raises(CommandError, match="--scale"):
        run("--scale", scale)
    assert not Organisation.objects.exists()


def test_refuses_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run("--scale", "0.001")
    assert not Organisation.objects.exists()

"""manage.py seed_scale at a tiny scale: counts, consistency and refusals."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.demo.management.commands.seed_scale import (
    FULL_SCALE,
    HEAVY_MATCH_SHARE,
    LOGIN_DEVICE,
    NATIONAL_OFFICE,
    SCALE_PASSWORD,
    STRESS_BRANCH,
    login_totp_key,
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
from ressursvenn.lib.models import AccessEvent, AuditEvent
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


def test_stress_cases_add_the_benchmarks_worst_cases() -> None:
    output = run("--scale", "0.01", "--stress")
    assert "stress volunteers 200, stress women 5, extra leaders 12, log events 1,000" in output
    big = Organisation.objects.get(name=STRESS_BRANCH)
    volunteers = Volunteer.objects.filter(branch=big)
    assert volunteers.count() == 200
    assert set(volunteers.values_list("status", flat=True)) == {Volunteer.Status.APPROVED}
    for volunteer in screening.with_checklist(volunteers):
        assert screening.is_cleared(volunteer), screening.missing(volunteer)
    assert Referral.objects.waiting().filter(branch=big).count() == 5
    assert Cooperation.objects.filter(branch=big).count() == 1
    national = Organisation.objects.get(kind=Organisation.Kind.NATIONAL)
    assert national.name == NATIONAL_OFFICE
    assert Membership.objects.filter(role=Role.NATIONAL_COORDINATOR).count() == 1
    branches = Organisation.objects.filter(kind=Organisation.Kind.BRANCH).exclude(pk=big.pk)
    for branch in branches:
        assert branch.memberships.filter(role=Role.GROUP_LEADER).count() == 3
    assert AuditEvent.objects.count() == 500
    assert AccessEvent.objects.count() == 500


def test_logins_get_the_known_password_and_authenticator() -> None:
    output = run("--scale", "0.01", "--stress", "--logins", "3")
    assert "logins 8" in output
    devices = TOTPDevice.objects.filter(name=LOGIN_DEVICE).select_related("user")
    users = {device.user for device in devices}
    assert users == {user for user in User.objects.all() if user.has_usable_password()}
    roles = Membership.objects.filter(user__in=users).values_list("role", flat=True)
    assert sorted(roles) == sorted(
        [Role.GROUP_LEADER] * 3
        + [Role.VOLUNTEER] * 3
        + [Role.CRISIS_STAFF, Role.NATIONAL_COORDINATOR]
    )
    for device in devices:
        assert device.key == login_totp_key(device.user.email)
        assert device.user.check_password(SCALE_PASSWORD)
    volunteers = [u for u in users if u.memberships.filter(role=Role.VOLUNTEER).exists()]
    for user in volunteers:
        assert Match.objects.filter(volunteer__user=user, status=Match.Status.ACTIVE).exists()


def test_a_login_user_passes_the_real_login_and_second_factor() -> None:
    run("--scale", "0.01", "--logins", "1")
    device = TOTPDevice.objects.select_related("user").get(
        name=LOGIN_DEVICE, user__memberships__role=Role.GROUP_LEADER
    )
    client = Client()
    email = device.user.email
    answer = client.post("/logg-inn/", {"email": email, "password": SCALE_PASSWORD})
    assert (answer.status_code, answer["Location"]) == (302, "/logg-inn/kode/")
    key = bytes.fromhex(login_totp_key(email))
    code = f"{TOTP(key).token():06d}"
    answer = client.post("/logg-inn/kode/", {"token": code})
    assert (answer.status_code, answer["Location"]) == (302, "/")
    assert client.get("/").status_code == 200


def test_refuses_negative_logins() -> None:
    with pytest.raises(CommandError, match="--logins"):
        run("--scale", "0.001", "--logins", "-1")
    assert not Organisation.objects.exists()

"""seed_demo's follow-up (issue 9): every persona's match has a realistic, consistent history."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from ressursvenn.demo import seed
from ressursvenn.followup.models import (
    DIGITAL_CHANNELS,
    Activity,
    Channel,
    CheckIn,
    ClosingConversation,
    Closure,
    Concern,
    EventSignup,
    PairRoom,
    Pause,
    PlannedMeeting,
    SocialEvent,
)
from ressursvenn.followup.schedule import due_dates
from ressursvenn.lib.models import AuditEvent
from ressursvenn.matching.models import Match
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.models import Referral

pytestmark = pytest.mark.django_db

DOMAIN = "@demo.ressursvenn.no"
OSLO = "Oslo Sanitetsforening"


@pytest.fixture
def seeded() -> seed.SeedSummary:
    return seed.seed_demo()


def overdue(today: datetime.date) -> list[CheckIn]:
    return list(CheckIn.objects.filter(status=CheckIn.Status.PLANNED, due_on__lt=today))


def test_the_oslo_volunteers_match_has_months_of_history(seeded: seed.SeedSummary) -> None:
    today = timezone.localdate()
    match = Match.objects.select_related("volunteer__user").get(
        volunteer__user__email="ressursvenn.oslo" + DOMAIN
    )
    assert match.status == Match.Status.ACTIVE
    assert match.started_on is not None
    assert (today - match.started_on).days >= 90

    activities = list(match.activities.all())
    assert len(activities) >= 20
    assert len({a.kind for a in activities}) >= 4
    channels = {a.channel for a in activities}
    assert Channel.IN_PERSON in channels
    assert channels & set(DIGITAL_CHANNELS)
    assert 0 < sum(1 for a in activities if a.note) < len(activities)
    # The pair has been in touch lately (no inactivity nudge).
    assert (today - max(a.occurred_on for a in activities)).days < settings.INACTIVITY_NUDGE_DAYS

    late = [c for c in overdue(today) if c.match_id == match.pk]
    assert [(c.party, c.status) for c in late] == [(CheckIn.Party.WOMAN, CheckIn.Status.PLANNED)]
    assert match.checkins.filter(status=CheckIn.Status.HELD).count() >= 5

    concerns = list(Concern.objects.filter(match=match))
    assert [(c.status, c.reported_by_id) for c in concerns] == [
        (Concern.Status.RESOLVED, match.volunteer.user_id)
    ]
    assert concerns[0].resolution
    assert concerns[0].acknowledged_at is not None

    room = PairRoom.objects.get(match=match)
    assert room.video_url.startswith(str(settings.MEETING_VIDEO_BASE_URL).rstrip("/") + "/")
    assert len(room.video_url.rsplit("/", 1)[1]) >= 32
    meetings = list(PlannedMeeting.objects.filter(match=match))
    upcoming = [m for m in meetings if m.starts_at > timezone.now()]
    assert len(upcoming) == 1
    logged = [m for m in meetings if Activity.objects.filter(planned_meeting=m).exists()]
    assert [m.mode for m in logged] == [PlannedMeeting.Mode.DIGITAL]


def test_one_paused_and_one_closed_match_as_the_actions_leave_them(
    seeded: seed.SeedSummary,
) -> None:
    paused = Match.objects.get(status=Match.Status.PAUSED)
    pause = Pause.objects.get(match=paused)
    assert pause.ended_on is None
    assert pause.reason
    assert pause.leader_confirmed_at is None
    assert pause.centre_confirmed_at is None
    assert not paused.activities.filter(occurred_on__gte=pause.started_on).exists()
    assert not PairRoom.objects.filter(match=paused).exists()
    assert Pause.objects.count() == 1

    closed = Match.objects.select_related("referral").get(status=Match.Status.CLOSED)
    assert closed.ended_on is not None
    assert closed.referral.status == Referral.Status.CLOSED
    closure = Closure.objects.get(match=closed)
    assert closure.ended_on == closed.ended_on
    assert closure.keep_in_touch == Closure.KeepInTouch.YES
    assert closure.reason == Closure.Reason.COMPLETED
    talks = ClosingConversation.objects.filter(match=closed)
    assert sorted(talks.values_list("party", flat=True)) == sorted(CheckIn.Party.values)
    assert all(t.held_on <= closed.ended_on for t in talks)
    assert not closed.checkins.filter(status=CheckIn.Status.PLANNED).exists()
    assert not closed.activities.filter(occurred_on__gt=closed.ended_on).exists()
    assert Closure.objects.count() == 1


def test_every_match_that_went_ahead_follows_the_rules(seeded: seed.SeedSummary) -> None:
    today = timezone.localdate()
    started = Match.objects.filter(started_on__isnull=False)
    assert (
        started.count()
        == Match.objects.exclude(
            status__in=[Match.Status.PROPOSED, Match.Status.MEETING_PLANNED, Match.Status.CANCELLED]
        ).count()
    )
    for match in started:
        assert match.started_on is not None
        expected = {
            (party, day)
            for day in due_dates(match.started_on, match.planned_end_on)
            for party in CheckIn.Party.values
        }
        assert set(match.checkins.values_list("party", "due_on")) == expected, match.pk
        for checkin in match.checkins.filter(status=CheckIn.Status.HELD):
            assert checkin.held_on is not None
            assert match.started_on < checkin.held_on <= today
            assert checkin.rating in (1, 2, 3, 4, 5)
            assert checkin.mode
            assert checkin.held_by_id is not None
        for activity in match.activities.all():
            assert match.started_on < activity.occurred_on <= today
            assert activity.created_by_id is not None
    assert not Activity.objects.filter(match__started_on__isnull=True).exists()
    assert not CheckIn.objects.filter(match__started_on__isnull=True).exists()
    # Two overdue check-ins in all: Fatima's (Oslo) and Thea's (Stavanger).
    assert sorted(c.match.branch.name for c in overdue(today)) == [
        OSLO,
        "Stavanger Sanitetsforening",
    ]
    # Every concern status exists; every follow-up row is in the audit trail.
    assert set(Concern.objects.values_list("status", flat=True)) == set(Concern.Status.values)
    audited = set(
        AuditEvent.objects.filter(action="demo.seed", object_type="followup.activity").values_list(
            "object_id", flat=True
        )
    )
    assert audited == {str(pk) for pk in Activity.objects.values_list("pk", flat=True)}
    assert seeded.followup["activities"] == Activity.objects.count()


def test_the_group_leader_persona_has_tasks_and_the_centres_a_phone(
    seeded: seed.SeedSummary,
) -> None:
    today = timezone.localdate()
    oslo = Organisation.objects.get(name=OSLO)
    # An overdue check-in, an end date coming up and an unacknowledged "follow up soon".
    assert [c.match.branch_id for c in overdue(today)].count(oslo.pk) == 1
    soon = today + datetime.timedelta(days=settings.MATCH_END_NOTICE_DAYS)
    ending = Match.objects.filter(
        branch=oslo, status=Match.Status.ACTIVE, planned_end_on__gt=today, planned_end_on__lte=soon
    )
    assert ending.count() == 1
    new = Concern.objects.filter(match__branch=oslo, status=Concern.Status.NEW)
    assert [c.severity for c in new] == [Concern.Severity.SOON]
    # Nobody is over capacity: the Oslo veteran's closed and ending matches overlapped.
    volunteer = ending.get().volunteer
    assert Match.objects.filter(volunteer=volunteer).count() <= volunteer.capacity

    phones = dict(
        Organisation.objects.filter(kind=Organisation.Kind.CRISIS_CENTRE).values_list(
            "name", "phone"
        )
    )
    assert phones == seed.CENTRE_PHONES
    assert all(len(phone.replace(" ", "")) == 8 for phone in phones.values())


def test_oslo_has_social_events_with_answers_and_attendance(seeded: seed.SeedSummary) -> None:
    now = timezone.now()
    events = list(SocialEvent.objects.filter(branch__name=OSLO))
    coming = [e for e in events if e.starts_at > now]
    past = [e for e in events if e.starts_at < now]
    assert len(coming) == 2
    assert len(past) == 1
    answers = EventSignup.objects.filter(event__in=coming)
    assert answers.count() >= 4
    for signup in answers:
        assert signup.places == {"self": 1, "pair": 2, "no": 0}[signup.answer]
        assert signup.attended is None
    # The Oslo volunteer persona still has both invitations to answer.
    persona = Match.objects.get(volunteer__user__email="ressursvenn.oslo" + DOMAIN).volunteer
    assert not answers.filter(volunteer=persona).exists()

    walk = past[0]
    assert walk.attendance_recorded_at is not None
    present = EventSignup.objects.filter(event=walk, attended=True)
    assert present.count() == 2
    logged = Activity.objects.filter(event=walk)
    assert sorted(logged.values_list("match_id", flat=True)) == sorted(
        present.values_list("match_id", flat=True)
    )
    assert set(logged.values_list("kind", flat=True)) == {Activity.Kind.SOCIAL_EVENT}


def test_every_persona_has_something_to_do(seeded: seed.SeedSummary) -> None:
    """The task lists ("Dine oppgaver") the personas see on the demo data."""
    from ressursvenn.accounts.models import User
    from ressursvenn.followup import tasks

    def kinds(local_part: str) -> set[str]:
        user = User.objects.get(email=local_part + DOMAIN)
        return {task.kind for task in tasks.tasks_for(user)}

    assert {tasks.CHECKIN, tasks.END, tasks.CONCERN} <= kinds("gruppeleder.oslo")
    assert tasks.INACTIVE in kinds("gruppeleder.hammerfest")
    assert tasks.CONCERN in kinds("krisesenter.oslo")
    assert {tasks.LOG_MEETING, tasks.EVENT} <= kinds("ressursvenn.oslo")

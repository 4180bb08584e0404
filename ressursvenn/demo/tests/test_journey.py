"""seed_demo's volunteer journey, courses, referrals and matches: complete and consistent."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.demo import seed
from ressursvenn.matching import adapter
from ressursvenn.matching.engine import rank
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.organisations.models import Organisation
from ressursvenn.participants.models import Referral
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import (
    Attendance,
    Course,
    Enrolment,
    GuidanceAttendance,
    GuidanceGroup,
    Volunteer,
)

pytestmark = pytest.mark.django_db

DOMAIN = "@demo.ressursvenn.no"
OSLO = "Oslo Sanitetsforening"
BRANCHES = [spec.name for spec in seed.BRANCHES]


def volunteers(**filters: Any) -> list[Volunteer]:
    rows = Volunteer.objects.filter(**filters).select_related("municipality", "branch")
    return list(screening.with_checklist(rows))


def open_matches() -> dict[int, int]:
    return dict(
        Match.objects.open().values_list("volunteer").annotate(count=Count("pk")).order_by()
    )


def candidates(referral: Referral) -> list[Any]:
    """The engine's suggestions for a woman among her branch's volunteers."""
    taken = open_matches()
    profiles = [
        seed.engine_volunteer(v, open_matches=taken.get(v.pk, 0))
        for v in volunteers(branch=referral.branch)
    ]
    excluded = referral.excluded_volunteers.values_list("pk", flat=True)
    woman = seed.engine_participant(referral, excluded_volunteers=excluded)
    return list(rank(woman, profiles).suggestions)


@pytest.fixture
def seeded() -> seed.SeedSummary:
    return seed.seed_demo()


def test_every_branch_has_volunteers_in_every_state(seeded: seed.SeedSummary) -> None:
    for name in BRANCHES:
        statuses = set(Volunteer.objects.filter(branch__name=name).values_list("status", flat=True))
        assert statuses == set(Volunteer.Status.values), name
        waiting = Volunteer.objects.filter(
            branch__name=name,
            status=Volunteer.Status.APPLIED,
            applied_at__lt=timezone.now() - datetime.timedelta(days=7),
        )
        assert waiting.exists(), f"{name}: no application waiting more than 7 days"
    assert sum(seeded.volunteer_statuses.values()) == Volunteer.objects.count()


def test_approved_volunteers_are_cleared_and_the_others_are_consistent(
    seeded: seed.SeedSummary,
) -> None:
    approved = volunteers(status=Volunteer.Status.APPROVED)
    assert approved
    for v in approved:
        assert screening.is_cleared(v), (v.full_name, screening.missing(v))
        assert v.user is not None
        assert v.approved_on is not None
        assert v.course_completed_on is not None
        completed = Enrolment.objects.filter(volunteer=v, completed_on=v.course_completed_on)
        assert completed.exists(), v.full_name
        assert Attendance.objects.filter(volunteer=v, attended=True).exists()
        assert v.age() >= 25
        assert v.languages[0] == "nb"
    for v in volunteers(status=Volunteer.Status.APPLIED):
        assert v.user is None
        assert screening.missing(v)
    for v in volunteers(status=Volunteer.Status.SCREENING):
        assert v.user is not None
        assert v.police_certificates.exists()
        assert not screening.is_cleared(v)
    for status in (Volunteer.Status.REJECTED, Volunteer.Status.WITHDRAWN, Volunteer.Status.PAUSED):
        reasons = Volunteer.objects.filter(status=status).values_list("status_reason", flat=True)
        assert all(reasons), status
    # Each user holds at most one volunteer row, in the branch of her membership.
    for v in Volunteer.objects.exclude(user=None):
        assert Membership.objects.filter(
            user=v.user, organisation=v.branch, role=Role.VOLUNTEER
        ).exists()
    # The screening checklists are partly done in each of the expected ways.
    missing = Counter(
        tuple(item.code for item in screening.missing(v))
        for v in volunteers(status=Volunteer.Status.SCREENING)
    )
    assert missing[("course", "declaration", "interview")] == len(BRANCHES)  # certificate only
    assert missing[("interview",)] == len(BRANCHES)  # "another conversation needed"
    assert missing[("declaration",)] == 1  # Sara Søker
    # Certificates and courses falling due for renewal soon (the reminders have something).
    soon = timezone.localdate() + datetime.timedelta(days=60)
    due = [v for v in approved if v.police_certificates.all()[0].renewal_due_on <= soon]
    assert len(due) >= len(BRANCHES)


def test_oslo_volunteers_live_in_districts_and_profiles_vary(seeded: seed.SeedSummary) -> None:
    oslo = Volunteer.objects.filter(branch__name=OSLO)
    assert not oslo.filter(district=None).exists()
    assert oslo.values("district").distinct().count() >= 6
    languages = Counter(code for v in Volunteer.objects.all() for code in v.languages)
    for code in ("nb", "en", "ar", "so", "pl", "uk", "ti"):
        assert languages[code] >= 1, code
    for name in BRANCHES:
        branch = Organisation.objects.get(name=name)
        areas = set(branch.municipalities.values_list("code", flat=True))
        used = set(Volunteer.objects.filter(branch=branch).values_list("municipality", flat=True))
        assert used <= areas, name


def test_courses_and_guidance_groups(seeded: seed.SeedSummary) -> None:
    today = timezone.localdate()
    now = timezone.now()
    for name in BRANCHES:
        courses = Course.objects.filter(branch__name=name).prefetch_related("sessions")
        held = [c for c in courses if all(s.ends_at < now for s in c.sessions.all())]
        upcoming = [c for c in courses if all(s.starts_at > now for s in c.sessions.all())]
        spring = [c for c in held if c.sessions.all()[0].starts_at.month in (3, 4, 5, 6)]
        assert spring, name
        assert len(upcoming) == 1, name
        course = upcoming[0]
        assert course.is_open_for_signup
        assert course.enrolments.count() < course.capacity
        assert not Attendance.objects.filter(session__course=course).exists()
        assert spring[0].enrolments.exclude(completed_on=None).exists()

        group = GuidanceGroup.objects.get(branch__name=name)
        past = group.sessions.filter(starts_at__lt=now, starts_at__year=today.year)
        assert past.exists()
        assert group.sessions.filter(starts_at__gt=now).exists()
        assert GuidanceAttendance.objects.filter(session__group=group, attended=True).exists()
        members = set(group.members.values_list("status", flat=True))
        assert members <= {Volunteer.Status.APPROVED, Volunteer.Status.PAUSED}


def test_every_referral_and_match_status_exists(seeded: seed.SeedSummary) -> None:
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    assert set(Match.objects.values_list("status", flat=True)) == set(Match.Status.values)
    oslo = set(Referral.objects.filter(branch__name=OSLO).values_list("status", flat=True))
    assert oslo == set(Referral.Status.values)
    waits = sorted(r.waiting_days() for r in Referral.objects.waiting().filter(branch__name=OSLO))
    assert len(waits) >= 3
    assert len(set(waits)) == len(waits)

    for referral in Referral.objects.all():
        assert referral.centre.cooperations_as_centre.filter(branch=referral.branch).exists()
        for code in referral.excluded_areas:
            assert code.isdigit()
            assert len(code) in (4, 6)
        if referral.status == Referral.Status.DRAFT:
            assert referral.submitted_at is None
            assert not referral.has_consent
            continue
        assert referral.has_safety_clearance
        assert referral.submitted_at is not None
        if referral.status == Referral.Status.WITHDRAWN:
            assert referral.consent_withdrawn_at is not None
            assert referral.status_reason
        else:
            assert referral.has_consent
        if referral.status == Referral.Status.DECLINED:
            assert referral.status_reason
        if referral.status in ("accepted", "proposed", "matched", "closed"):
            assert referral.waiting_since is not None

    for match in Match.objects.select_related("referral", "volunteer"):
        assert match.branch_id == match.referral.branch_id == match.volunteer.branch_id
        assert match.reasons
        assert 0 < match.score <= 100
        expected = {
            "proposed": "proposed",
            "meeting_planned": "proposed",
            "active": "matched",
            "paused": "matched",
            "ending": "matched",
            "closed": "closed",
            "cancelled": "accepted",
        }[match.status]
        assert match.referral.status == expected, match.status
    # Nobody is over capacity.
    for volunteer_id, count in open_matches().items():
        volunteer = Volunteer.objects.get(pk=volunteer_id)
        assert volunteer.status == Volunteer.Status.APPROVED
        assert count <= volunteer.capacity


def test_the_oslo_volunteer_persona_has_the_active_match_and_a_meeting_is_planned(
    seeded: seed.SeedSummary,
) -> None:
    persona = Volunteer.objects.get(user__email="ressursvenn.oslo" + DOMAIN)
    assert persona.status == Volunteer.Status.APPROVED
    active = Match.objects.get(volunteer=persona)
    assert active.status == Match.Status.ACTIVE
    assert active.branch.name == OSLO
    assert active.started_on is not None
    assert active.planned_end_on is not None
    assert active.started_on < timezone.localdate() < active.planned_end_on
    assert active.meeting.outcome == MatchingMeeting.Outcome.CONTINUE
    assert active.meeting.starts_at < timezone.now()
    assert Match.objects.visible_to(persona.user).get() == active

    planned = Match.objects.get(branch__name=OSLO, status=Match.Status.MEETING_PLANNED)
    assert planned.volunteer_answer == Match.Answer.YES
    assert planned.meeting.mode == MatchingMeeting.Mode.VIDEO
    assert planned.meeting.starts_at > timezone.now()
    assert planned.meeting.video_url.startswith("https://")
    assert planned.meeting.outcome == MatchingMeeting.Outcome.PENDING
    proposed = Match.objects.get(branch__name=OSLO, status=Match.Status.PROPOSED)
    assert proposed.volunteer_answer == Match.Answer.PENDING

    narvik = Volunteer.objects.get(user__email="ressursvenn.narvik" + DOMAIN)
    assert Match.objects.get(volunteer=narvik).status == Match.Status.PROPOSED


def test_the_engine_finds_candidates_for_every_waiting_woman(seeded: seed.SeedSummary) -> None:
    waiting = list(Referral.objects.waiting().select_related("branch", "municipality"))
    assert {r.branch.name for r in waiting} == set(BRANCHES)
    for referral in waiting:
        found = candidates(referral)
        assert found, f"no candidate for {referral.first_name} in {referral.branch.name}"
    oslo = [r for r in waiting if r.branch.name == OSLO]
    assert len(oslo) >= 3
    arabic = next(r for r in oslo if r.required_languages == ["ar"])
    for suggestion in candidates(arabic):
        assert "ar" in Volunteer.objects.get(pk=suggestion.volunteer_id).languages
    # The persona volunteer is busy, so she is never suggested.
    persona = Volunteer.objects.get(user__email="ressursvenn.oslo" + DOMAIN)
    assert all(s.volunteer_id != persona.pk for r in oslo for s in candidates(r))


def test_the_applicant_persona_must_sign_the_declaration(seeded: seed.SeedSummary) -> None:
    sara = Volunteer.objects.get(user__email="soker.oslo" + DOMAIN)
    assert sara.full_name == "Sara Søker"
    assert sara.status == Volunteer.Status.SCREENING
    assert sara.branch.name == OSLO
    assert sara.police_certificates.exists()
    assert sara.course_completed_on is not None
    assert [item.code for item in screening.missing(sara)] == [screening.DECLARATION]
    assert not sara.declarations.exists()
    membership = Membership.objects.get(user=sara.user)
    assert (membership.role, membership.organisation.name) == (Role.VOLUNTEER, OSLO)
    device = sara.user.totpdevice_set.get()
    assert device.key == seed.demo_totp_key("soker.oslo" + DOMAIN)

    out = io.StringIO()
    call_command("demo_personas", stdout=out)
    assert "soker.oslo" + DOMAIN in out.getvalue()
    assert "name:        Sara Søker" in out.getvalue()


def snapshot() -> dict[str, list[Any]]:
    """The seeded facts without primary keys or creation timestamps."""
    return {
        "volunteers": sorted(
            (
                v.full_name,
                v.email,
                v.status,
                v.branch.name,
                v.date_of_birth,
                v.municipality_id,
                v.district_id or "",
                v.languages,
                v.interests,
                v.offers,
                v.availability,
                v.modes,
                v.max_travel_km,
                v.applied_at,
                v.approved_on or datetime.date.min,
                v.status_reason,
                v.phone,
                [item.done for item in screening.checklist(v)],
            )
            for v in volunteers()
        ),
        "referrals": sorted(
            (
                r.first_name,
                r.status,
                r.birth_year,
                r.district_id or "",
                r.needs,
                r.interests,
                r.availability,
                r.contact_value,
                r.excluded_areas,
                str(r.waiting_since),
            )
            for r in Referral.objects.all()
        ),
        "matches": sorted(
            (m.referral.first_name, m.volunteer.full_name, m.status, m.score, str(m.reasons))
            for m in Match.objects.select_related("referral", "volunteer")
        ),
        "courses": sorted(
            (c.branch.name, c.title, c.enrolments.count()) for c in Course.objects.all()
        ),
    }


class RollbackError(Exception):
    """Raised to undo a seed inside a savepoint."""


def seed_and_roll_back(day: datetime.date) -> dict[str, list[Any]]:
    try:
        with transaction.atomic():
            seed.seed_demo(today=day)
            facts = snapshot()
            raise RollbackError
    except RollbackError:
        return facts


def test_the_seed_is_deterministic() -> None:
    day = timezone.localdate()
    first = seed_and_roll_back(day)
    assert not Volunteer.objects.exists()
    seed.seed_demo(today=day)
    assert snapshot() == first


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2027, 1, 3),  # early January: guidance this year has just begun
        datetime.date(2027, 5, 20),  # before summer: "last spring" is the year before
        datetime.date(2028, 7, 1),
    ],
)
def test_the_seed_is_consistent_on_any_day(day: datetime.date) -> None:
    seed.seed_demo(today=day)
    for v in volunteers(status=Volunteer.Status.APPROVED):
        assert screening.is_cleared(v, day), (v.full_name, screening.missing(v, day))
        assert v.approved_on is not None
        assert v.approved_on < day
    for match in Match.objects.exclude(started_on=None):
        assert match.started_on is not None
        assert match.started_on < day
    assert set(Match.objects.values_list("status", flat=True)) == set(Match.Status.values)


def test_the_matching_pages_adapter_finds_candidates_for_the_waiting_oslo_women(
    seeded: seed.SeedSummary,
) -> None:
    """The same question through the adapter the matching pages use."""
    branch = Organisation.objects.get(name=OSLO)
    profiles = adapter.volunteer_profiles([branch.pk])
    waiting = adapter.referrals_for_matching(Referral.objects.waiting().filter(branch=branch))
    assert waiting.count() >= 3
    for referral in waiting:
        ranking = rank(adapter.participant_profile(referral), profiles)
        assert ranking.suggestions, referral.first_name


@pytest.mark.parametrize("name", ["Olena", "Agnieszka"])
def test_the_best_candidate_in_the_readme_journey_is_a_persona_who_can_log_in(
    seeded: seed.SeedSummary, name: str
) -> None:
    """README "What to try": the leader accepts Olena (or opens Agnieszka on the waiting list)
    and the top candidate on her page is a persona volunteer who can log in and answer."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ressursvenn.accounts.models import User

    branch = Organisation.objects.get(name=OSLO)
    referral = next(
        r
        for r in adapter.referrals_for_matching(Referral.objects.filter(branch=branch))
        if r.first_name == name
    )
    ranking = rank(
        adapter.participant_profile(referral),
        adapter.volunteer_profiles([branch.pk], home_branch_id=branch.pk),
        weights=adapter.weights(),
    )
    top = Volunteer.objects.get(pk=ranking.suggestions[0].volunteer_id)
    assert top.user is not None
    assert top.user.email == "ressursvenn2.oslo" + DOMAIN
    user = User.objects.get(pk=top.user.pk)
    assert user.check_password(seed.DEMO_PASSWORD)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert screening.is_cleared(volunteers(pk=top.pk)[0])
    assert top.capacity - open_matches().get(top.pk, 0) == 2
    assert top.user.email in {persona.user.email for persona in seed.demo_personas()}

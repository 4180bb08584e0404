"""Rows → engine profiles: eligibility, capacity, exclusions, regions, fixed query count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ressursvenn.matching import adapter, engine
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import (
    BranchPolicy,
    PoliceCertificate,
    Reference,
    SuitabilityInterview,
    Volunteer,
)

pytestmark = pytest.mark.django_db


def _profiles(branch: Any, **kwargs: Any) -> dict[Any, engine.VolunteerProfile]:
    return {p.id: p for p in adapter.volunteer_profiles([branch.pk], **kwargs)}


def test_profile_fields_come_from_the_row(world: Any) -> None:
    today = timezone.localdate()
    row = factories.volunteer(
        world.branch,
        date_of_birth=datetime.date(today.year - 41, 1, 1),
        district_id="030102",
        languages=["nb", "ar"],
        interests=["hiking", "knitting"],
        offers=["housing"],
        availability=["weekends"],
        modes=["digital"],
        max_travel_km=12,
        conflict_areas=["1806"],
        capacity=2,
    )
    profile = _profiles(world.branch)[row.pk]
    assert profile == engine.VolunteerProfile(
        id=row.pk,
        age=41 if (today.month, today.day) >= (1, 1) else 40,
        municipality="0301",
        district="030102",
        location=(59.91273, 10.74609),
        languages=frozenset({"nb", "ar"}),
        interests=frozenset({"hiking", "knitting"}),
        offers=frozenset({"housing"}),
        availability=frozenset({"weekends"}),
        modes=frozenset({"digital"}),
        max_travel_km=12.0,
        capacity_left=2,
        conflict_areas=frozenset({"1806"}),
        eligible=True,
    )


def test_only_approved_volunteers_are_in_the_pool(world: Any) -> None:
    applicant = factories.volunteer(world.branch, status="applied")
    paused = factories.volunteer(world.branch, status="paused", cleared=True)
    approved = world.volunteer.volunteer
    ids = set(_profiles(world.branch))
    assert ids == {approved.pk}
    assert applicant.pk not in ids
    assert paused.pk not in ids


def test_approved_but_not_cleared_is_not_eligible(world: Any) -> None:
    row = factories.volunteer(world.branch, cleared=False)
    assert _profiles(world.branch)[row.pk].eligible is False


@pytest.mark.parametrize(
    "spoil",
    [
        "certificate_expired",
        "interview_not_suitable",
        "course_expired",
        "too_young",
        "not_declared_woman",
        "no_declaration",
        "references_missing",
    ],
)
def test_eligibility_equals_the_screening_checklist(world: Any, spoil: str) -> None:
    today = timezone.localdate()
    good = factories.volunteer(world.branch)
    row = factories.volunteer(world.branch)
    if spoil == "certificate_expired":
        PoliceCertificate.objects.filter(volunteer=row).update(
            renewal_due_on=today - datetime.timedelta(days=1)
        )
    elif spoil == "interview_not_suitable":
        SuitabilityInterview.objects.create(
            volunteer=row,
            held_on=today,
            interviewer=world.leader,
            outcome=SuitabilityInterview.Outcome.NOT_SUITABLE,
        )
    elif spoil == "course_expired":
        Volunteer.objects.filter(pk=row.pk).update(
            course_completed_on=screening.add_years(today, -3) - datetime.timedelta(days=1)
        )
    elif spoil == "too_young":
        Volunteer.objects.filter(pk=row.pk).update(
            date_of_birth=screening.add_years(today, -25) + datetime.timedelta(days=1)
        )
    elif spoil == "not_declared_woman":
        Volunteer.objects.filter(pk=row.pk).update(self_declared_woman=False)
    elif spoil == "no_declaration":
        row.declarations.all().delete()
    elif spoil == "references_missing":
        assert _profiles(world.branch)[row.pk].eligible is True
        BranchPolicy.objects.create(branch=world.branch, references_required=1)
        Reference.objects.create(
            volunteer=good,
            name="Ref",
            contacted_on=today,
            is_positive=True,
            recorded_by=world.leader,
        )
        Reference.objects.create(
            volunteer=row,
            name="Ref",
            contacted_on=today,
            is_positive=False,
            recorded_by=world.leader,
        )
    # The rows were changed behind the actions' back: store the value again, as they do.
    screening.refresh_valid_until([good.pk, row.pk])
    profiles = _profiles(world.branch)
    rows = screening.with_checklist(Volunteer.objects.filter(pk__in=[good.pk, row.pk]))
    expected = {v.pk: screening.is_cleared(v, today) for v in rows}
    assert expected == {good.pk: True, row.pk: False}
    assert {pk: profiles[pk].eligible for pk in expected} == expected


def test_cleared_on_the_last_valid_day_of_a_course_and_age(world: Any) -> None:
    today = timezone.localdate()
    row = factories.volunteer(world.branch)
    Volunteer.objects.filter(pk=row.pk).update(
        course_completed_on=screening.add_years(today, -3),
        date_of_birth=screening.add_years(today, -25),
    )
    PoliceCertificate.objects.filter(volunteer=row).update(renewal_due_on=today)
    screening.refresh_valid_until([row.pk])
    v = screening.with_checklist(Volunteer.objects.filter(pk=row.pk)).get()
    assert screening.is_cleared(v, today) is True
    assert _profiles(world.branch)[row.pk].eligible is True


def test_capacity_left_counts_open_matches_only(world: Any) -> None:
    row = factories.volunteer(world.branch, capacity=3)
    for status in ("proposed", "active", "cancelled", "closed"):
        referral = factories.referral(world.centre, world.branch, status="matched")
        factories.match(referral, row, status=status)
    assert _profiles(world.branch)[row.pk].capacity_left == 1


def test_empty_modes_mean_either(world: Any) -> None:
    row = factories.volunteer(world.branch, modes=[])
    assert _profiles(world.branch)[row.pk].modes == engine.MODES


def test_participant_profile(world: Any) -> None:
    today = timezone.localdate()
    excluded = factories.volunteer(world.branch)
    referral = factories.referral(
        world.centre,
        world.branch,
        birth_year=today.year - 30,
        required_languages=["ar"],
        languages=["ar", "nb"],
        needs=["housing"],
        preferred_age_min=35,
        excluded_areas=["030101", "3201"],
        excluded_volunteers=[excluded],
        waiting_since=timezone.now() - datetime.timedelta(days=12, hours=1),
    )
    row = adapter.referrals_for_matching(Referral.objects.filter(pk=referral.pk)).get()
    profile = adapter.participant_profile(row)
    assert profile == engine.ParticipantProfile(
        id=referral.pk,
        age=30,
        municipality="0301",
        district=None,
        location=(59.91273, 10.74609),
        languages=frozenset({"ar", "nb"}),
        required_languages=frozenset({"ar"}),
        interests=frozenset({"hiking"}),
        needs=frozenset({"housing"}),
        availability=frozenset({"evenings"}),
        modes=engine.MODES,
        preferred_age=(35, adapter.NO_PREFERENCE_MAX_AGE),
        excluded_areas=frozenset({"030101", "3201"}),
        excluded_volunteers=frozenset({excluded.pk}),
        waiting_days=12,
    )
    ranking = engine.rank(profile, adapter.volunteer_profiles([world.branch.pk]))
    assert ranking.excluded[engine.EXCLUDED_VOLUNTEER] == 1


def test_region_is_the_county_and_others_are_digital_only(world: Any) -> None:
    bodo = factories.branch("Bodø Sanitetsforening", "1804")
    factories.branch("Kongsberg Sanitetsforening", "3303")
    region = adapter.region_branch_ids(world.other_branch)
    assert sorted(region) == sorted([world.other_branch.pk, bodo.pk])
    both = factories.volunteer(bodo, modes=["in_person", "digital"])
    in_person = factories.volunteer(bodo, modes=["in_person"])
    home = world.other_volunteer.volunteer
    profiles = {
        p.id: p for p in adapter.volunteer_profiles(region, home_branch_id=world.other_branch.pk)
    }
    assert set(profiles) == {both.pk, home.pk}
    assert profiles[both.pk].modes == frozenset({engine.DIGITAL})
    assert profiles[home.pk].modes == engine.MODES
    assert in_person.pk not in profiles


def test_weights_from_settings(settings: Any) -> None:
    assert adapter.weights() == engine.DEFAULT_WEIGHTS
    settings.MATCHING_WEIGHTS = {"interests": 50, "needs": 50}
    assert adapter.weights() == engine.Weights(interests=50, needs=50)


def test_rule_texts_are_the_engines() -> None:
    assert {k: str(v) for k, v in adapter.RULE_TEXT.items()} == dict(engine.HARD_RULE_TEXT)


def test_profiles_take_the_same_queries_for_one_and_many(world: Any) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            adapter.volunteer_profiles([world.branch.pk])
        return len(queries)

    one = count()
    for _ in range(4):
        row = factories.volunteer(world.branch)
        referral = factories.referral(world.centre, world.branch, status="matched")
        factories.match(referral, row, status=Match.Status.ACTIVE)
    assert count() == one == 1  # the volunteers, with the stored screening verdict


@pytest.mark.parametrize("prefetched", [True, False])
def test_earlier_declined_or_cancelled_matches_become_a_hard_rule(
    world: Any, prefetched: bool
) -> None:
    referral = factories.referral(world.centre, world.branch)
    declined = world.volunteer.volunteer
    cancelled = factories.volunteer(world.branch, full_name="Berit Avbrutt")
    closed = factories.volunteer(world.branch, full_name="Cecilie Ferdig")
    factories.match(referral, declined, status="cancelled", volunteer_answer="no")
    factories.match(referral, cancelled, status="cancelled", volunteer_answer="yes")
    factories.match(referral, closed, status="closed", volunteer_answer="yes")
    other = factories.referral(world.centre, world.branch, first_name="Annen")
    factories.match(other, factories.volunteer(world.branch), status="cancelled")
    rows = Referral.objects.filter(pk=referral.pk)
    row = adapter.referrals_for_matching(rows).get() if prefetched else rows.get()
    profile = adapter.participant_profile(row)
    assert profile.earlier_volunteers == frozenset({declined.pk, cancelled.pk})
    ranking = engine.rank(profile, adapter.volunteer_profiles([world.branch.pk]))
    assert ranking.excluded[engine.EARLIER_PROPOSAL] == 2
    assert adapter.rule_text(engine.EARLIER_PROPOSAL) == (
        "Har hatt et forslag for henne som ble avslått eller avbrutt"
    )


def _variety(world: Any) -> list[Volunteer]:
    """Volunteers covering every way each requirement can hold, fail or lapse, in two
    branches (one requires two good references)."""
    import random

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    BranchPolicy.objects.create(branch=world.other_branch, references_required=2)
    # (values that hold, values that do not), per requirement
    axes = [
        (["never", "due_today", "due_soon"], ["none", "due_yesterday", "latest_expired"]),
        (["fresh", "last_day", "lapses_soon"], ["none", "lapsed"]),
        (["suitable", "suitable_after_another"], ["none", "not_suitable", "another_last"]),
        (["none", "turns_25_today"], ["no_declaration", "not_woman", "too_young"]),
        ([0, 3], [1, 2]),  # references: 0 in a branch requiring none, else 3 (2 good)
    ]
    rng = random.Random(10)
    # Every single failure on its own, then random mixes that are often all good.
    chosen = [
        tuple(bad if i == k else holds[0] for i, (holds, _bad) in enumerate(axes))
        for k, (_holds, bads) in enumerate(axes)
        for bad in bads
    ]
    chosen += [
        tuple(rng.choice(holds if rng.random() < 0.7 else holds + bads) for holds, bads in axes)
        for _ in range(60)
    ]
    rows = []
    for n, (certificate, course, interview, extra, good) in enumerate(chosen):
        branch = world.other_branch if good else world.branch
        row = factories.volunteer(branch, email=f"v{n}@example.no")
        if certificate == "none":
            row.police_certificates.all().delete()
        else:
            due = {
                "never": None,
                "due_today": today,
                "due_yesterday": today - day,
                "due_soon": today + 10 * day,
                "latest_expired": today - 2 * day,
            }[certificate]
            row.police_certificates.update(renewal_due_on=due)
            if certificate == "latest_expired":
                PoliceCertificate.objects.create(
                    volunteer=row,
                    kind=PoliceCertificate.Kind.ORDINARY,
                    issued_on=today - 900 * day,
                    seen_on=today - 800 * day,
                    seen_by=world.leader,
                    renewal_due_on=today + 300 * day,
                )
        completed = {
            "none": None,
            "fresh": today - 15 * day,
            "last_day": screening.add_years(today, -3),
            "lapsed": screening.add_years(today, -3) - day,
            "lapses_soon": screening.add_years(today, -3) + 5 * day,
        }[course]
        born = row.date_of_birth
        if extra == "too_young":
            born = screening.add_years(today, -25) + day
        elif extra == "turns_25_today":
            born = screening.add_years(today, -25)
        Volunteer.objects.filter(pk=row.pk).update(
            course_completed_on=completed,
            date_of_birth=born,
            self_declared_woman=extra != "not_woman",
        )
        if extra == "no_declaration":
            row.declarations.all().delete()
        if interview == "none":
            row.interviews.all().delete()
        elif interview != "suitable":
            later = {
                "not_suitable": SuitabilityInterview.Outcome.NOT_SUITABLE,
                "suitable_after_another": SuitabilityInterview.Outcome.SUITABLE,
                "another_last": SuitabilityInterview.Outcome.ANOTHER,
            }[interview]
            if interview == "suitable_after_another":
                row.interviews.update(outcome=SuitabilityInterview.Outcome.ANOTHER)
            SuitabilityInterview.objects.create(
                volunteer=row, held_on=today, interviewer=world.leader, outcome=later
            )
        for k in range(good):
            Reference.objects.create(
                volunteer=row,
                name=f"Ref {k}",
                contacted_on=today,
                is_positive=k != 1,  # the second is not a good one
                recorded_by=world.leader,
            )
        rows.append(row)
    assert screening.refresh_valid_until(v.pk for v in rows) > 0
    return rows


def test_stored_screening_equals_the_checklist_on_every_day(world: Any) -> None:
    """The stored value (what the adapter reads) against the checklist, over many volunteers
    and days. (Before the correlated subqueries it replaced were deleted, this test compared
    all three and they agreed.)"""
    rows = _variety(world)
    ids = [v.pk for v in rows]
    today = timezone.localdate()
    checked = list(screening.with_checklist(Volunteer.objects.filter(pk__in=ids)))
    cleared_on = []
    for offset in (-400, -1, 0, 1, 5, 6, 10, 11, 400):
        day = today + datetime.timedelta(days=offset)
        stored = set(
            Volunteer.objects.filter(pk__in=ids)
            .filter(screening.cleared_q(day))
            .values_list("pk", flat=True)
        )
        checklist = {v.pk: screening.is_cleared(v, day) for v in checked}
        assert {pk: pk in stored for pk in ids} == checklist
        cleared_on.append(len(stored))
    assert cleared_on == [16, 15, 22, 11, 11, 6, 6, 2, 2]
    assert [v.screening_valid_until for v in checked] == [screening.valid_until(v) for v in checked]


def test_the_adapter_reads_the_stored_value(world: Any) -> None:
    rows = _variety(world)
    Volunteer.objects.filter(pk__in=[v.pk for v in rows]).update(status="approved")
    checked = screening.with_checklist(Volunteer.objects.filter(pk__in=[v.pk for v in rows]))
    expected = {v.pk: screening.is_cleared(v) for v in checked}
    profiles = {
        **_profiles(world.branch),
        **_profiles(world.other_branch),
    }
    assert {pk: profiles[pk].eligible for pk in expected} == expected


def test_a_changed_row_gives_a_new_profile_and_coordinates_stay_exact(world: Any) -> None:
    """A memoised profile is reused only for an identical row, and the municipality centre comes
    back as the very same float (not a 15-digit text rendering of it)."""
    from ressursvenn.organisations.models import Municipality

    row = factories.volunteer(world.branch, interests=["hiking"], district_id=None)
    Municipality.objects.filter(pk=row.municipality_id).update(
        lat=59.912730000000003, lon=0.1 + 0.2
    )
    first = _profiles(world.branch)[row.pk]
    assert (first.interests, first.district) == (frozenset({"hiking"}), None)
    assert first.location == (59.912730000000003, 0.1 + 0.2)
    Volunteer.objects.filter(pk=row.pk).update(interests=["knitting"], district_id="030102")
    again = _profiles(world.branch)[row.pk]
    assert (again.interests, again.district) == (frozenset({"knitting"}), "030102")
    assert again.location == (59.912730000000003, 0.1 + 0.2)

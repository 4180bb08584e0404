"""Matching page benchmarks on SQLite (DESIGN.md §9): SQL queries and p50/p95 times.

Builds `var/bench_matching.sqlite3` once: one branch (Oslo) with 20,000 volunteers (about 85 %
approved and cleared, with realistic profile codes and screening rows, 5 % of them already in
an open match), 500 women waiting in it, and a second branch with one waiting woman. Then it
requests, as the group leader, the candidate page for one woman (20,000 volunteers ranked) and
the waiting list of both branches (1 row vs 50 rows a page: the query count must be the same).
It also times the parts of the candidate page: reading the profiles (adapter) and `rank`.

Run as ``python bench/bench_matching.py``; delete the file under var/ to rebuild.
"""

from __future__ import annotations

import datetime
import random

from common import client_for, measure, prepare, setup_django, timed

setup_django("bench_matching.sqlite3")

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from ressursvenn.accounts.models import Membership, Role, User  # noqa: E402
from ressursvenn.lib.vocabulary import Availability, Interest, Language, Need  # noqa: E402
from ressursvenn.matching import adapter, engine  # noqa: E402
from ressursvenn.matching.models import Match  # noqa: E402
from ressursvenn.organisations.models import (  # noqa: E402
    Cooperation,
    District,
    Municipality,
    Organisation,
)
from ressursvenn.participants.models import ConsentText, Referral  # noqa: E402
from ressursvenn.volunteers.models import (  # noqa: E402
    ConfidentialityDeclaration,
    DeclarationText,
    PoliceCertificate,
    SuitabilityInterview,
    Volunteer,
)

VOLUNTEERS, WOMEN = 20_000, 500
# The national average: 20,000 volunteers in 650 branches (DESIGN.md §9).
SMALL_BRANCH = 31
OSLO = "0301"
LEADER_EMAIL = "leder@bench-matching.no"


def _some(rng: random.Random, values: list[str], low: int, high: int) -> list[str]:
    return rng.sample(values, rng.randint(low, high))


@transaction.atomic
def add_volunteers(
    branch: Organisation,
    count: int,
    *,
    first: int,
    nearby: list[Municipality],
    leader: User,
    rng: random.Random,
) -> list[Volunteer]:
    """`count` volunteers of `branch` (90 % approved, 95 % with every screening fact)."""
    today = timezone.localdate()
    own = branch.municipality
    assert own is not None
    districts = list(District.objects.order_by("code"))
    languages, interests = list(Language.values), list(Interest.values)
    needs, times = list(Need.values), list(Availability.values)
    volunteers = []
    for n in range(first, first + count):
        home = own if rng.random() < 0.6 else rng.choice(nearby)
        approved = rng.random() < 0.9
        volunteers.append(
            Volunteer(
                branch=branch,
                status=Volunteer.Status.APPROVED if approved else Volunteer.Status.SCREENING,
                full_name=f"Venn{n} Etternavn",
                email=f"venn{n}@bench-matching.no",
                date_of_birth=datetime.date(rng.randint(1950, 1998), rng.randint(1, 12), 15),
                self_declared_woman=True,
                municipality=home,
                district=rng.choice(districts) if home.code == OSLO else None,
                languages=["nb", *_some(rng, languages[1:], 0, 2)],
                interests=_some(rng, interests, 1, 5),
                offers=_some(rng, needs, 1, 4),
                availability=_some(rng, times, 1, 3),
                modes=rng.choice([["in_person"], ["digital"], ["in_person", "digital"]]),
                max_travel_km=rng.choice([10, 25, 50]),
                capacity=rng.choice([1, 1, 1, 2]),
                course_completed_on=today - datetime.timedelta(days=rng.randint(10, 900)),
                approved_on=today - datetime.timedelta(days=5) if approved else None,
            )
        )
    volunteers = Volunteer.objects.bulk_create(volunteers, batch_size=2000)
    text = DeclarationText.objects.order_by("-version").first()
    assert text is not None
    cleared = [v for v in volunteers if rng.random() < 0.95]
    PoliceCertificate.objects.bulk_create(
        (
            PoliceCertificate(
                volunteer=v,
                kind=PoliceCertificate.Kind.ORDINARY,
                issued_on=today - datetime.timedelta(days=40),
                seen_on=today - datetime.timedelta(days=30),
                seen_by=leader,
                renewal_due_on=today + datetime.timedelta(days=rng.randint(-30, 900)),
            )
            for v in cleared
        ),
        batch_size=2000,
    )
    ConfidentialityDeclaration.objects.bulk_create(
        (
            ConfidentialityDeclaration(
                volunteer=v,
                text=text,
                method=ConfidentialityDeclaration.Method.PAPER,
                signed_on=today - datetime.timedelta(days=20),
                recorded_by=leader,
            )
            for v in cleared
        ),
        batch_size=2000,
    )
    SuitabilityInterview.objects.bulk_create(
        (
            SuitabilityInterview(
                volunteer=v,
                held_on=today - datetime.timedelta(days=10),
                interviewer=leader,
                outcome=SuitabilityInterview.Outcome.SUITABLE,
            )
            for v in cleared
        ),
        batch_size=2000,
    )

    return volunteers


def build() -> None:
    rng = random.Random(4)
    today = timezone.localdate()
    now = timezone.now()
    oslo = Municipality.objects.get(code="0301")
    nearby = list(
        Municipality.objects.filter(county_id__in=["03", "31", "32", "33"]).order_by("code")
    )
    branch = Organisation.objects.create(
        kind=Organisation.Kind.BRANCH, name="Oslo Sanitetsforening", municipality=oslo
    )
    small = Organisation.objects.create(
        kind=Organisation.Kind.BRANCH,
        name="Narvik Sanitetsforening",
        municipality=Municipality.objects.get(code="1806"),
    )
    centre = Organisation.objects.create(
        kind=Organisation.Kind.CRISIS_CENTRE, name="Oslo krisesenter", municipality=oslo
    )
    for b in (branch, small):
        Cooperation.objects.create(branch=b, crisis_centre=centre, started_on="2025-01-01")
    leader = User.objects.create_user(LEADER_EMAIL, "bench-passord-123", full_name="Gro Leder")
    for b in (branch, small):
        Membership.objects.create(user=leader, organisation=b, role=Role.GROUP_LEADER)
    staff = User.objects.create_user("stab@bench-matching.no", None, full_name="Kari Senter")

    volunteers = add_volunteers(branch, VOLUNTEERS, first=0, nearby=nearby, leader=leader, rng=rng)
    narvik_area = list(Municipality.objects.filter(county_id="18").order_by("code"))
    add_volunteers(
        small, SMALL_BRANCH, first=VOLUNTEERS, nearby=narvik_area, leader=leader, rng=rng
    )

    languages, interests = list(Language.values), list(Interest.values)
    needs, times = list(Need.values), list(Availability.values)
    consent = ConsentText.objects.order_by("-version").first()

    def woman(n: int, to: Organisation, status: str) -> Referral:
        return Referral(
            centre=centre,
            branch=to,
            contact=staff,
            created_by=staff,
            status=status,
            first_name=f"Kvinne{n}",
            birth_year=rng.randint(1960, 2004),
            municipality=oslo if to == branch else to.municipality,
            languages=["nb", *_some(rng, languages[1:], 0, 1)],
            interests=_some(rng, interests, 1, 4),
            needs=_some(rng, needs, 1, 3),
            availability=_some(rng, times, 1, 2),
            modes=rng.choice([["in_person"], ["digital"], ["in_person", "digital"]]),
            preferred_age_min=rng.choice([None, 30, 40]),
            preferred_age_max=rng.choice([None, 55, 70]),
            excluded_areas=rng.choice([[], ["030101"], ["3201"]]),
            safety_assessed_on=today,
            safety_assessed_by=staff,
            consent_text=consent,
            consent_scope=["matching"],
            consent_given_on=today,
            submitted_at=now,
            waiting_since=now - datetime.timedelta(days=rng.randint(0, 400)),
        )

    women = Referral.objects.bulk_create(
        [woman(n, branch, Referral.Status.ACCEPTED) for n in range(WOMEN)]
        + [woman(WOMEN, small, Referral.Status.ACCEPTED)]
    )
    matched = Referral.objects.bulk_create(
        woman(WOMEN + 1 + n, branch, Referral.Status.MATCHED) for n in range(VOLUNTEERS // 20)
    )
    Match.objects.bulk_create(
        Match(
            referral=r,
            volunteer=v,
            branch=branch,
            status=Match.Status.ACTIVE,
            proposed_by=leader,
        )
        for r, v in zip(matched, rng.sample(volunteers, len(matched)), strict=True)
    )
    assert women


def main() -> None:
    prepare(User.objects.filter(email=LEADER_EMAIL).exists, build, "matching")
    leader = User.objects.get(email=LEADER_EMAIL)
    client = client_for(leader)
    branch = Organisation.objects.get(name="Oslo Sanitetsforening")
    small = Organisation.objects.get(name="Narvik Sanitetsforening")
    woman = Referral.objects.filter(branch=branch, status="accepted").order_by("pk").first()
    assert woman is not None

    # Parts of the candidate page.
    referral = adapter.referrals_for_matching(Referral.objects.filter(pk=woman.pk)).get()
    profile = adapter.participant_profile(referral)
    volunteers = adapter.volunteer_profiles([branch.pk], home_branch_id=branch.pk)
    eligible = sum(v.eligible and v.capacity_left > 0 for v in volunteers)
    print(
        f"{len(volunteers)} approved volunteers in the branch, {eligible} eligible with room; "
        f"{Referral.objects.waiting().filter(branch=branch).count()} women waiting"
    )
    print(f"{'measure':44} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8}")

    def show(label: str, queries: int, p50: float, p95: float, cpu: float) -> None:
        print(f"{label:44} {queries:7d} {p50:8.1f} {p95:8.1f} {cpu:8.1f}")

    show(
        "adapter: 20,000 volunteer profiles",
        2,
        *timed(lambda: adapter.volunteer_profiles([branch.pk], home_branch_id=branch.pk)),
    )
    limit = settings.MATCHING_CANDIDATE_LIMIT
    show(
        "engine.rank alone (20,000)",
        0,
        *timed(lambda: engine.rank(profile, volunteers, limit=limit)),
    )

    pages = [
        ("candidate page (20,000 volunteers)", f"/kobling/henvisning/{woman.pk}/"),
        ("waiting list, all branches (50 rows/page)", "/kobling/"),
        ("waiting list, page 5", "/kobling/?page=5"),
    ]
    for label, url in pages:
        show(label, *measure(client, url))

    # Waiting list with 1 row: a leader of the small branch only.
    single = User.objects.filter(email="leder1@bench-matching.no").first()
    if single is None:
        single = User.objects.create_user("leder1@bench-matching.no", None, full_name="Nora")
        Membership.objects.create(user=single, organisation=small, role=Role.GROUP_LEADER)
    show("waiting list, 1 row", *measure(client_for(single), "/kobling/"))
    local = Referral.objects.filter(branch=small, status="accepted").order_by("pk").first()
    assert local is not None
    show(
        f"candidate page ({SMALL_BRANCH} volunteers, national avg)",
        *measure(client, f"/kobling/henvisning/{local.pk}/"),
    )


if __name__ == "__main__":
    main()

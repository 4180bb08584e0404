"""`manage.py seed_scale [--scale F] [--force] [--seed N]`: national-scale data (DESIGN.md §9).

650 branches, 43 crisis centres, 20,000 volunteers, 10,000 referrals and 8,000 matches at
`--scale 1`, written with `bulk_create` in one transaction. For benchmarks and load tests on a
development machine only: refuses in production, and on a database that holds organisations
unless `--force`. The people have no login (unusable passwords, no authenticator) and no audit
events; activities wait for the follow-up app.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from faker import Faker

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.demo import seed
from ressursvenn.lib.vocabulary import Availability, Interest, Need
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.organisations import reference
from ressursvenn.organisations.models import Cooperation, District, Municipality, Organisation
from ressursvenn.participants.models import ConsentText, Referral
from ressursvenn.volunteers.models import (
    ConfidentialityDeclaration,
    Course,
    DeclarationText,
    Enrolment,
    PoliceCertificate,
    SuitabilityInterview,
    Volunteer,
)

SCALE_DOMAIN = "skala.ressursvenn.no"
FULL_SCALE = {
    "branches": 650,
    "centres": 43,
    "volunteers": 20_000,
    "referrals": 10_000,
    "matches": 8_000,
}
BATCH = 2_000
# Share of each volunteer status.
VOLUNTEER_STATUSES = {
    Volunteer.Status.APPROVED: 60,
    Volunteer.Status.SCREENING: 10,
    Volunteer.Status.APPLIED: 10,
    Volunteer.Status.PAUSED: 5,
    Volunteer.Status.ENDED: 7,
    Volunteer.Status.REJECTED: 4,
    Volunteer.Status.WITHDRAWN: 4,
}
# Share of each match status among the matches (each match has its own referral).
MATCH_STATUSES = {
    Match.Status.CLOSED: 45,
    Match.Status.ACTIVE: 35,
    Match.Status.ENDING: 5,
    Match.Status.PAUSED: 2,
    Match.Status.PROPOSED: 4,
    Match.Status.MEETING_PLANNED: 3,
    Match.Status.CANCELLED: 6,
}
MATCH_REFERRAL_STATUS = {
    Match.Status.CLOSED: Referral.Status.CLOSED,
    Match.Status.ACTIVE: Referral.Status.MATCHED,
    Match.Status.ENDING: Referral.Status.MATCHED,
    Match.Status.PAUSED: Referral.Status.MATCHED,
    Match.Status.PROPOSED: Referral.Status.PROPOSED,
    Match.Status.MEETING_PLANNED: Referral.Status.PROPOSED,
    Match.Status.CANCELLED: Referral.Status.ACCEPTED,
}
# Share of each status among the referrals without a match.
UNMATCHED_REFERRAL_STATUSES = {
    Referral.Status.ACCEPTED: 60,
    Referral.Status.SUBMITTED: 15,
    Referral.Status.DRAFT: 10,
    Referral.Status.DECLINED: 10,
    Referral.Status.WITHDRAWN: 5,
}
FIRST_NAMES = (
    "Amina", "Fatima", "Hodan", "Saba", "Leyla", "Olena", "Agnieszka", "Ingrid", "Marte",
    "Kristin", "Nadia", "Iryna", "Mari", "Sofia", "Ruta", "Nasra", "Elle", "Hanne", "Camilla",
    "Zeynep", "Mariam", "Siri", "Elif", "Thea", "Aisha", "Silje", "Beatriz", "Tone", "Linn",
)  # fmt: skip


@dataclass
class ScaleSummary:
    counts: dict[str, int]
    seconds: float

    def lines(self) -> list[str]:
        return [
            "National-scale data created in "
            f"{self.seconds:.1f} s: "
            + ", ".join(f"{name} {count:,}" for name, count in self.counts.items())
        ]


def scaled(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in FULL_SCALE.items()}


def _pick(rng: random.Random, shares: dict[Any, int]) -> Any:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _sample(rng: random.Random, values: list[str], low: int, high: int) -> list[str]:
    chosen = set(rng.sample(values, rng.randint(low, high)))
    return [value for value in values if value in chosen]


def _ascii(name: str) -> str:
    return ".".join(seed._ascii(part) for part in name.split())


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} {number}", number + 1
    taken.add(candidate)
    return candidate


class _ScaleSeeder:
    def __init__(self, *, scale: float, seed_value: int) -> None:
        self.counts = scaled(scale)
        self.rng = random.Random(seed_value)  # noqa: S311 - synthetic data, not a secret
        self.fake = Faker(seed.FAKER_LOCALE)
        self.fake.seed_instance(seed_value)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.unusable = make_password(None)
        existing = User.objects.filter(email__endswith="@" + SCALE_DOMAIN).count()
        self.email_offset = existing
        self.names = set(Organisation.objects.values_list("name", flat=True))

    def email(self, kind: str, number: int) -> str:
        return f"{kind}{self.email_offset + number:06d}@{SCALE_DOMAIN}"

    def users(self, kind: str, count: int) -> list[User]:
        rows = [
            User(
                email=self.email(kind, number),
                full_name=f"{self.fake.first_name_female()} {self.fake.last_name()}",
                password=self.unusable,
            )
            for number in range(count)
        ]
        self.email_offset += count
        return User.objects.bulk_create(rows, batch_size=BATCH)

    def organisations(self) -> tuple[list[Organisation], list[Organisation]]:
        rng = self.rng
        municipalities = list(Municipality.objects.order_by("code"))
        weights = [math.sqrt(m.population) for m in municipalities]
        hosts = rng.choices(municipalities, weights=weights, k=self.counts["branches"])
        branches = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=Organisation.Kind.BRANCH,
                    name=_unique(f"{m.name.split(' - ')[0]} Sanitetsforening", self.names),
                    municipality=m,
                )
                for m in hosts
            ],
            batch_size=BATCH,
        )
        through = Organisation.municipalities.through
        through.objects.bulk_create(
            [through(organisation_id=b.pk, municipality_id=b.municipality_id) for b in branches],
            batch_size=BATCH,
        )
        by_code = {m.code: m for m in municipalities}
        known = [
            (row["name"], by_code[row["municipality_code"]])
            for row in reference.rows("crisis_centres.csv")
            if row["municipality_code"] in by_code
        ]
        while len(known) < self.counts["centres"]:
            m = rng.choices(municipalities, weights=weights)[0]
            known.append((f"Krisesenteret i {m.name.split(' - ')[0]}", m))
        centres = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=Organisation.Kind.CRISIS_CENTRE,
                    name=_unique(name, self.names),
                    municipality=m,
                )
                for name, m in known[: self.counts["centres"]]
            ]
        )
        return branches, centres

    def cooperations(
        self, branches: list[Organisation], centres: list[Organisation]
    ) -> dict[int, Organisation]:
        """Each branch works with its nearest crisis centre."""
        locations = {m.code: (m.lat, m.lon) for m in Municipality.objects.all()}
        locations[""] = (0.0, 0.0)

        def distance(a: str | None, b: str | None) -> float:
            (lat1, lon1), (lat2, lon2) = locations[a or ""], locations[b or ""]
            return (lat1 - lat2) ** 2 + ((lon1 - lon2) * math.cos(math.radians(lat1))) ** 2

        nearest = {
            b.pk: min(centres, key=lambda c: distance(b.municipality_id, c.municipality_id))
            for b in branches
        }
        Cooperation.objects.bulk_create(
            [
                Cooperation(branch=b, crisis_centre=nearest[b.pk], started_on=self.today)
                for b in branches
            ],
            batch_size=BATCH,
        )
        return nearest

    def volunteers(
        self, branches: list[Organisation], leaders: dict[int, User]
    ) -> dict[int, list[Volunteer]]:
        rng, today, fake = self.rng, self.today, self.fake
        count = self.counts["volunteers"]
        oslo_districts = list(District.objects.filter(municipality_id=reference.OSLO))
        weights = [rng.uniform(0.5, 1.5) for _ in branches]
        homes = rng.choices(branches, weights=weights, k=count)
        statuses = [_pick(rng, VOLUNTEER_STATUSES) for _ in range(count)]
        with_account = [
            s in (Volunteer.Status.APPROVED, Volunteer.Status.SCREENING, Volunteer.Status.PAUSED)
            for s in statuses
        ]
        accounts = iter(self.users("frivillig", sum(with_account)))
        course_day = today - datetime.timedelta(days=200)
        rows = []
        for branch, status, account in zip(homes, statuses, with_account, strict=True):
            user = next(accounts) if account else None
            name = user.full_name if user else f"{fake.first_name_female()} {fake.last_name()}"
            approved = status in (Volunteer.Status.APPROVED, Volunteer.Status.PAUSED)
            rows.append(
                Volunteer(
                    branch=branch,
                    user=user,
                    status=status,
                    full_name=name,
                    email=user.email if user else f"{_ascii(name)}@example.com",
                    date_of_birth=today.replace(year=today.year - rng.randint(26, 72), day=1),
                    self_declared_woman=True,
                    municipality=branch.municipality,
                    district=rng.choice(oslo_districts)
                    if branch.municipality_id == reference.OSLO
                    else None,
                    languages=["nb", *(["en"] if rng.random() < 0.4 else [])],
                    interests=_sample(rng, list(Interest.values), 2, 5),
                    offers=_sample(rng, list(Need.values), 2, 4),
                    availability=_sample(rng, list(Availability.values), 1, 3),
                    modes=rng.choice([["in_person", "digital"], ["in_person"], ["digital"]]),
                    max_travel_km=rng.choice([10, 25, 40]),
                    applied_at=self.now - datetime.timedelta(days=rng.randint(1, 900)),
                    approved_on=course_day + datetime.timedelta(days=30) if approved else None,
                    course_completed_on=course_day if approved else None,
                )
            )
        created = Volunteer.objects.bulk_create(rows, batch_size=BATCH)
        Membership.objects.bulk_create(
            [
                Membership(user=v.user, organisation=v.branch, role=Role.VOLUNTEER)
                for v in created
                if v.user is not None
            ],
            batch_size=BATCH,
        )
        self.checklists(
            [v for v in created if v.course_completed_on is not None], leaders, course_day
        )
        by_branch: dict[int, list[Volunteer]] = defaultdict(list)
        for v in created:
            if v.status == Volunteer.Status.APPROVED:
                by_branch[v.branch_id].append(v)
        return by_branch

    def checklists(
        self, approved: list[Volunteer], leaders: dict[int, User], course_day: datetime.date
    ) -> None:
        """Certificate, course enrolment, declaration and suitable interview: cleared today."""
        text = DeclarationText.objects.order_by("-version").first()
        if text is None:
            raise CommandError("The declaration text is missing: run `migrate`.")
        seen = self.today - datetime.timedelta(days=220)
        PoliceCertificate.objects.bulk_create(
            [
                PoliceCertificate(
                    volunteer=v,
                    kind=PoliceCertificate.Kind.ORDINARY,
                    issued_on=seen - datetime.timedelta(days=14),
                    seen_on=seen,
                    seen_by=leaders[v.branch_id],
                    renewal_due_on=seen.replace(year=seen.year + 3, day=1),
                )
                for v in approved
            ],
            batch_size=BATCH,
        )
        signed = max(self.today - datetime.timedelta(days=180), text.published_on)
        ConfidentialityDeclaration.objects.bulk_create(
            [
                ConfidentialityDeclaration(
                    volunteer=v,
                    text=text,
                    method=ConfidentialityDeclaration.Method.PAPER,
                    signed_on=min(signed, self.today),
                    recorded_by=leaders[v.branch_id],
                )
                for v in approved
            ],
            batch_size=BATCH,
        )
        SuitabilityInterview.objects.bulk_create(
            [
                SuitabilityInterview(
                    volunteer=v,
                    held_on=course_day + datetime.timedelta(days=14),
                    interviewer=leaders[v.branch_id],
                    outcome=SuitabilityInterview.Outcome.SUITABLE,
                )
                for v in approved
            ],
            batch_size=BATCH,
        )
        courses = {
            branch_id: Course(
                branch_id=branch_id,
                title=f"Opplæringskurs {course_day.year}",
                capacity=40,
                is_open_for_signup=False,
                created_by=leader,
            )
            for branch_id, leader in leaders.items()
        }
        Course.objects.bulk_create(list(courses.values()), batch_size=BATCH)
        Enrolment.objects.bulk_create(
            [
                Enrolment(course=courses[v.branch_id], volunteer=v, completed_on=course_day)
                for v in approved
            ],
            batch_size=BATCH,
        )

    def referrals_and_matches(
        self,
        branches: list[Organisation],
        nearest: dict[int, Organisation],
        contacts: dict[int, User],
        leaders: dict[int, User],
        approved: dict[int, list[Volunteer]],
    ) -> dict[str, int]:
        rng, today, now = self.rng, self.today, self.now
        consent = ConsentText.objects.order_by("-version").first()
        total, with_match = (
            self.counts["referrals"],
            min(self.counts["matches"], self.counts["referrals"]),
        )
        homes = rng.choices(branches, k=total)
        open_count: dict[int, int] = defaultdict(int)
        referrals: list[Referral] = []
        planned: list[tuple[int, Any, Volunteer]] = []  # (referral index, match status, vol)
        for index, branch in enumerate(homes):
            match_status = _pick(rng, MATCH_STATUSES) if index < with_match else None
            volunteer = None
            pool = approved.get(branch.pk, [])
            if match_status is not None and pool:
                if match_status in Match.OPEN_STATUSES:
                    free = [v for v in pool if open_count[v.pk] < v.capacity]
                    if free:
                        volunteer = rng.choice(free)
                        open_count[volunteer.pk] += 1
                    else:
                        match_status = Match.Status.CLOSED  # everyone here is busy
                if volunteer is None:
                    volunteer = rng.choice(pool)
            if volunteer is None:
                match_status = None
            status = (
                MATCH_REFERRAL_STATUS[match_status]
                if match_status is not None
                else _pick(rng, UNMATCHED_REFERRAL_STATUSES)
            )
            days = rng.randint(20, 700) if match_status else rng.randint(1, 120)
            draft = status == Referral.Status.DRAFT
            centre = nearest[branch.pk]
            referrals.append(
                Referral(
                    centre=centre,
                    branch=branch,
                    contact=contacts[centre.pk],
                    created_by=contacts[centre.pk],
                    status=status,
                    first_name=rng.choice(FIRST_NAMES),
                    birth_year=today.year - rng.randint(20, 65),
                    municipality=branch.municipality,
                    languages=["nb"],
                    interests=_sample(rng, list(Interest.values), 1, 4),
                    needs=_sample(rng, list(Need.values), 1, 3),
                    availability=_sample(rng, list(Availability.values), 1, 3),
                    modes=["in_person", "digital"],
                    safety_assessed_on=today - datetime.timedelta(days=days + 2),
                    safety_assessed_by=contacts[centre.pk],
                    consent_text=None if draft else consent,
                    consent_scope=[] if draft else ["matching"],
                    consent_given_on=None if draft else today - datetime.timedelta(days=days + 1),
                    consent_withdrawn_at=now if status == Referral.Status.WITHDRAWN else None,
                    submitted_at=None if draft else now - datetime.timedelta(days=days),
                    waiting_since=now - datetime.timedelta(days=days - 1)
                    if status in ("accepted", "proposed", "matched", "closed")
                    else None,
                    closed_at=now - datetime.timedelta(days=10)
                    if status == Referral.Status.CLOSED
                    else None,
                )
            )
            if match_status is not None and volunteer is not None:
                planned.append((index, match_status, volunteer))
        created = Referral.objects.bulk_create(referrals, batch_size=BATCH)

        matches = []
        for index, status, volunteer in planned:
            referral = created[index]
            started = None
            if status in (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDING):
                started = today - datetime.timedelta(days=rng.randint(10, 330))
            elif status == Match.Status.CLOSED:
                started = today - datetime.timedelta(days=rng.randint(300, 700))
            matches.append(
                Match(
                    referral=referral,
                    volunteer=volunteer,
                    branch_id=referral.branch_id,
                    status=status,
                    score=rng.randint(35, 95),
                    proposed_by=leaders[referral.branch_id],
                    volunteer_answer=Match.Answer.PENDING
                    if status == Match.Status.PROPOSED
                    else (
                        Match.Answer.NO if status == Match.Status.CANCELLED else Match.Answer.YES
                    ),
                    started_on=started,
                    planned_end_on=started + datetime.timedelta(days=365) if started else None,
                    ended_on=started + datetime.timedelta(days=270)
                    if started and status == Match.Status.CLOSED
                    else None,
                )
            )
        created_matches = Match.objects.bulk_create(matches, batch_size=BATCH)
        MatchingMeeting.objects.bulk_create(
            [
                MatchingMeeting(
                    match=m,
                    starts_at=timezone.make_aware(
                        datetime.datetime.combine(m.started_on, datetime.time(11))
                    )
                    if m.started_on
                    else now + datetime.timedelta(days=5),
                    mode=MatchingMeeting.Mode.CRISIS_CENTRE,
                    planned_by=leaders[m.branch_id],
                    outcome=MatchingMeeting.Outcome.CONTINUE
                    if m.started_on
                    else MatchingMeeting.Outcome.PENDING,
                )
                for m in created_matches
                if m.started_on or m.status == Match.Status.MEETING_PLANNED
            ],
            batch_size=BATCH,
        )
        return {"referrals": len(created), "matches": len(created_matches)}

    def run(self) -> dict[str, int]:
        branches, centres = self.organisations()
        nearest = self.cooperations(branches, centres)
        leader_users = self.users("gruppeleder", len(branches))
        contact_users = self.users("krisesenter", len(centres))
        leaders = {b.pk: u for b, u in zip(branches, leader_users, strict=True)}
        contacts = {c.pk: u for c, u in zip(centres, contact_users, strict=True)}
        Membership.objects.bulk_create(
            [
                *(
                    Membership(user=u, organisation_id=pk, role=Role.GROUP_LEADER)
                    for pk, u in leaders.items()
                ),
                *(
                    Membership(user=u, organisation_id=pk, role=Role.CRISIS_STAFF)
                    for pk, u in contacts.items()
                ),
            ],
            batch_size=BATCH,
        )
        approved = self.volunteers(branches, leaders)
        made = self.referrals_and_matches(branches, nearest, contacts, leaders, approved)
        return {
            "branches": len(branches),
            "centres": len(centres),
            "volunteers": self.counts["volunteers"],
            **made,
        }


class Command(BaseCommand):
    help = "Create national-scale synthetic data for benchmarks (DESIGN.md §9; not production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the national counts (650 branches, 20,000 volunteers …); e.g. 0.01.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the data even though the database already holds organisations.",
        )
        parser.add_argument("--seed", type=int, default=seed.DEFAULT_SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        seed.refuse_in_production()
        scale = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if Organisation.objects.exists() and not options["force"]:
            raise CommandError(
                "The database already holds organisations. seed_scale adds tens of thousands of "
                "rows: use an empty database (e.g. DATABASE_URL=sqlite:///var/scale.sqlite3), "
                "or pass --force."
            )
        started = time.monotonic()
        with transaction.atomic():
            counts = _ScaleSeeder(scale=scale, seed_value=options["seed"]).run()
        summary = ScaleSummary(counts=counts, seconds=time.monotonic() - started)
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write("The people have no login; `seed_demo` creates the personas.")

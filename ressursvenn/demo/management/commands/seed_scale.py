"""`manage.py seed_scale [--scale F] [--force] [--seed N] [--stress] [--logins N]`: national-scale
data (DESIGN.md §9).

650 branches, 43 crisis centres, 20,000 volunteers, 10,000 referrals and 8,000 matches at
`--scale 1`, written with `bulk_create` in one transaction. For benchmarks and load tests on a
development machine only: refuses in production, and on a database that holds organisations
unless `--force`. The people have no login (unusable passwords, no authenticator; but see
`--logins`) and no audit events (but see `--stress`). The follow-up of every match that went
ahead comes with it (issue 9): 200,000 activities, check-ins on schedule (a few overdue),
concerns in every state, pauses, closures with their closing conversations, video rooms,
planned pair meetings and three social events per branch. Progress is printed as it goes.

`--stress` adds the benchmarks' worst cases (bench/bench_pages.py): a national office with a
coordinator, one branch with 20,000 approved volunteers and 500 women waiting, two more group
leaders per branch (about 2,000 staff users) and 50,000 audit and 50,000 access events (all ×
`--scale`). `--logins N` gives N group leaders, N volunteers in an active match, N crisis-centre
contacts and the coordinators the public password SCALE_PASSWORD and a TOTP device keyed by
`login_totp_key(email)`, for the load test (bench/loadtest.py); everyone else has no login.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.demo import seed
from ressursvenn.demo.seed_outcomes import scale_outcomes
from ressursvenn.demo.seed_privacy import scale_access_log
from ressursvenn.demo.seed_targets import seed_scale_targets
from ressursvenn.followup.models import (
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
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.crypto import EncryptedTextField
from ressursvenn.lib.models import AccessEvent, AuditEvent
from ressursvenn.lib.vocabulary import Availability, Interest, Need
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.organisations import reference
from ressursvenn.organisations.models import Cooperation, District, Municipality, Organisation
from ressursvenn.participants.models import ConsentText, Referral
from ressursvenn.volunteers import screening
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
    "activities": 200_000,
}
# The longest-running active match's share of the activities (400 of 200,000: the match page
# benchmark's "many rows").
HEAVY_MATCH_SHARE = 0.002
EVENTS_PER_BRANCH = 3
EVENT_TITLES = (
    "Digital kaffepause",
    "Tur i nærområdet",
    "Kurskveld: lær å lage budsjett",
    "Sommeravslutning",
    "Julegrøt på Sanitetshuset",
    "Bowling for par",
)
ACTIVITY_KINDS = dict(seed.ACTIVITY_KINDS)
ACTIVITY_CHANNELS = dict(seed.ACTIVITY_CHANNELS)
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


def _woman(
    rng: random.Random, branch: Organisation, today: datetime.date, days: int
) -> dict[str, Any]:
    """A referred woman's profile fields (random in this order, so the data stay the same)."""
    return {
        "first_name": rng.choice(FIRST_NAMES),
        "birth_year": today.year - rng.randint(20, 65),
        "municipality": branch.municipality,
        "languages": ["nb"],
        "interests": _sample(rng, list(Interest.values), 1, 4),
        "needs": _sample(rng, list(Need.values), 1, 3),
        "availability": _sample(rng, list(Availability.values), 1, 3),
        "modes": ["in_person", "digital"],
        "safety_assessed_on": today - datetime.timedelta(days=days + 2),
    }


def _sample(rng: random.Random, values: list[str], low: int, high: int) -> list[str]:
    chosen = set(rng.sample(values, rng.randint(low, high)))
    return [value for value in values if value in chosen]


def _ascii(name: str) -> str:
    return ".".join(seed._ascii(part) for part in name.split())


ACTIVITY_FIELDS = (
    "match",
    "occurred_on",
    "kind",
    "duration_minutes",
    "channel",
    "note",
    "created_by",
    "created_at",
    "updated_at",
)
CHECKIN_FIELDS = (
    "match",
    "party",
    "due_on",
    "status",
    "held_on",
    "mode",
    "via",
    "rating",
    "notes",
    "followup_needed",
    "followup_what",
    "held_by",
    "recorded_at",
)


def _converter(field: Any) -> Callable[[Any], Any]:
    """How one field's value goes into an INSERT: as the field would prepare it (dates and
    times cached: the same few hundred days repeat)."""
    if isinstance(field, EncryptedTextField):
        return lambda value: field.get_prep_value(value)
    internal = field.get_internal_type()
    if internal in ("DateField", "DateTimeField"):
        adapt = (
            connection.ops.adapt_datefield_value
            if internal == "DateField"
            else connection.ops.adapt_datetimefield_value
        )
        cache: dict[Any, Any] = {}

        def convert(value: Any) -> Any:
            if value not in cache:
                cache[value] = adapt(value)
            return cache[value]

        return convert
    return lambda value: value


def _user_id(match: Match) -> int:
    """The account of a match's volunteer (every approved volunteer here has one)."""
    user_id = match.volunteer.user_id
    assert user_id is not None
    return int(user_id)


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
        self._evenings: dict[datetime.date, datetime.datetime] = {}

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
        # bulk_create passes by the actions: store what they would (the matching reads it).
        screening.refresh_valid_until(v.pk for v in approved)

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
        # A woman to be matched in a branch without approved volunteers moves to one with
        # some, so the data set holds exactly `matches` matches.
        staffed = [b for b in branches if approved.get(b.pk)]
        open_count: dict[int, int] = defaultdict(int)
        referrals: list[Referral] = []
        planned: list[tuple[int, Any, Volunteer]] = []  # (referral index, match status, vol)
        for index, branch in enumerate(homes):
            match_status = _pick(rng, MATCH_STATUSES) if index < with_match else None
            volunteer = None
            if match_status is not None and not approved.get(branch.pk) and staffed:
                branch = rng.choice(staffed)
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
                    **_woman(rng, branch, today, days),
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
        self.matches = created_matches
        return {"referrals": len(created), "matches": len(created_matches)}

    # --- follow-up (issue 9): the months of every match that went ahead -------------------

    def followup(
        self,
        matches: list[Match],
        leaders: dict[int, User],
        contacts: dict[int, User],
        nearest: dict[int, Organisation],
        progress: Callable[[str], None],
    ) -> dict[str, int]:
        """Activities (`activities` in all, one active match with many), check-ins on schedule
        (a few overdue), concerns in every state, pauses (open for paused matches, ended for
        some others), closures with both closing conversations, video rooms, planned pair
        meetings and a few social events per branch with answers and attendance."""
        rng, today = self.rng, self.today
        started = [m for m in matches if m.started_on is not None]
        # The last day of each match's history: a paused match stopped at its pause.
        pause_from: dict[int, datetime.date] = {}
        for m in started:
            if m.status == Match.Status.PAUSED:
                assert m.started_on is not None
                days = max(1, min(60, (today - m.started_on).days - 1))
                pause_from[m.pk] = today - datetime.timedelta(days=rng.randint(1, days))

        def history_end(m: Match) -> datetime.date:
            if m.ended_on is not None:
                return m.ended_on
            return pause_from.get(m.pk, today)

        made: dict[str, int] = {}
        made["social events"], event_activities = self.events(matches, leaders, progress)
        made["activities"] = event_activities + self.activities(
            started, history_end, self.counts["activities"] - event_activities, progress
        )
        made["check-ins"] = self.checkins(started, leaders, progress)
        made["concerns"] = self.concerns(started, leaders, contacts, nearest)
        made["pauses"] = self.pauses(started, pause_from, leaders, contacts, nearest)
        made["closures"] = self.closures(started, leaders)
        running = [m for m in started if m.status in (Match.Status.ACTIVE, Match.Status.ENDING)]
        PairRoom.objects.bulk_create(
            [
                PairRoom(
                    match=m,
                    video_url=f"{seed._video_base()}/{rng.getrandbits(192):048x}",
                    renewed_by_id=_user_id(m),
                )
                for m in running
            ],
            batch_size=BATCH,
        )
        PlannedMeeting.objects.bulk_create(
            [
                PlannedMeeting(
                    match=m,
                    starts_at=seed._at(
                        today + datetime.timedelta(days=rng.randint(1, 20)), rng.randint(16, 19)
                    ),
                    mode=rng.choice(list(PlannedMeeting.Mode.values)),
                    created_by_id=_user_id(m),
                )
                for m in running
                if rng.random() < 0.3
            ],
            batch_size=BATCH,
        )
        return made

    def _bulk(
        self,
        model: Any,
        fields: tuple[str, ...],
        rows: list[tuple[Any, ...]],
        name: str,
        progress: Callable[[str], None],
    ) -> None:
        """Insert `rows` (values of `fields`, in order) with `executemany`: the ORM's
        `bulk_create` spends most of its time building and compiling 400,000 model instances.
        Values go through the fields' own preparation (dates and times as the backend wants
        them, encrypted fields encrypted); the columns left out are NULL."""
        opts = model._meta
        quote = connection.ops.quote_name
        converters = [_converter(opts.get_field(name)) for name in fields]
        columns = ", ".join(quote(opts.get_field(name).column) for name in fields)
        # Names from the model's meta, quoted; the values are parameters.
        sql = (
            f"INSERT INTO {quote(opts.db_table)} ({columns}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        step = BATCH * 10
        with connection.cursor() as cursor:
            for first in range(0, len(rows), step):
                chunk = rows[first : first + step]
                cursor.executemany(
                    sql,
                    [
                        tuple(
                            convert(value) for convert, value in zip(converters, row, strict=True)
                        )
                        for row in chunk
                    ],
                )
                progress(f"  {name}: {first + len(chunk):,} / {len(rows):,}")

    def activities(
        self,
        started: list[Match],
        history_end: Callable[[Match], datetime.date],
        target: int,
        progress: Callable[[str], None],
    ) -> int:
        """`target` activities spread over the matches by the length of their history; the
        longest-running active match gets HEAVY_MATCH_SHARE of them."""
        rng = self.rng
        spans = {m.pk: max(0, (history_end(m) - m.started_on).days - 1) for m in started}  # type: ignore[operator]
        active = [m for m in started if m.status == Match.Status.ACTIVE and spans[m.pk] > 0]
        heavy = max(active, key=lambda m: (spans[m.pk], -m.pk), default=None)
        heavy_count = max(1, round(HEAVY_MATCH_SHARE * target)) if heavy is not None else 0
        rest = target - heavy_count
        total_days = sum(days for pk, days in spans.items() if heavy is None or pk != heavy.pk)
        kinds, kind_weights = list(ACTIVITY_KINDS), list(ACTIVITY_KINDS.values())
        channels, channel_weights = list(ACTIVITY_CHANNELS), list(ACTIVITY_CHANNELS.values())
        notes = seed.ACTIVITY_NOTES
        rows: list[tuple[Any, ...]] = []
        carry = 0.0
        for m in started:
            days = spans[m.pk]
            if days <= 0:
                continue
            if heavy is not None and m.pk == heavy.pk:
                count = heavy_count
            else:
                carry += rest * days / total_days if total_days else 0
                count = int(carry)
                carry -= count
            assert m.started_on is not None
            first = m.started_on + datetime.timedelta(days=1)
            user_id = _user_id(m)
            for _ in range(count):
                day = first + datetime.timedelta(days=rng.randrange(days))
                kind = rng.choices(kinds, kind_weights)[0]
                channel = (
                    Channel.IN_PERSON
                    if kind in seed.IN_PERSON_KINDS
                    else rng.choices(channels, channel_weights)[0]
                )
                at = self.evening(day)
                note = rng.choice(notes[kind]) if rng.random() < 0.1 else ""
                minutes = rng.choice(seed.ACTIVITY_MINUTES[channel])
                rows.append((m.pk, day, kind, minutes, channel, note, user_id, at, at))
        # Whatever the rounding left over goes to the heavy match.
        while heavy is not None and len(rows) < target:
            assert heavy.started_on is not None
            day = heavy.started_on + datetime.timedelta(days=1 + rng.randrange(spans[heavy.pk]))
            at = self.evening(day)
            rows.append((heavy.pk, day, "coffee", 60, "in_person", "", _user_id(heavy), at, at))
        self._bulk(Activity, ACTIVITY_FIELDS, rows, "activities", progress)
        return len(rows)

    def evening(self, day: datetime.date) -> datetime.datetime:
        if day not in self._evenings:
            self._evenings[day] = seed._at(day, 20)
        return self._evenings[day]

    def checkins(
        self, started: list[Match], leaders: dict[int, User], progress: Callable[[str], None]
    ) -> int:
        """Both parties on every due date; past ones held (about 4 % of running matches'
        latest past one missed: overdue), those after a closure cancelled."""
        rng, today = self.rng, self.today
        planned, held, cancelled = (
            CheckIn.Status.PLANNED,
            CheckIn.Status.HELD,
            CheckIn.Status.CANCELLED,
        )
        modes = (CheckIn.Mode.IN_PERSON, CheckIn.Mode.PHONE, CheckIn.Mode.VIDEO)
        rows: list[tuple[Any, ...]] = []
        for m in started:
            assert m.started_on is not None
            end = m.ended_on or today
            dates = due_dates(m.started_on, m.planned_end_on)
            past = [d for d in dates if d < end]
            missed = past[-1] if past and m.ended_on is None and rng.random() < 0.04 else None
            leader_id = leaders[m.branch_id].pk
            for day in dates:
                for party in (CheckIn.Party.VOLUNTEER, CheckIn.Party.WOMAN):
                    if day >= end or day == missed:
                        status = cancelled if day >= end and m.ended_on is not None else planned
                        rows.append(
                            (
                                m.pk,
                                party,
                                day,
                                status,
                                None,
                                "",
                                "",
                                None,
                                "",
                                False,
                                "",
                                None,
                                None,
                            )
                        )
                        continue
                    on = min(day + datetime.timedelta(days=rng.randint(0, 3)), end)
                    rows.append(
                        (
                            m.pk,
                            party,
                            day,
                            held,
                            on,
                            rng.choice(modes),
                            CheckIn.Via.CENTRE if party == CheckIn.Party.WOMAN else "",
                            rng.choice((3, 4, 4, 5, 5)),
                            "Går fint." if rng.random() < 0.05 else "",
                            False,
                            "",
                            leader_id,
                            self.evening(on),
                        )
                    )
        self._bulk(CheckIn, CHECKIN_FIELDS, rows, "check-ins", progress)
        return len(rows)

    def concerns(
        self,
        started: list[Match],
        leaders: dict[int, User],
        contacts: dict[int, User],
        nearest: dict[int, Organisation],
    ) -> int:
        """About 6 % of the matches have a concern, in every status and severity."""
        rng, now = self.rng, self.now
        rows = []
        categories = list(Concern.Category.values)
        for m in started:
            if rng.random() >= 0.06:
                continue
            assert m.started_on is not None
            days = max(1, (min(m.ended_on or self.today, self.today) - m.started_on).days)
            reported = now - datetime.timedelta(
                days=(self.today - m.started_on).days - rng.randint(0, days - 1), hours=3
            )
            status = rng.choices(list(Concern.Status.values), [3, 3, 4])[0]
            if m.ended_on is not None:
                status = Concern.Status.RESOLVED
            severity = rng.choices(list(Concern.Severity.values), [4, 4, 2])[0]
            leader = leaders[m.branch_id]
            row = Concern(
                match_id=m.pk,
                category=rng.choice(categories),
                severity=severity,
                description="Ressursvennen ber om en samtale om koblingen.",
                status=status,
                reported_by_id=_user_id(m) if rng.random() < 0.7 else leader.pk,
                reported_at=reported,
            )
            if status != Concern.Status.NEW:
                row.acknowledged_by = leader
                row.acknowledged_at = reported + datetime.timedelta(hours=rng.randint(1, 30))
            if status == Concern.Status.RESOLVED:
                row.resolved_by = leader
                row.resolved_at = reported + datetime.timedelta(days=rng.randint(2, 10))
                row.resolution = "Fulgt opp med begge."
            if (
                status == Concern.Status.NEW
                and severity == Concern.Severity.URGENT
                and reported < now - datetime.timedelta(hours=24)
            ):
                row.resent_at = reported + datetime.timedelta(hours=24)
            rows.append(row)
        Concern.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def pauses(
        self,
        started: list[Match],
        pause_from: dict[int, datetime.date],
        leaders: dict[int, User],
        contacts: dict[int, User],
        nearest: dict[int, Organisation],
    ) -> int:
        """An open pause for every paused match (paused by the centre or the leader), and an
        ended one (both confirmations) for about 5 % of the others."""
        rng = self.rng
        rows = []
        for m in started:
            assert m.started_on is not None
            leader = leaders[m.branch_id]
            contact = contacts[nearest[m.branch_id].pk]
            if m.pk in pause_from:
                rows.append(
                    Pause(
                        match_id=m.pk,
                        reason="Pause av sikkerhetshensyn.",
                        started_on=pause_from[m.pk],
                        paused_by=rng.choice((leader, contact)),
                        paused_at=seed._at(pause_from[m.pk], 10),
                    )
                )
                continue
            end = m.ended_on or self.today
            if (end - m.started_on).days < 60 or rng.random() >= 0.05:
                continue
            begun = m.started_on + datetime.timedelta(days=rng.randint(10, 30))
            length = rng.randint(7, 28)
            ended = begun + datetime.timedelta(days=length)
            rows.append(
                Pause(
                    match_id=m.pk,
                    reason="Hun trengte en pause.",
                    started_on=begun,
                    paused_by=contact,
                    paused_at=seed._at(begun, 10),
                    centre_confirmed_by=contact,
                    centre_confirmed_at=seed._at(ended, 9),
                    leader_confirmed_by=leader,
                    leader_confirmed_at=seed._at(ended, 13),
                    ended_on=ended,
                )
            )
        Pause.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def closures(self, started: list[Match], leaders: dict[int, User]) -> int:
        """Every closed match: its closure and both closing conversations."""
        rng = self.rng
        closed = [m for m in started if m.status == Match.Status.CLOSED and m.ended_on]
        reasons = list(Closure.Reason.values)
        closures, talks = [], []
        for m in closed:
            assert m.ended_on is not None
            leader = leaders[m.branch_id]
            reason = rng.choices(reasons, [60, 8, 8, 8, 4, 8, 4])[0]
            closures.append(
                Closure(
                    match_id=m.pk,
                    reason=reason,
                    ended_on=m.ended_on,
                    planned=reason == Closure.Reason.COMPLETED,
                    keep_in_touch=rng.choices(list(Closure.KeepInTouch.values), [5, 3, 2])[0],
                    volunteer_next=rng.choices(list(Closure.VolunteerNext.values), [7, 2, 1])[0],
                    closed_by=leader,
                    closed_at=seed._at(m.ended_on, 12),
                )
            )
            for party, mode in (
                (CheckIn.Party.VOLUNTEER, ClosingConversation.Mode.IN_PERSON),
                (CheckIn.Party.WOMAN, ClosingConversation.Mode.PHONE),
            ):
                talks.append(
                    ClosingConversation(
                        match_id=m.pk,
                        party=party,
                        held_on=m.ended_on - datetime.timedelta(days=rng.randint(0, 5)),
                        mode=mode,
                        by=leader,
                    )
                )
        Closure.objects.bulk_create(closures, batch_size=BATCH)
        ClosingConversation.objects.bulk_create(talks, batch_size=BATCH)
        return len(closures)

    def events(
        self, matches: list[Match], leaders: dict[int, User], progress: Callable[[str], None]
    ) -> tuple[int, int]:
        """EVENTS_PER_BRANCH events per branch (one past with attendance recorded, the others
        coming up), answered by some of the branch's active pairs. Returns (events, attendance
        activities)."""
        rng, today = self.rng, self.today
        active: dict[int, list[Match]] = defaultdict(list)
        for m in matches:
            if m.status == Match.Status.ACTIVE and m.started_on is not None:
                active[m.branch_id].append(m)
        events = []
        for branch_id, leader in leaders.items():
            for number in range(EVENTS_PER_BRANCH):
                past = number == 0
                day = today + datetime.timedelta(
                    days=-rng.randint(3, 9) if past else rng.randint(3, 60)
                )
                starts = seed._at(day, 18)
                events.append(
                    SocialEvent(
                        branch_id=branch_id,
                        title=rng.choice(EVENT_TITLES),
                        starts_at=starts,
                        place="Sanitetshuset",
                        capacity=rng.choice((10, 20, 30)),
                        audience=SocialEvent.Audience.PAIRS,
                        organiser=leader,
                        attendance_recorded_at=starts + datetime.timedelta(hours=20)
                        if past
                        else None,
                    )
                )
        SocialEvent.objects.bulk_create(events, batch_size=BATCH)
        signups, attended = [], []
        for event in events:
            assert event.branch_id is not None
            pairs = [
                m
                for m in active[event.branch_id]
                if m.started_on is not None and m.started_on < event.starts_at.date()
            ]
            pairs = list({m.volunteer_id: m for m in pairs}.values())  # one answer each
            past = event.attendance_recorded_at is not None
            for m in rng.sample(pairs, min(len(pairs), event.capacity // 2, rng.randint(0, 6))):
                answer = rng.choices(list(EventSignup.Answer.values), [2, 5, 2])[0]
                came = past and answer != EventSignup.Answer.NO and rng.random() < 0.85
                signups.append(
                    EventSignup(
                        event=event,
                        volunteer=m.volunteer,
                        match=m,
                        answer=answer,
                        places={"self": 1, "pair": 2, "no": 0}[answer],
                        attended=came if past else None,
                    )
                )
                if came:
                    attended.append(
                        Activity(
                            match_id=m.pk,
                            occurred_on=event.starts_at.date(),
                            kind=Activity.Kind.SOCIAL_EVENT,
                            duration_minutes=event.duration_minutes,
                            channel=Channel.IN_PERSON,
                            event=event,
                            created_by=event.organiser,
                        )
                    )
        EventSignup.objects.bulk_create(signups, batch_size=BATCH)
        Activity.objects.bulk_create(attended, batch_size=BATCH)
        progress(f"  social events: {len(events):,} with {len(signups):,} answers")
        return len(events), len(attended)

    def run(self, progress: Callable[[str], None] = print) -> dict[str, int]:
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
        progress(f"  volunteers: {self.counts['volunteers']:,}")
        made = self.referrals_and_matches(branches, nearest, contacts, leaders, approved)
        progress(f"  referrals and matches: {made['referrals']:,}, {made['matches']:,}")
        followup = self.followup(self.matches, leaders, contacts, nearest, progress)
        return {
            "branches": len(branches),
            "centres": len(centres),
            "volunteers": self.counts["volunteers"],
            **made,
            **followup,
        }


# --- The benchmarks' worst cases (`--stress`) and known logins (`--logins N`) ---------------
# Kept apart from the data set of DESIGN.md §9 above: the page benchmark and the load test add
# them (bench/common.py); `seed_scale` alone stays the plain national data set.

STRESS_BRANCH = "Stresstest Sanitetsforening"
NATIONAL_OFFICE = "Sanitetskvinnene sentralt"
# At --scale 1: one branch with 20,000 approved, cleared volunteers and 500 women waiting in it
# (the candidate page and waiting list at their worst), two more group leaders per branch (about
# 2,000 staff users: the staff list), and 50,000 audit and 50,000 access events (the logs).
STRESS_SCALE = {"volunteers": 20_000, "women": 500, "extra_leaders": 2, "events": 50_000}
# Known logins for the load test: development data only (seed_scale refuses production). Every
# login shares this public password; its TOTP key is derived from the e-mail (login_totp_key).
SCALE_PASSWORD = "skala-passord-2026"  # noqa: S105 - public, synthetic benchmark data
LOGIN_DEVICE = "Skala-autentisering"


def login_totp_key(email: str) -> str:
    """The TOTP key (40 hex digits) of a `--logins` user, derived from the e-mail address."""
    return hashlib.sha256(f"ressursvenn-scale-totp:{email.lower()}".encode()).hexdigest()[:40]


class _StressSeeder:
    """Adds the stress cases to a database `_ScaleSeeder` has filled (same transaction)."""

    def __init__(self, base: _ScaleSeeder, scale: float) -> None:
        self.base = base
        self.counts = {name: max(1, round(n * scale)) for name, n in STRESS_SCALE.items()}
        self.counts["extra_leaders"] = STRESS_SCALE["extra_leaders"]

    def run(self, progress: Callable[[str], None]) -> dict[str, int]:
        base = self.base
        national = Organisation.objects.create(
            kind=Organisation.Kind.NATIONAL, name=_unique(NATIONAL_OFFICE, base.names)
        )
        (coordinator,) = base.users("koordinator", 1)
        Membership.objects.create(
            user=coordinator, organisation=national, role=Role.NATIONAL_COORDINATOR
        )
        branch, leader = self.big_branch()
        volunteers = self.big_branch_volunteers(branch, leader)
        women = self.big_branch_women(branch)
        progress(f"  stress branch: {volunteers:,} volunteers, {women:,} women waiting")
        staff = self.extra_leaders()
        events = self.log_events()
        progress(f"  stress: {staff:,} more group leaders, {events:,} audit and access events")
        return {
            "stress volunteers": volunteers,
            "stress women": women,
            "extra leaders": staff,
            "log events": events,
        }

    def big_branch(self) -> tuple[Organisation, User]:
        base = self.base
        oslo = Municipality.objects.get(code=reference.OSLO)
        branch = Organisation.objects.create(
            kind=Organisation.Kind.BRANCH,
            name=_unique(STRESS_BRANCH, base.names),
            municipality=oslo,
        )
        Organisation.municipalities.through.objects.create(
            organisation_id=branch.pk, municipality_id=oslo.pk
        )
        centre = (
            Organisation.objects.filter(kind=Organisation.Kind.CRISIS_CENTRE).order_by("pk").first()
        )
        assert centre is not None
        Cooperation.objects.create(branch=branch, crisis_centre=centre, started_on=base.today)
        (leader,) = base.users("stressleder", 1)
        Membership.objects.create(user=leader, organisation=branch, role=Role.GROUP_LEADER)
        self.centre = centre
        return branch, leader

    def big_branch_volunteers(self, branch: Organisation, leader: User) -> int:
        """Approved volunteers with every screening fact, living around Oslo (no accounts:
        the candidate page reads profiles and checklists, not logins)."""
        base = self.base
        rng, today = base.rng, base.today
        nearby = list(
            Municipality.objects.filter(county_id__in=["03", "31", "32", "33"]).order_by("code")
        )
        districts = list(District.objects.filter(municipality_id=reference.OSLO))
        course_day = today - datetime.timedelta(days=200)
        rows = []
        for number in range(self.counts["volunteers"]):
            home = branch.municipality if rng.random() < 0.6 else rng.choice(nearby)
            assert home is not None
            rows.append(
                Volunteer(
                    branch=branch,
                    status=Volunteer.Status.APPROVED,
                    full_name=f"Stressvenn {number:05d}",
                    email=f"stressvenn{number:05d}@example.com",
                    date_of_birth=today.replace(year=today.year - rng.randint(26, 72), day=1),
                    self_declared_woman=True,
                    municipality=home,
                    district=rng.choice(districts) if home.code == reference.OSLO else None,
                    languages=["nb", *(["en"] if rng.random() < 0.4 else [])],
                    interests=_sample(rng, list(Interest.values), 2, 5),
                    offers=_sample(rng, list(Need.values), 2, 4),
                    availability=_sample(rng, list(Availability.values), 1, 3),
                    modes=rng.choice([["in_person", "digital"], ["in_person"], ["digital"]]),
                    max_travel_km=rng.choice([10, 25, 40]),
                    capacity=rng.choice([1, 1, 1, 2]),
                    applied_at=base.now - datetime.timedelta(days=rng.randint(240, 900)),
                    approved_on=course_day + datetime.timedelta(days=30),
                    course_completed_on=course_day,
                )
            )
        created = Volunteer.objects.bulk_create(rows, batch_size=BATCH)
        base.checklists(created, {branch.pk: leader}, course_day)
        return len(created)

    def big_branch_women(self, branch: Organisation) -> int:
        base = self.base
        rng, today, now = base.rng, base.today, base.now
        consent = ConsentText.objects.order_by("-version").first()
        contact = (
            User.objects.filter(
                memberships__organisation=self.centre, memberships__role=Role.CRISIS_STAFF
            )
            .order_by("pk")
            .first()
        )
        assert contact is not None
        rows = []
        for _ in range(self.counts["women"]):
            days = rng.randint(1, 400)
            rows.append(
                Referral(
                    centre=self.centre,
                    branch=branch,
                    contact=contact,
                    created_by=contact,
                    status=Referral.Status.ACCEPTED,
                    **_woman(rng, branch, today, days),
                    safety_assessed_by=contact,
                    consent_text=consent,
                    consent_scope=["matching"],
                    consent_given_on=today - datetime.timedelta(days=days + 1),
                    submitted_at=now - datetime.timedelta(days=days),
                    waiting_since=now - datetime.timedelta(days=days - 1),
                )
            )
        return len(Referral.objects.bulk_create(rows, batch_size=BATCH))

    def extra_leaders(self) -> int:
        branches = list(
            Organisation.objects.filter(kind=Organisation.Kind.BRANCH)
            .exclude(name__startswith=STRESS_BRANCH)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        per = self.counts["extra_leaders"]
        users = self.base.users("gruppeleder", per * len(branches))
        Membership.objects.bulk_create(
            [
                Membership(
                    user=u, organisation_id=branches[n % len(branches)], role=Role.GROUP_LEADER
                )
                for n, u in enumerate(users)
            ],
            batch_size=BATCH,
        )
        return len(users)

    def log_events(self) -> int:
        """Audit events of interviews recorded by group leaders, and access events of their views
        of volunteers' records, spread over the last year."""
        count = self.counts["events"]
        leaders = list(
            Membership.objects.filter(role=Role.GROUP_LEADER)
            .order_by("pk")
            .values_list("user_id", "organisation_id")
        )
        volunteers = list(Volunteer.objects.order_by("pk").values_list("pk", flat=True)[:5_000])
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor_id=leaders[n % len(leaders)][0],
                    organisation_id=leaders[n % len(leaders)][1],
                    action=AuditAction.VOLUNTEER_RECORD_INTERVIEW,
                    object_type="volunteers.volunteer",
                    object_id=str(volunteers[n % len(volunteers)]),
                    changes={"interview_on": [None, "•••"]},
                )
                for n in range(count)
            ],
            batch_size=BATCH,
        )
        AccessEvent.objects.bulk_create(
            [
                AccessEvent(
                    user_id=leaders[n % len(leaders)][0],
                    role=Role.GROUP_LEADER,
                    organisation_id=leaders[n % len(leaders)][1],
                    object_type="volunteers.volunteer",
                    object_id=str(volunteers[(n * 7) % len(volunteers)]),
                )
                for n in range(count)
            ],
            batch_size=BATCH,
        )
        return 2 * count


def add_logins(count: int) -> dict[str, int]:
    """Give `count` group leaders (of the branches with the most active matches), `count`
    volunteers in an active match, `count` crisis-centre contacts and the national coordinators
    the public SCALE_PASSWORD and a TOTP device keyed by `login_totp_key`, so a load test can
    log in through the real form and second factor. Deterministic: same data, same users."""
    busiest = (
        Match.objects.filter(status=Match.Status.ACTIVE)
        .values("branch")
        .annotate(n=Count("pk"))
        .order_by("-n", "branch")
        .values_list("branch", flat=True)[:count]
    )
    chosen: list[int] = []
    for branch_id in busiest:
        leader = (
            Membership.objects.filter(organisation_id=branch_id, role=Role.GROUP_LEADER)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .first()
        )
        if leader is not None:
            chosen.append(leader)
    chosen += list(
        Match.objects.filter(status=Match.Status.ACTIVE, volunteer__user__isnull=False)
        .order_by("volunteer__user_id")
        .values_list("volunteer__user_id", flat=True)
        .distinct()[:count]
    )
    chosen += list(
        Membership.objects.filter(role=Role.CRISIS_STAFF)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:count]
    )
    chosen += list(
        Membership.objects.filter(role=Role.NATIONAL_COORDINATOR).values_list("user_id", flat=True)
    )
    users = list(User.objects.filter(pk__in=set(chosen)).order_by("pk"))
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=make_password(SCALE_PASSWORD))
    TOTPDevice.objects.filter(user__in=users, name=LOGIN_DEVICE).delete()
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=u, name=LOGIN_DEVICE, key=login_totp_key(u.email), confirmed=True)
            for u in users
        ],
        batch_size=BATCH,
    )
    return {"logins": len(users)}


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
        parser.add_argument(
            "--stress",
            action="store_true",
            help="Add the benchmarks' worst cases: a branch with 20,000 volunteers and 500 "
            "women waiting, about 2,000 staff users, 50,000 audit and access events (× scale).",
        )
        parser.add_argument(
            "--logins",
            type=int,
            default=0,
            help="Give N group leaders, N volunteers, N crisis-centre contacts (and the national "
            "coordinator) a known password and authenticator, for load tests.",
        )

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
        if options["logins"] < 0:
            raise CommandError("--logins must be 0 or more.")
        started = time.monotonic()

        def progress(line: str) -> None:
            self.stdout.write(f"{line} ({time.monotonic() - started:.0f} s)")

        with transaction.atomic():
            seeder = _ScaleSeeder(scale=scale, seed_value=options["seed"])
            counts = seeder.run(progress=progress)
            # The outcomes of the matches: questionnaires at their time points and the
            # outcome question.
            outcomes = scale_outcomes(seeder.today, seeder.rng)
            counts.update({f"outcomes {kind}": rows for kind, rows in outcomes.items()})
            progress(f"  outcomes: {sum(outcomes.values()):,} rows")
            if options["stress"]:
                counts.update(_StressSeeder(seeder, scale).run(progress))
                # The access log over a year of working hours, a few views at night (the
                # coordinator's access review reads it).
                scale_access_log(seeder.today)
                # Reporting periods with national and branch targets, set by the national
                # coordinator the stress cases bring.
                targets = seed_scale_targets(seeder.today, seeder.rng)
                counts.update({f"targets {kind}": rows for kind, rows in targets.items()})
            if options["logins"]:
                counts.update(add_logins(options["logins"]))
        summary = ScaleSummary(counts=counts, seconds=time.monotonic() - started)
        for line in summary.lines():
            self.stdout.write(line)
        if options["logins"]:
            self.stdout.write(
                f"{counts['logins']} users log in with the password {SCALE_PASSWORD!r} and the "
                "TOTP key login_totp_key(e-mail); the others have no login."
            )
        else:
            self.stdout.write("The people have no login; `seed_demo` creates the personas.")

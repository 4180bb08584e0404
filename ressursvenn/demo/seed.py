"""Demo data: organisations, cooperations and personas that can log in (development only).

Besides the personas, every branch gets the whole volunteer journey and its referrals, built
directly with the models and dated relative to today: approved volunteers (certificate seen,
course completed through a course with sessions, enrolments and attendance, declaration
signed, suitable interview), one of them approved almost three years ago so renewals fall due;
volunteers in screening with partly done checklists; a paused, an ended, a rejected and a
withdrawn volunteer with reasons; applications (no account) waiting up to a few weeks; a
completed spring course, an upcoming course with open places and a guidance group. Crisis
centres refer women (`REFERRALS`) in every referral status; matches cover every match status,
and their scores and reasons come from the matching engine. The volunteer persona
ressursvenn.oslo@ holds the active Oslo match; ressursvenn2.oslo@ (Nora Berg) is approved with
two free places and is the best candidate for the new Oslo referral (Olena) and for Agnieszka on
the waiting list, so the README's journey reaches a volunteer who can log in and answer;
soker.oslo@ (Sara Søker) is in screening with only the confidentiality declaration left to
sign. Women's data never holds an address: areas to avoid are municipality or district codes.

Every match that went ahead has its follow-up (`_FollowupSeeder`): activities (in person and
digital, a short note now and then), check-ins on the schedule of `followup.schedule` (held in
the past, with a few overdue), a video room, concerns, a pause, a closure. Fatima's match
(ressursvenn.oslo) runs for months with one overdue check-in, a resolved concern, a logged and
a not-yet-logged digital meeting and the next meeting planned; Hilde's (Oslo, with the veteran
volunteer) ends within MATCH_END_NOTICE_DAYS and has a new "follow up soon" concern, so the Oslo
group leader's task list is never empty; Hanne's pair (Hammerfest) has been quiet for weeks;
Elif's match (Stavanger) is paused after an urgent concern; Kristin's (Oslo) closed as planned
with both closing conversations and an agreement to keep in touch. Oslo has two events coming
up and a past walk with attendance; every crisis centre has a (made-up) phone number.

Everything is deterministic for a given seed: names come from a seeded Faker, choices from a
seeded ``random.Random``, and the secrets are derived from the e-mail address, so the TOTP
secret and recovery codes ``manage.py demo_personas`` prints stay the same from run to run:

- TOTP key (hex, 20 bytes) = ``sha256("ressursvenn-demo-totp:" + email).hexdigest()[:40]``;
- recovery code *i* (0 to 9) = ``int(sha256(f"ressursvenn-demo-recovery:{email}:{i}"), 16) % 10**8``
  as eight digits.

These secrets are public by design. Never seed demo data in production: every command of this
app refuses to run when ``settings.PRODUCTION`` is true.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from base64 import b32encode, urlsafe_b64encode
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from ressursvenn.accounts.models import ROLE_ORDER, Membership, Role, User
from ressursvenn.demo.seed_outcomes import seed_outcomes
from ressursvenn.demo.seed_privacy import seed_access_log
from ressursvenn.demo.seed_targets import seed_targets
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
from ressursvenn.lib.audit import record_creation
from ressursvenn.lib.vocabulary import Availability, Interest, Need
from ressursvenn.matching.engine import (
    ParticipantProfile,
    VolunteerProfile,
    evaluate,
    failing_rule,
)
from ressursvenn.matching.models import Match, MatchingMeeting
from ressursvenn.organisations import reference
from ressursvenn.organisations.models import Cooperation, District, Municipality, Organisation
from ressursvenn.participants.choices import CONSENT_WITHDRAWN_REASON, ConsentScope
from ressursvenn.participants.models import ConsentText, Referral
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import (
    Attendance,
    ConfidentialityDeclaration,
    Course,
    CourseSession,
    DeclarationText,
    Enrolment,
    GuidanceAttendance,
    GuidanceGroup,
    GuidanceSession,
    PoliceCertificate,
    SuitabilityInterview,
    Volunteer,
)

DEMO_DOMAIN = "demo.ressursvenn.no"
DEMO_PASSWORD = "Ressursvenn-demo-2026"  # noqa: S105 - published on purpose, demo data only
DEFAULT_SEED = 2026
AUDIT_ACTION = "demo.seed"
RECOVERY_CODE_COUNT = 10
# Faker has no "nb_NO" locale; its Norwegian (bokmål) locale is called "no_NO".
FAKER_LOCALE = "no_NO"

NATIONAL_OFFICE = "N.K.S. sentralt"


@dataclass(frozen=True)
class BranchSpec:
    name: str
    municipality: str  # host municipality code
    areas: tuple[str, ...]  # municipality codes covered (host first)
    centre: str  # name of the cooperating crisis centre (as in crisis_centres.csv)
    all_districts: bool = False  # covers every Oslo district


BRANCHES: tuple[BranchSpec, ...] = (
    BranchSpec("Oslo Sanitetsforening", "0301", ("0301",), "Oslo krisesenter", all_districts=True),
    BranchSpec("Narvik Sanitetsforening", "1806", ("1806", "1853"), "Narvik krisesenter"),
    # Måsøy is 5618 in municipalities.csv (5620 is Nordkapp).
    BranchSpec(
        "Hammerfest Sanitetsforening", "5603", ("5603", "5618"), "Vest-Finnmark krisesenter"
    ),
    BranchSpec("Haugesund Sanitetsforening", "1106", ("1106", "1149"), "Krisesenter Vest IKS"),
    BranchSpec(
        "Fredrikstad Sanitetsforening",
        "3107",
        ("3107", "3110"),
        "Krise- og incestsenteret i Fredrikstad",
    ),
    BranchSpec("Stavanger Sanitetsforening", "1103", ("1103", "1108"), "Krisesenteret i Stavanger"),
)


@dataclass(frozen=True)
class PersonaSpec:
    local_part: str
    role: Role
    organisations: tuple[str, ...]
    full_name: str = ""  # empty: a generated name

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DEMO_DOMAIN}"


PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("nasjonal", Role.NATIONAL_COORDINATOR, (NATIONAL_OFFICE,)),
    PersonaSpec("gruppeleder.oslo", Role.GROUP_LEADER, ("Oslo Sanitetsforening",)),
    PersonaSpec("gruppeleder.narvik", Role.GROUP_LEADER, ("Narvik Sanitetsforening",)),
    PersonaSpec("gruppeleder.hammerfest", Role.GROUP_LEADER, ("Hammerfest Sanitetsforening",)),
    PersonaSpec(
        "gruppeleder.vest",
        Role.GROUP_LEADER,
        ("Haugesund Sanitetsforening", "Stavanger Sanitetsforening"),
    ),
    PersonaSpec("krisesenter.oslo", Role.CRISIS_STAFF, ("Oslo krisesenter",)),
    PersonaSpec("krisesenter.narvik", Role.CRISIS_STAFF, ("Narvik krisesenter",)),
    PersonaSpec("ressursvenn.oslo", Role.VOLUNTEER, ("Oslo Sanitetsforening",)),
    # Approved with free places: the best candidate for the new referral (Olena) and for
    # Agnieszka on the waiting list, so the leader's proposal reaches someone who can answer.
    PersonaSpec("ressursvenn2.oslo", Role.VOLUNTEER, ("Oslo Sanitetsforening",), "Nora Berg"),
    PersonaSpec("ressursvenn.narvik", Role.VOLUNTEER, ("Narvik Sanitetsforening",)),
    # A volunteer in screening who still has to sign the confidentiality declaration.
    PersonaSpec("soker.oslo", Role.VOLUNTEER, ("Oslo Sanitetsforening",), "Sara Søker"),
)
# Volunteer personas and the state of their `Volunteer` row.
VOLUNTEER_PERSONAS = {
    "ressursvenn.oslo": "approved",  # the volunteer of the active Oslo match
    "ressursvenn2.oslo": "available",  # approved, no match: two free places
    "ressursvenn.narvik": "approved",  # asked to take a proposed match in Narvik
    "soker.oslo": "screening",  # certificate, course and interview done; declaration missing
}

# Approved volunteers with an account per branch, besides the volunteer personas. Every
# branch also gets two in screening, one paused, applicants, and one each ended, rejected and
# withdrawn (see `_JourneySeeder`).
APPROVED_PER_BRANCH = {
    "Oslo Sanitetsforening": 8,
    "Narvik Sanitetsforening": 4,
    "Hammerfest Sanitetsforening": 3,
    "Haugesund Sanitetsforening": 4,
    "Fredrikstad Sanitetsforening": 4,
    "Stavanger Sanitetsforening": 5,
}

# The crisis centres' round-the-clock numbers (invented for the demo; shown on the concern
# page next to 112 and the police).
CENTRE_PHONES = {
    "Oslo krisesenter": "22 48 03 90",
    "Narvik krisesenter": "76 94 47 10",
    "Vest-Finnmark krisesenter": "78 41 29 60",
    "Krisesenter Vest IKS": "52 70 36 40",
    "Krise- og incestsenteret i Fredrikstad": "69 36 28 80",
    "Krisesenteret i Stavanger": "51 53 06 20",
}

ORGANISATION_AUDIT_FIELDS = ("kind", "name", "municipality")
USER_AUDIT_FIELDS = ("email", "full_name")


@dataclass
class SeedSummary:
    organisations: list[Organisation] = field(default_factory=list)
    cooperations: list[Cooperation] = field(default_factory=list)
    personas: list[User] = field(default_factory=list)
    volunteers: list[User] = field(default_factory=list)  # accounts without a login
    staff: list[User] = field(default_factory=list)  # group leaders / contacts without a login
    volunteer_statuses: dict[str, int] = field(default_factory=dict)
    referral_statuses: dict[str, int] = field(default_factory=dict)
    match_statuses: dict[str, int] = field(default_factory=dict)
    courses: int = 0
    guidance_groups: int = 0
    followup: dict[str, int] = field(default_factory=dict)  # rows of the follow-up, by kind
    outcomes: dict[str, int] = field(default_factory=dict)  # questionnaires and outcomes
    targets: dict[str, int] = field(default_factory=dict)  # reporting periods and targets
    privacy: dict[str, int] = field(default_factory=dict)  # access log (and its anomalies)
    audit_events: int = 0

    def lines(self) -> list[str]:
        kinds = [org.kind for org in self.organisations]

        def counts(statuses: dict[str, int]) -> str:
            return (
                f"{sum(statuses.values())} ("
                + ", ".join(f"{status} {count}" for status, count in statuses.items())
                + ")"
            )

        return [
            "Demo data created:",
            f"  organisations: {len(self.organisations)} "
            f"({kinds.count(Organisation.Kind.NATIONAL)} national office, "
            f"{kinds.count(Organisation.Kind.BRANCH)} branches, "
            f"{kinds.count(Organisation.Kind.CRISIS_CENTRE)} crisis centres)",
            f"  cooperations:  {len(self.cooperations)}",
            f"  personas:      {len(self.personas)} (password, authenticator, recovery codes)",
            f"  accounts:      {len(self.volunteers)} volunteers and {len(self.staff)} staff "
            "without a login",
            f"  volunteers:    {counts(self.volunteer_statuses)}",
            f"  referrals:     {counts(self.referral_statuses)}",
            f"  matches:       {counts(self.match_statuses)}",
            f"  courses:       {self.courses}, guidance groups: {self.guidance_groups}",
            "  follow-up:     "
            + ", ".join(f"{count} {name}" for name, count in self.followup.items()),
            "  outcomes:      "
            + ", ".join(f"{count} {name}" for name, count in self.outcomes.items()),
            "  targets:       "
            + ", ".join(f"{count} {name}" for name, count in self.targets.items()),
            "  privacy:       "
            + ", ".join(f"{count} {name}" for name, count in self.privacy.items()),
            f"  audit events:  {self.audit_events}",
        ]


# --- Deterministic secrets -------------------------------------------------------------------


def is_demo_email(email: str) -> bool:
    return email.strip().lower().endswith("@" + DEMO_DOMAIN)


def demo_totp_key(email: str) -> str:
    """The persona's TOTP key as 40 hex digits (20 bytes), derived from the e-mail address."""
    return hashlib.sha256(f"ressursvenn-demo-totp:{email.lower()}".encode()).hexdigest()[:40]


def demo_recovery_codes(email: str) -> list[str]:
    """The persona's ten eight-digit recovery codes, derived from the e-mail address."""
    codes = []
    for index in range(RECOVERY_CODE_COUNT):
        digest = hashlib.sha256(f"ressursvenn-demo-recovery:{email.lower()}:{index}".encode())
        codes.append(f"{int(digest.hexdigest(), 16) % 10**8:08d}")
    return codes


def base32_secret(device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four (as authenticator apps ask for it)."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def current_code(device: TOTPDevice) -> str:
    """The code the device accepts now (same parameters as ``TOTPDevice.verify_token``)."""
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


def seconds_left(device: TOTPDevice) -> int:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return int(device.step - (totp.time - device.t0) % device.step)


def refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise CommandError(
            "Demo data and demo logins are disabled in production (RESSURSVENN_ENV=production)."
        )


# --- Seeding ---------------------------------------------------------------------------------


def _crisis_centre_hosts() -> dict[str, str]:
    """Centre name → host municipality code, from crisis_centres.csv."""
    return {
        row["name"]: row["municipality_code"]
        for row in reference.rows("crisis_centres.csv")
        if row["municipality_code"]
    }


def _municipalities(codes: Iterable[str]) -> dict[str, Municipality]:
    wanted = set(codes)
    found = Municipality.objects.in_bulk(wanted)
    missing = wanted - set(found)
    if missing:
        raise CommandError(
            f"Municipalities missing from the reference data: {', '.join(sorted(missing))}. "
            "Run `manage.py migrate` first."
        )
    return found


def _ascii(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isascii() and ch.isalnum())


def _female_name(fake: Faker) -> str:
    return f"{fake.first_name_female()} {fake.last_name()}"


def existing_demo_data() -> list[str]:
    """Names of demo organisations and persona e-mails that already exist."""
    names = [NATIONAL_OFFICE, *(b.name for b in BRANCHES), *(b.centre for b in BRANCHES)]
    clashes = list(Organisation.objects.filter(name__in=names).values_list("name", flat=True))
    emails = [persona.email for persona in PERSONAS]
    clashes += list(User.objects.filter(email__in=emails).values_list("email", flat=True))
    return sorted(clashes)


@transaction.atomic
def seed_demo(*, seed: int = DEFAULT_SEED, today: datetime.date | None = None) -> SeedSummary:
    """Create the demo world in one transaction: organisations, cooperations, personas, and
    the volunteer journey, referrals and matches of every branch (dates relative to `today`).

    Side effects: rows in organisations, cooperations, users, memberships, TOTP and static
    devices, volunteers with their screening checklists, courses, guidance groups, referrals,
    matches and koblingsmøter, the follow-up of every match that went ahead (activities,
    check-ins, video rooms, planned pair meetings, concerns, a pause, a closure, social events),
    and one ``demo.seed`` audit event (actor: none) per organisation, cooperation, user,
    membership, volunteer, course, guidance group, referral, match, meeting and follow-up row
    created (not per event sign-up).
    """
    refuse_in_production()
    clashes = existing_demo_data()
    if clashes:
        raise CommandError(
            "Demo data already exists (" + ", ".join(clashes[:3]) + " …). "
            "Use `seed_demo --if-empty`, or start from an empty database."
        )
    fake = Faker(FAKER_LOCALE)
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data, not a secret
    summary = SeedSummary()

    def audit_organisation(org: Organisation) -> None:
        record_creation(
            org, by=None, action=AUDIT_ACTION, fields=ORGANISATION_AUDIT_FIELDS, organisation=org
        )
        summary.audit_events += 1

    hosts = _crisis_centre_hosts()
    for spec in BRANCHES:
        if spec.centre not in hosts:
            raise CommandError(f"{spec.centre!r} has no host municipality in crisis_centres.csv.")
    municipalities = _municipalities(
        [code for spec in BRANCHES for code in (spec.municipality, *spec.areas)]
        + [hosts[spec.centre] for spec in BRANCHES]
    )

    organisations: dict[str, Organisation] = {}
    national = Organisation.objects.create(name=NATIONAL_OFFICE, kind=Organisation.Kind.NATIONAL)
    organisations[national.name] = national
    oslo_districts = list(District.objects.filter(municipality_id=reference.OSLO))
    for spec in BRANCHES:
        branch = Organisation.objects.create(
            name=spec.name,
            kind=Organisation.Kind.BRANCH,
            municipality=municipalities[spec.municipality],
        )
        branch.municipalities.set([municipalities[code] for code in spec.areas])
        if spec.all_districts:
            branch.districts.set(oslo_districts)
        organisations[branch.name] = branch
    for spec in BRANCHES:
        centre = Organisation.objects.create(
            name=spec.centre,
            kind=Organisation.Kind.CRISIS_CENTRE,
            municipality=municipalities[hosts[spec.centre]],
            phone=CENTRE_PHONES.get(spec.centre, ""),
        )
        organisations[centre.name] = centre
    for org in organisations.values():
        audit_organisation(org)
    summary.organisations = list(organisations.values())

    first_day = datetime.date(2024, 1, 1)
    days = (datetime.date(2025, 12, 31) - first_day).days
    for spec in BRANCHES:
        cooperation = Cooperation.objects.create(
            branch=organisations[spec.name],
            crisis_centre=organisations[spec.centre],
            started_on=first_day + datetime.timedelta(days=rng.randint(0, days)),
        )
        record_creation(
            cooperation,
            by=None,
            action=AUDIT_ACTION,
            fields=("branch", "crisis_centre", "started_on"),
            organisation=cooperation.branch,
        )
        summary.audit_events += 1
        summary.cooperations.append(cooperation)

    # One Argon2 hash for every persona (they share the public demo password): hashing is
    # deliberately slow, about a second each on a busy machine.
    password_hashes: dict[str, str] = {}

    def add_user(email: str, full_name: str, password: str | None) -> User:
        user = User(email=email, full_name=full_name)
        if password:
            if password not in password_hashes:
                password_hashes[password] = make_password(password)
            user.password = password_hashes[password]
        else:
            user.set_unusable_password()
        user.save()
        record_creation(user, by=None, action=AUDIT_ACTION, fields=USER_AUDIT_FIELDS)
        summary.audit_events += 1
        return user

    def add_membership(user: User, organisation: Organisation, role: str) -> None:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        record_creation(
            membership,
            by=None,
            action=AUDIT_ACTION,
            fields=("user", "organisation", "role"),
            organisation=organisation,
        )
        summary.audit_events += 1

    personas: dict[str, User] = {}
    for persona in PERSONAS:
        user = add_user(persona.email, persona.full_name or _female_name(fake), DEMO_PASSWORD)
        for name in persona.organisations:
            add_membership(user, organisations[name], persona.role)
        TOTPDevice.objects.create(
            user=user, name="Autentiseringsapp", key=demo_totp_key(user.email), confirmed=True
        )
        static = StaticDevice.objects.create(user=user, name="Gjenopprettingskoder", confirmed=True)
        StaticToken.objects.bulk_create(
            StaticToken(device=static, token=code) for code in demo_recovery_codes(user.email)
        )
        summary.personas.append(user)
        personas[persona.local_part] = user

    _JourneySeeder(
        today=today or timezone.localdate(),
        fake=fake,
        rng=rng,
        summary=summary,
        organisations=organisations,
        personas=personas,
        add_user=add_user,
        add_membership=add_membership,
    ).run()
    day = today or timezone.localdate()
    # The outcomes on top: questionnaires answered at the matches' time points, the outcome
    # question, and the programme's reporting periods with their targets (own generators,
    # seeded from this run's random stream so the whole demo stays deterministic).
    summary.outcomes = seed_outcomes(day, rng)
    summary.targets = seed_targets(day, rng)
    # Who viewed whose record (the access log the access review and the women's "who has seen
    # my record" pages read), with a few views out of the ordinary.
    summary.privacy = seed_access_log(day, rng)
    summary.audit_events += summary.privacy.pop("audit events")
    return summary


# --- The volunteer journey, referrals and matches ----------------------------------------------

# First and last names for volunteers whose first extra language is one of these.
NAMES_BY_LANGUAGE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ar": (
        ("Amal", "Rania", "Huda", "Nour", "Samira", "Yasmin", "Dalia", "Reem"),
        ("Haddad", "Khalil", "Saleh", "Mansour", "Nasser", "Aziz"),
    ),
    "so": (
        ("Faduma", "Ifrah", "Sahra", "Nimco", "Ayan", "Hibo", "Muna", "Istahil"),
        ("Warsame", "Hassan", "Farah", "Abdi", "Jama", "Osman"),
    ),
    "pl": (
        ("Katarzyna", "Magdalena", "Joanna", "Ewa", "Marta", "Anna", "Dorota", "Beata"),
        ("Nowak", "Kowalska", "Lewandowska", "Wójcik", "Kamińska", "Zielińska"),
    ),
    "uk": (
        ("Oksana", "Nataliia", "Tetiana", "Yulia", "Halyna", "Svitlana", "Liudmyla"),
        ("Kovalenko", "Shevchenko", "Melnyk", "Bondarenko", "Tkachenko"),
    ),
    "ti": (
        ("Senait", "Meron", "Yordanos", "Helen", "Selam", "Rahwa", "Tsega"),
        ("Tesfaye", "Haile", "Berhane", "Gebremedhin", "Tekle", "Kidane"),
    ),
    "fa": (("Maryam", "Shirin", "Parisa", "Leila", "Nasrin"), ("Ahmadi", "Karimi", "Rahimi")),
    "ur": (("Sana", "Rabia", "Ayesha", "Farah", "Sadia"), ("Khan", "Iqbal", "Chaudhry", "Malik")),
}
# Extra languages (besides Norwegian) of a branch's approved volunteers, by position.
APPROVED_LANGUAGES: tuple[tuple[str, ...], ...] = (
    ("en",),
    ("ar", "en"),
    (),
    ("so",),
    ("pl", "en"),
    ("uk", "ru"),
    ("ti",),
    ("en", "es"),
)
# Oslo's own list: the waiting women there need Arabic, Somali and Tigrinya speakers.
OSLO_LANGUAGES: tuple[tuple[str, ...], ...] = (
    ("en",),
    ("ar", "en"),
    ("ti", "en"),
    ("so",),
    ("pl", "en"),
    ("uk", "ru"),
    ("ar", "fr"),
)
OTHER_LANGUAGES = ("en", "en", "en", "ar", "so", "pl", "uk", "ti", "fa", "ur", "lt", "sv", "de")

MOTIVATIONS = (
    "Jeg har selv fått god hjelp fra venner i en vanskelig tid, og vil gi noe tilbake.",
    "Jeg er nylig pensjonert og har tid og lyst til å være til stede for noen.",
    "Jeg kjenner lokalmiljøet godt og kan vise vei til tilbud og aktiviteter.",
    "Jeg jobber i skolen og ser hvor mye et trygt nettverk betyr.",
    "Jeg flyttet selv hit uten å kjenne noen, og vet hvor viktig et vennskap kan være.",
    "Jeg vil bidra til at kvinner som har opplevd vold får en ny start.",
)
PAUSE_REASONS = (
    "Pause til over nyttår på grunn av mye på jobb.",
    "Ønsker pause noen måneder mens hun er i permisjon.",
    "Pause etter eget ønske; tar kontakt når hun er klar igjen.",
)
END_REASONS = (
    "Har flyttet fra kommunen.",
    "Ønsker å avslutte etter to koblinger; takket for innsatsen.",
)
REJECT_REASONS = (
    "Ønsker først og fremst å gi leksehjelp til barn; henvist til frivilligsentralen.",
    "Kan bare et par timer i halvåret; det passer ikke med oppdraget som ressursvenn.",
    "Søkte om å være ressursvenn for en hun kjenner; henvist til krisesenteret.",
)
WITHDRAW_REASONS = (
    "Trakk søknaden: har fått ny jobb og mindre tid i år.",
    "Trakk søknaden: vil søke igjen når barna er større.",
    "Trakk søknaden etter informasjonsmøtet; ønsker heller å være besøksvenn.",
)
INTERVIEW_NOTES = {
    "suitable": "God samtale. Trygg, reflektert og realistisk om hva rollen innebærer.",
    "another": "Vil gjerne ha en samtale til om hvor mye tid hun har i vår før vi bestemmer oss.",
}
WOMAN_NOTES = (
    "Ønsker en ressursvenn som kan bli med på tur og hjelpe henne å bli kjent i nærmiljøet.",
    "Trenger støtte i møte med NAV og skolen. Kontakt helst på formiddagen.",
    "Vil gjerne øve på norsk i hverdagen.",
    "",
    "Har barn i barnehage; ettermiddag passer best.",
)
MEETING_PLACES = ("Kafeen på biblioteket", "Kafé på kjøpesenteret", "Kafeen i kulturhuset")
COURSE_PLACES = ("Sanitetshuset, kurssalen", "Frivilligsentralen, store møterom")


# The volunteer personas' own profiles (the rest is generated).
PERSONA_PROFILES: dict[str, dict[str, Any]] = {
    "ressursvenn.oslo": {
        "extra_languages": ("en",),
        "interests": ["hiking", "knitting", "cooking", "cafes"],
        "offers": ["job_search", "public_services", "social_network"],
        "availability": ["evenings", "weekends"],
        "modes": ["in_person", "digital"],
        "max_travel_km": 15,
        "capacity": 1,
    },
    "ressursvenn.narvik": {
        "extra_languages": ("en", "es"),
        "interests": ["hiking", "skiing", "fishing", "baking"],
        "offers": ["housing", "social_network", "physical_activity"],
        "availability": ["weekday_daytime", "evenings", "weekends"],
        "modes": ["in_person", "digital"],
        "max_travel_km": 40,
        "capacity": 1,
    },
    "ressursvenn2.oslo": {
        "extra_languages": ("en", "uk", "ru", "pl"),
        "interests": ["art", "reading", "dancing", "crafts", "cafes"],
        "offers": ["housing", "norwegian_practice", "job_search", "public_services"],
        "availability": ["weekday_daytime", "evenings", "weekends"],
        "modes": ["in_person", "digital"],
        "max_travel_km": 20,
        "capacity": 2,
        "age": 38,  # inside the age wishes of the women she is meant for
        "district": "030102",  # Grünerløkka, where Olena lives
    },
    "soker.oslo": {
        "extra_languages": ("en", "de"),
        "interests": ["reading", "theatre", "cycling"],
        "offers": ["norwegian_practice", "finances", "social_network"],
        "availability": ["evenings"],
        "modes": ["in_person", "digital"],
        "max_travel_km": 10,
        "capacity": 1,
    },
}


@dataclass(frozen=True)
class WomanSpec:
    """One referred woman in the demo: where she is in the journey, and her profile.

    `days`: days since the centre submitted the referral (for a draft: since it was started);
    `waiting`: days on the waiting list; `match`: the match to create (a status of `Match`);
    empty profile fields are filled in from the seeded random generator."""

    name: str
    age: int
    status: str
    days: int = 0
    waiting: int = 0
    match: str = ""
    volunteer: str = ""  # a volunteer persona's local part, else the engine's best candidate
    languages: tuple[str, ...] = ("nb",)
    required: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    modes: tuple[str, ...] = ("in_person", "digital")
    district: str | None = None  # Oslo only
    area: int = 0  # index into the branch's municipalities
    excluded_areas: tuple[str, ...] = ()
    exclude_volunteer: int | None = None  # position of an approved volunteer to exclude
    children: int = 0
    reason: str = ""
    started: int = 0  # days since the koblingsmøte (0: MATCH_MEETING_DAYS_AGO)
    months: int = 0  # planned length in months (0: MATCH_MAX_MONTHS)


REFERRALS: dict[str, tuple[WomanSpec, ...]] = {
    "Oslo Sanitetsforening": (
        WomanSpec(
            "Fatima",
            34,
            "matched",
            days=126,
            waiting=122,
            match="active",
            started=101,  # months of activities and check-ins (see `_FollowupSeeder`)
            volunteer="ressursvenn.oslo",
            languages=("ar", "nb", "en"),
            needs=("job_search", "social_network", "public_services"),
            interests=("hiking", "cafes", "cooking"),
            district="030112",
            children=2,
        ),
        WomanSpec(
            "Kristin",
            41,
            "closed",
            days=325,
            waiting=320,
            match="closed",
            needs=("housing", "finances", "social_network"),
            interests=("knitting", "reading"),
            district="030114",
            children=1,
        ),
        WomanSpec(
            "Saba",
            29,
            "proposed",
            days=31,
            waiting=27,
            match="meeting_planned",
            languages=("ti", "nb", "en"),
            needs=("norwegian_practice", "housing", "social_network"),
            interests=("cooking", "music", "cafes"),
            district="030110",
        ),
        WomanSpec(
            "Leyla",
            38,
            "proposed",
            days=22,
            waiting=18,
            match="proposed",
            languages=("nb", "ku", "tr"),
            needs=("job_search", "physical_activity"),
            interests=("exercise", "swimming", "films"),
            district="030108",
            children=1,
        ),
        WomanSpec(
            "Amina",
            45,
            "accepted",
            days=78,
            waiting=74,
            languages=("ar",),
            required=("ar",),
            needs=("public_services", "finances", "norwegian_practice"),
            interests=("cooking", "baking", "gardening"),
            district="030109",
            children=3,
        ),
        WomanSpec(
            "Hodan",
            31,
            "accepted",
            days=41,
            waiting=38,
            languages=("so", "nb"),
            needs=("children_activities", "physical_activity", "social_network"),
            interests=("swimming", "cafes"),
            district="030115",
            children=3,
            excluded_areas=("030111", "030110"),
            exclude_volunteer=5,  # the Somali-speaking volunteer: she knows the family
        ),
        WomanSpec(
            "Marte",
            27,
            "accepted",
            days=22,
            waiting=19,
            match="cancelled",
            languages=("nb", "en"),
            needs=("job_search", "finances"),
            interests=("hiking", "photography", "films"),
            district="030105",
            excluded_areas=("030103",),
        ),
        WomanSpec(
            "Agnieszka",
            36,
            "accepted",
            days=7,
            waiting=5,
            languages=("pl", "nb", "en"),
            needs=("norwegian_practice", "job_search"),
            interests=("dancing", "crafts"),
            modes=("digital",),
            district="030113",
        ),
        WomanSpec(
            "Olena",
            33,
            "submitted",
            days=1,
            languages=("uk", "ru", "en"),
            needs=("housing", "norwegian_practice"),
            interests=("art", "reading"),
            district="030102",
            children=1,
        ),
        WomanSpec("Ingrid", 52, "draft", days=1, district="030107"),
        WomanSpec(
            "Nadia",
            30,
            "declined",
            days=25,
            district="030101",
            reason="Behovet gjelder først og fremst juridisk bistand, som en ressursvenn ikke "
            "kan gi. Krisesenteret har satt henne i kontakt med JURK.",
        ),
        WomanSpec(
            "Iryna",
            40,
            "withdrawn",
            days=40,
            waiting=35,
            languages=("uk", "en"),
            district="030104",
            reason=CONSENT_WITHDRAWN_REASON,
        ),
    ),
    "Narvik Sanitetsforening": (
        WomanSpec("Mari", 44, "matched", days=70, waiting=66, match="active"),
        WomanSpec(
            "Sofia",
            35,
            "proposed",
            days=15,
            waiting=12,
            match="proposed",
            volunteer="ressursvenn.narvik",
            languages=("nb", "es"),
        ),
        WomanSpec("Ruta", 39, "accepted", days=12, waiting=9, languages=("lt", "en", "nb")),
        WomanSpec("Nasra", 28, "accepted", days=34, waiting=31, area=1, children=2),
        WomanSpec("Linn", 31, "submitted", days=2),
        WomanSpec("Tone", 47, "draft", days=1),
    ),
    "Hammerfest Sanitetsforening": (
        WomanSpec("Hanne", 50, "matched", days=95, waiting=90, match="active"),
        WomanSpec("Elle", 33, "accepted", days=25, waiting=22, area=1, modes=("digital",)),
        WomanSpec("Daria", 29, "submitted", days=3, languages=("ru", "uk", "en")),
    ),
    "Haugesund Sanitetsforening": (
        WomanSpec("Jenny", 26, "proposed", days=10, waiting=6, match="proposed", area=1),
        WomanSpec("Camilla", 37, "accepted", days=17, waiting=14, area=1, children=2),
        WomanSpec("Zeynep", 32, "accepted", days=44, waiting=40, languages=("tr", "nb")),
        WomanSpec(
            "Monika",
            43,
            "declined",
            days=30,
            languages=("pl", "nb"),
            reason="Hun har allerede fått en støttekontakt gjennom kommunen.",
        ),
    ),
    "Fredrikstad Sanitetsforening": (
        WomanSpec("Kjersti", 58, "matched", days=360, waiting=355, match="ending"),
        WomanSpec("Mariam", 35, "accepted", days=30, waiting=27, languages=("ar", "nb")),
        WomanSpec("Siri", 30, "accepted", days=47, waiting=44, match="cancelled", area=1),
        WomanSpec("Linda", 39, "submitted", days=2),
    ),
    "Stavanger Sanitetsforening": (
        WomanSpec("Elif", 34, "matched", days=130, waiting=125, match="paused"),
        WomanSpec("Thea", 29, "matched", days=75, waiting=70, match="active", area=1),
        WomanSpec("Aisha", 40, "accepted", days=11, waiting=8, languages=("ur", "en", "nb")),
        WomanSpec("Silje", 26, "accepted", days=55, waiting=52, area=1, children=1),
        WomanSpec("Beatriz", 37, "submitted", days=4, languages=("es", "en")),
    ),
}

# Days since the koblingsmøte of a match that went ahead, per match status.
MATCH_MEETING_DAYS_AGO = {"active": 49, "paused": 110, "ending": 350, "closed": 300}
APPLICANT_WAITING_DAYS = {"Oslo Sanitetsforening": (1, 5, 9, 16, 24)}
DEFAULT_APPLICANT_WAITING_DAYS = (3, 11)


def _video_base() -> str:
    return str(settings.MEETING_VIDEO_BASE_URL).rstrip("/")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    result: datetime.date = day + relativedelta(months=months)
    return result


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware datetime on `day` at the local wall-clock time given."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _tuesday_on_or_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


def engine_volunteer(
    volunteer: Volunteer, *, open_matches: int = 0, today: datetime.date | None = None
) -> VolunteerProfile:
    """The engine's profile of a volunteer row (with `municipality` and the checklist loaded)."""
    today = today or timezone.localdate()
    municipality = volunteer.municipality
    return VolunteerProfile(
        id=volunteer.pk,
        age=volunteer.age(today),
        municipality=municipality.code,
        district=volunteer.district_id,
        location=(municipality.lat, municipality.lon),
        languages=volunteer.languages,
        interests=volunteer.interests,
        offers=volunteer.offers,
        availability=volunteer.availability,
        modes=volunteer.modes,
        max_travel_km=volunteer.max_travel_km,
        capacity_left=volunteer.capacity - open_matches,
        conflict_areas=frozenset(volunteer.conflict_areas),
        eligible=volunteer.status == Volunteer.Status.APPROVED
        and screening.is_cleared(volunteer, today),
    )


def engine_participant(
    referral: Referral,
    *,
    excluded_volunteers: Iterable[int] = (),
    today: datetime.date | None = None,
) -> ParticipantProfile:
    """The engine's profile of a referral (with `municipality` loaded)."""
    today = today or timezone.localdate()
    municipality = referral.municipality
    low, high = referral.preferred_age_min, referral.preferred_age_max
    preferred = None if low is None and high is None else (low or 0, high or 120)
    return ParticipantProfile(
        id=referral.pk,
        age=referral.age(today),
        municipality=municipality.code,
        district=referral.district_id,
        location=(municipality.lat, municipality.lon),
        languages=referral.languages,
        required_languages=referral.required_languages,
        interests=referral.interests,
        needs=referral.needs,
        availability=referral.availability,
        modes=referral.modes,
        preferred_age=preferred,
        excluded_areas=frozenset(referral.excluded_areas),
        excluded_volunteers=frozenset(excluded_volunteers),
        waiting_days=referral.waiting_days(_at(today, 12)),
    )


@dataclass
class _Branch:
    spec: BranchSpec
    organisation: Organisation
    centre: Organisation
    leader: User
    contact: User
    areas: list[Municipality]
    approved: list[Volunteer] = field(default_factory=list)  # in creation order
    open_matches: dict[int, int] = field(default_factory=dict)  # volunteer pk → open matches

    @property
    def short(self) -> str:
        return self.spec.name.removesuffix(" Sanitetsforening")


@dataclass
class _Dates:
    """The fixed points of the demo calendar, relative to `today`."""

    today: datetime.date

    @property
    def spring_sessions(self) -> list[datetime.date]:
        # The latest spring that leaves time for approval and for the paused match's history.
        year = self.today.year
        while datetime.date(year, 5, 1) > self.today - datetime.timedelta(days=180):
            year -= 1
        first = _tuesday_on_or_after(datetime.date(year, 4, 8))
        return [first + datetime.timedelta(weeks=week) for week in range(4)]

    @property
    def old_sessions(self) -> list[datetime.date]:
        """A course almost three years ago: its certificate and course fall due soon."""
        end = self.today - datetime.timedelta(days=3 * 365 - 50)
        end -= datetime.timedelta(days=(end.weekday() - 1) % 7)
        while any(_in_holidays(day) for day in (end, end - datetime.timedelta(weeks=2))):
            end -= datetime.timedelta(weeks=1)
        return [end - datetime.timedelta(weeks=week) for week in (2, 1, 0)]

    @property
    def upcoming_sessions(self) -> list[datetime.date]:
        first = _tuesday_on_or_after(self.today + datetime.timedelta(days=18))
        while any(_in_holidays(first + datetime.timedelta(weeks=w)) for w in (0, 2)):
            first += datetime.timedelta(weeks=1)
        return [first + datetime.timedelta(weeks=week) for week in range(3)]


def _in_holidays(day: datetime.date) -> bool:
    """Christmas or the summer holidays: no course then."""
    return (day.month, day.day) >= (12, 15) or (day.month, day.day) <= (1, 6) or day.month == 7


def _season(day: datetime.date) -> str:
    return {1: "vinteren", 2: "vinteren", 12: "vinteren"}.get(
        day.month, "våren" if day.month < 7 else "høsten"
    )


class _JourneySeeder:
    """Volunteers in every state, courses, guidance groups, referrals and matches per branch."""

    def __init__(
        self,
        *,
        today: datetime.date,
        fake: Faker,
        rng: random.Random,
        summary: SeedSummary,
        organisations: dict[str, Organisation],
        personas: dict[str, User],
        add_user: Callable[[str, str, str | None], User],
        add_membership: Callable[[User, Organisation, str], None],
    ) -> None:
        self.today = today
        self.dates = _Dates(today)
        self.fake = fake
        self.rng = rng
        self.summary = summary
        self.organisations = organisations
        self.personas = personas
        self.add_user = add_user
        self.add_membership = add_membership
        self.used_emails = set(User.objects.values_list("email", flat=True))
        declaration = DeclarationText.objects.order_by("-version").first()
        consent = ConsentText.objects.order_by("-version").first()
        if declaration is None or consent is None:
            raise CommandError("The declaration and consent texts are missing: run `migrate`.")
        self.declaration_text = declaration
        self.consent_text = consent
        self.oslo_districts = list(
            District.objects.filter(municipality_id=reference.OSLO).order_by("code")
        )
        self.persona_volunteers: dict[str, Volunteer] = {}
        # Full names and first names already given (to avoid two "Grete"s in one list).
        self.used_names = {
            part for u in personas.values() for part in (u.full_name, u.full_name.split()[0])
        }
        self.course_members: dict[str, dict[str, list[Volunteer]]] = {}
        self.matches: dict[str, Match] = {}  # woman's first name → her match

    # --- helpers ------------------------------------------------------------------------

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def past(self, day: datetime.date) -> datetime.date:
        """`day`, but never later than yesterday."""
        return min(day, self.days_ago(1))

    def audit(self, obj: Any, fields: tuple[str, ...], organisation: Organisation) -> None:
        record_creation(obj, by=None, action=AUDIT_ACTION, fields=fields, organisation=organisation)
        self.summary.audit_events += 1

    def unique_email(self, full_name: str) -> str:
        first, *_rest, last = full_name.split()
        base = f"{_ascii(first)}.{_ascii(last)}"
        email, suffix = f"{base}@{DEMO_DOMAIN}", 2
        while email in self.used_emails:
            email, suffix = f"{base}{suffix}@{DEMO_DOMAIN}", suffix + 1
        self.used_emails.add(email)
        return email

    def name_for(self, languages: tuple[str, ...]) -> str:
        """A woman's name fitting her first language; first names repeat as little as can be."""
        pool = next(
            (NAMES_BY_LANGUAGE[code] for code in languages if code in NAMES_BY_LANGUAGE), None
        )
        for attempt in range(40):
            if pool:
                name = f"{self.rng.choice(pool[0])} {self.rng.choice(pool[1])}"
            else:
                name = _female_name(self.fake)
            first = name.split()[0]
            if name not in self.used_names and (attempt >= 20 or first not in self.used_names):
                break
        self.used_names.update((name, name.split()[0]))
        return name

    def consent_scope(self) -> list[str]:
        scope = [ConsentScope.MATCHING, ConsentScope.VOLUNTEER_CONTACT]
        if self.rng.random() < 0.6:
            scope.append(ConsentScope.QUESTIONNAIRES)
        return [str(code) for code in scope]

    def phone(self) -> str:
        """A Norwegian mobile number (8 digits starting with 4 or 9)."""
        return f"{self.rng.choice('49')}{self.rng.randint(0, 9_999_999):07d}"

    def sample(self, values: list[str], low: int, high: int) -> list[str]:
        chosen = set(self.rng.sample(values, self.rng.randint(low, high)))
        return [value for value in values if value in chosen]  # in the vocabulary's order

    def place(self, b: _Branch) -> tuple[Municipality, District | None]:
        if b.spec.all_districts:
            return b.areas[0], self.rng.choice(self.oslo_districts)
        index = 0 if len(b.areas) == 1 or self.rng.random() < 0.7 else 1
        return b.areas[index], None

    # --- volunteers ---------------------------------------------------------------------

    def volunteer(
        self,
        b: _Branch,
        status: str,
        *,
        applied_on: datetime.date,
        user: User | None = None,
        with_account: bool = False,
        extra_languages: tuple[str, ...] | None = None,
        **fields: Any,
    ) -> Volunteer:
        """A volunteer row with a generated, consistent profile (fields override it)."""
        rng = self.rng
        if extra_languages is None:
            extra_languages = (rng.choice(OTHER_LANGUAGES),) if rng.random() < 0.3 else ()
        full_name = user.full_name if user else self.name_for(extra_languages)
        if with_account and user is None:
            user = self.add_user(self.unique_email(full_name), full_name, None)
            self.add_membership(user, b.organisation, Role.VOLUNTEER)
            self.summary.volunteers.append(user)
        email = user.email if user else self.unique_email(full_name)
        municipality, district = self.place(b)
        sparse = not b.spec.all_districts
        modes = rng.choices(
            [["in_person", "digital"], ["in_person"], ["digital"]],
            weights=[6, 1 if sparse else 3, 1],
        )[0]
        age = rng.choice([rng.randint(26, 39), rng.randint(40, 59), rng.randint(60, 72)])
        born = self.today.replace(year=self.today.year - age, day=1) - datetime.timedelta(
            days=rng.randint(1, 360)
        )
        offers = self.sample(list(Need.values), 2, 4)
        if "social_network" not in offers and rng.random() < 0.6:
            offers.append("social_network")
        values: dict[str, Any] = {
            "full_name": full_name,
            "email": email,
            "phone": self.phone(),
            "date_of_birth": born,
            "self_declared_woman": True,
            "municipality": municipality,
            "district": district,
            "motivation": rng.choice(MOTIVATIONS),
            "languages": ["nb", *extra_languages],
            "interests": self.sample(list(Interest.values), 2, 5),
            "offers": offers,
            "availability": self.sample(list(Availability.values), 1, 3),
            "modes": modes,
            "max_travel_km": rng.choice([5, 10, 15, 20] if not sparse else [15, 25, 40, 60]),
            "capacity": 2 if rng.random() < 0.1 else 1,
            "applied_at": _at(applied_on, rng.randint(8, 22), rng.choice([0, 15, 30, 45])),
            "status_changed_at": _at(applied_on, 12),
        }
        values.update(fields)
        row = Volunteer.objects.create(branch=b.organisation, user=user, status=status, **values)
        Volunteer.objects.filter(pk=row.pk).update(created_at=row.applied_at)
        self.audit(row, ("branch", "status", "full_name", "email"), b.organisation)
        counts = self.summary.volunteer_statuses
        counts[status] = counts.get(status, 0) + 1
        return row

    def certificate(
        self, v: Volunteer, b: _Branch, seen_on: datetime.date, kind: str = "ordinary"
    ) -> None:
        PoliceCertificate.objects.create(
            volunteer=v,
            kind=kind,
            issued_on=seen_on - datetime.timedelta(days=self.rng.randint(4, 40)),
            seen_on=seen_on,
            seen_by=b.leader,
            renewal_due_on=screening.certificate_renewal_due(seen_on),
        )

    def declaration(self, v: Volunteer, b: _Branch, signed_on: datetime.date) -> None:
        # Everyone signed the current text when it was published (or when she joined).
        published = self.declaration_text.published_on
        if signed_on < published:
            signed_on = published + datetime.timedelta(days=self.rng.randint(3, 30))
        signed_on = self.past(signed_on)
        in_app = v.user_id is not None and self.rng.random() < 0.7
        ConfidentialityDeclaration.objects.create(
            volunteer=v,
            text=self.declaration_text,
            method=ConfidentialityDeclaration.Method.IN_APP
            if in_app
            else ConfidentialityDeclaration.Method.PAPER,
            signed_on=signed_on,
            recorded_by=v.user if in_app and v.user else b.leader,
        )

    def interview(self, v: Volunteer, b: _Branch, held_on: datetime.date, outcome: str) -> None:
        SuitabilityInterview.objects.create(
            volunteer=v,
            held_on=held_on,
            interviewer=b.leader,
            outcome=outcome,
            notes=INTERVIEW_NOTES.get(outcome, ""),
        )

    def approve(self, v: Volunteer, approved_on: datetime.date, completed: datetime.date) -> None:
        v.approved_on = self.past(approved_on)
        v.course_completed_on = completed
        v.status_changed_at = _at(v.approved_on, 12)
        v.save(update_fields=["approved_on", "course_completed_on", "status_changed_at"])

    def spring_cohort(
        self, b: _Branch, status: str, *, user: User | None = None, **fields: Any
    ) -> Volunteer:
        """Applied last winter, took the spring course; approved in early summer."""
        rng = self.rng
        start, end = self.dates.spring_sessions[0], self.dates.spring_sessions[2]
        applied = start - datetime.timedelta(days=rng.randint(30, 80))
        v = self.volunteer(
            b, status, applied_on=applied, user=user, with_account=user is None, **fields
        )
        self.certificate(v, b, applied + datetime.timedelta(days=rng.randint(10, 25)))
        self.course_members[b.spec.name]["spring"].append(v)
        if status == Volunteer.Status.APPROVED or status == Volunteer.Status.PAUSED:
            interview = end + datetime.timedelta(days=rng.randint(5, 25))
            self.interview(v, b, interview, SuitabilityInterview.Outcome.SUITABLE)
            self.declaration(v, b, end + datetime.timedelta(days=rng.randint(1, 20)))
            self.approve(v, interview + datetime.timedelta(days=rng.randint(1, 10)), end)
        return v

    def veteran(self, b: _Branch, status: str, *, with_account: bool, **fields: Any) -> Volunteer:
        """Approved almost three years ago: certificate and course fall due for renewal soon."""
        rng = self.rng
        sessions = self.dates.old_sessions
        applied = sessions[0] - datetime.timedelta(days=rng.randint(30, 60))
        v = self.volunteer(b, status, applied_on=applied, with_account=with_account, **fields)
        self.certificate(v, b, sessions[-1] - datetime.timedelta(days=5))
        self.course_members[b.spec.name]["old"].append(v)
        self.interview(v, b, sessions[-1] + datetime.timedelta(days=10), "suitable")
        self.declaration(v, b, sessions[-1] + datetime.timedelta(days=5))
        self.approve(v, sessions[-1] + datetime.timedelta(days=20), sessions[-1])
        return v

    def seed_volunteers(self, b: _Branch, index: int) -> None:
        rng = self.rng
        name = b.spec.name
        self.course_members[name] = {"old": [], "spring": [], "upcoming": []}
        approved_statuses = Volunteer.Status.APPROVED
        # The veteran first (she can take the long-running matches), then the spring cohort.
        b.approved.append(
            self.veteran(
                b,
                approved_statuses,
                with_account=True,
                extra_languages=("en",),
                modes=["in_person", "digital"],
                # Oslo's veteran had Kristin's (closed) match and now has Hilde's, whose end
                # is near: two places, so the two overlapping matches were within capacity.
                **({"capacity": 2} if b.spec.all_districts else {}),
            )
        )
        for persona, state in VOLUNTEER_PERSONAS.items():
            user = self.personas[persona]
            if (
                state == "approved"
                and user.memberships.filter(organisation=b.organisation).exists()
            ):
                v = self.spring_cohort(b, approved_statuses, user=user, **PERSONA_PROFILES[persona])
                self.persona_volunteers[persona] = v
                b.approved.append(v)
        for position in range(APPROVED_PER_BRANCH[name] - 1):
            languages = APPROVED_LANGUAGES[(position + index) % len(APPROVED_LANGUAGES)]
            if b.spec.all_districts:  # Oslo: the waiting women must find candidates
                languages = OSLO_LANGUAGES[position % len(OSLO_LANGUAGES)]
            extra: dict[str, Any] = {}
            if b.spec.all_districts and position == 5:
                extra["conflict_areas"] = ["030112"]  # she works at the NAV office there
            b.approved.append(
                self.spring_cohort(b, approved_statuses, extra_languages=languages, **extra)
            )
        # Persona volunteers with free places come last, so the generated volunteers keep
        # their positions (`WomanSpec.exclude_volunteer`).
        for persona, state in VOLUNTEER_PERSONAS.items():
            user = self.personas[persona]
            if (
                state == "available"
                and user.memberships.filter(organisation=b.organisation).exists()
            ):
                profile = dict(PERSONA_PROFILES[persona])
                age = profile.pop("age")
                code = profile.pop("district")
                profile["district"] = next(d for d in self.oslo_districts if d.code == code)
                profile["date_of_birth"] = self.today.replace(
                    year=self.today.year - age, day=1
                ) - datetime.timedelta(days=100)
                v = self.spring_cohort(b, approved_statuses, user=user, **profile)
                self.persona_volunteers[persona] = v
                b.approved.append(v)

        # In screening: one with only the certificate (signed up for the next course) …
        applied = self.days_ago(rng.randint(18, 30))
        v = self.volunteer(b, Volunteer.Status.SCREENING, applied_on=applied, with_account=True)
        v.status_changed_at = _at(applied + datetime.timedelta(days=rng.randint(3, 6)), 10)
        v.save(update_fields=["status_changed_at"])
        self.certificate(v, b, self.days_ago(rng.randint(2, 6)))
        self.course_members[name]["upcoming"].append(v)
        # … and one who took the course but needs another conversation.
        v = self.spring_cohort(b, Volunteer.Status.SCREENING)
        v.course_completed_on = self.dates.spring_sessions[2]
        v.save(update_fields=["course_completed_on"])
        self.declaration(v, b, self.dates.spring_sessions[2] + datetime.timedelta(days=3))
        self.interview(
            v, b, self.days_ago(rng.randint(8, 20)), SuitabilityInterview.Outcome.ANOTHER
        )
        for persona, state in VOLUNTEER_PERSONAS.items():
            user = self.personas[persona]
            if (
                state == "screening"
                and user.memberships.filter(organisation=b.organisation).exists()
            ):
                v = self.spring_cohort(
                    b, Volunteer.Status.SCREENING, user=user, **PERSONA_PROFILES[persona]
                )
                # Her certificate came late; course and interview done, declaration missing.
                v.police_certificates.update(
                    seen_on=self.days_ago(25),
                    issued_on=self.days_ago(40),
                    renewal_due_on=screening.certificate_renewal_due(self.days_ago(25)),
                )
                v.course_completed_on = self.dates.spring_sessions[2]
                v.save(update_fields=["course_completed_on"])
                self.interview(v, b, self.days_ago(6), SuitabilityInterview.Outcome.SUITABLE)
                self.persona_volunteers[persona] = v

        # Paused (she has an account) and ended (account closed).
        v = self.spring_cohort(b, Volunteer.Status.PAUSED)
        v.status_reason = PAUSE_REASONS[index % len(PAUSE_REASONS)]
        v.status_changed_at = _at(self.days_ago(rng.randint(20, 50)), 14)
        v.save(update_fields=["status_reason", "status_changed_at"])
        v = self.veteran(b, Volunteer.Status.ENDED, with_account=False)
        v.status_reason = END_REASONS[index % len(END_REASONS)]
        v.status_changed_at = _at(self.days_ago(rng.randint(40, 90)), 14)
        v.save(update_fields=["status_reason", "status_changed_at"])

        # Applications (no account yet), and one rejected and one withdrawn application.
        waits = APPLICANT_WAITING_DAYS.get(name, DEFAULT_APPLICANT_WAITING_DAYS)
        for days in waits:
            self.volunteer(b, Volunteer.Status.APPLIED, applied_on=self.days_ago(days))
        for status, reasons in (
            (Volunteer.Status.REJECTED, REJECT_REASONS),
            (Volunteer.Status.WITHDRAWN, WITHDRAW_REASONS),
        ):
            applied = self.days_ago(rng.randint(30, 60))
            self.volunteer(
                b,
                status,
                applied_on=applied,
                status_reason=reasons[index % len(reasons)],
                status_changed_at=_at(applied + datetime.timedelta(days=rng.randint(5, 15)), 13),
            )

    # --- courses and guidance -----------------------------------------------------------

    def course(
        self,
        b: _Branch,
        title: str,
        sessions: list[datetime.date],
        members: list[Volunteer],
        *,
        held: bool,
        optional_last: bool = False,
    ) -> None:
        rng = self.rng
        course = Course.objects.create(
            branch=b.organisation,
            title=title,
            description=(
                "Opplæring i vold i nære relasjoner: hva vold gjør med den som utsettes for "
                "den, rollen som ressursvenn, taushetsplikt og sikkerhet, og hvordan du "
                "støtter uten å ta over. Kurset er obligatorisk før godkjenning."
            ),
            capacity=14,
            is_open_for_signup=not held,
            created_by=b.leader,
        )
        Course.objects.filter(pk=course.pk).update(
            created_at=_at(sessions[0] - datetime.timedelta(days=45), 9)
        )
        self.audit(course, ("branch", "title", "capacity"), b.organisation)
        self.summary.courses += 1
        rows = []
        for number, day in enumerate(sessions):
            digital = number == 1
            rows.append(
                CourseSession(
                    course=course,
                    starts_at=_at(day, 18),
                    ends_at=_at(day, 21),
                    place="" if digital else COURSE_PLACES[number % len(COURSE_PLACES)],
                    digital_link=f"{_video_base()}/kurs-{rng.getrandbits(64):016x}"
                    if digital
                    else "",
                    is_mandatory=not (optional_last and number == len(sessions) - 1),
                )
            )
        created = CourseSession.objects.bulk_create(rows)
        mandatory_end = max(s.starts_at.date() for s in created if s.is_mandatory)
        Enrolment.objects.bulk_create(
            Enrolment(course=course, volunteer=v, completed_on=mandatory_end if held else None)
            for v in members
        )
        Enrolment.objects.filter(course=course).update(
            enrolled_at=_at(sessions[0] - datetime.timedelta(days=rng.randint(7, 30)), 11)
        )
        if held:
            Attendance.objects.bulk_create(
                Attendance(
                    session=session,
                    volunteer=v,
                    attended=session.is_mandatory or rng.random() < 0.6,
                    recorded_by=b.leader,
                )
                for session in created
                for v in members
            )

    def seed_courses(self, b: _Branch) -> None:
        members = self.course_members[b.spec.name]
        dates = self.dates
        spring = dates.spring_sessions
        self.course(
            b,
            f"Opplæringskurs våren {spring[0].year}",
            spring,
            members["spring"],
            held=True,
            optional_last=True,
        )
        old = dates.old_sessions
        self.course(
            b, f"Opplæringskurs {_season(old[0])} {old[0].year}", old, members["old"], held=True
        )
        upcoming = dates.upcoming_sessions
        title = f"Opplæringskurs {_season(upcoming[0])} {upcoming[0].year}"
        self.course(b, title, upcoming, members["upcoming"], held=False)

    def seed_guidance(self, b: _Branch) -> None:
        rng = self.rng
        group = GuidanceGroup.objects.create(
            branch=b.organisation,
            name=f"Veiledningsgruppe {b.short} {self.today.year}",
            created_by=b.leader,
        )
        self.audit(group, ("branch", "name"), b.organisation)
        self.summary.guidance_groups += 1
        members = list(
            Volunteer.objects.filter(
                branch=b.organisation,
                status__in=[Volunteer.Status.APPROVED, Volunteer.Status.PAUSED],
            ).order_by("pk")
        )
        group.members.set(members)
        days = [self.days_ago(n) for n in (230, 160, 90, 30)]
        past = [day for day in days if day.year == self.today.year] or [self.days_ago(1)]
        coming = self.today + datetime.timedelta(days=24)
        sessions = GuidanceSession.objects.bulk_create(
            GuidanceSession(
                group=group,
                starts_at=_at(day, 18),
                place="" if number == 1 else "Sanitetshuset, møterom 2",
                digital_link=f"{_video_base()}/veiledning-{rng.getrandbits(64):016x}"
                if number == 1
                else "",
            )
            for number, day in enumerate([*past, coming])
        )
        GuidanceAttendance.objects.bulk_create(
            GuidanceAttendance(
                session=session,
                volunteer=v,
                attended=rng.random() < 0.8,
                recorded_by=b.leader,
            )
            for session in sessions
            if session.starts_at.date() < self.today
            for v in members
            if v.approved_on is not None and v.approved_on <= session.starts_at.date()
        )

    # --- referrals and matches ----------------------------------------------------------

    def referral(self, b: _Branch, spec: WomanSpec) -> Referral:
        rng = self.rng
        submitted = self.days_ago(spec.days)
        municipality = b.areas[min(spec.area, len(b.areas) - 1)]
        district = None
        if spec.district:
            district = next(d for d in self.oslo_districts if d.code == spec.district)
        channel = rng.choice(list(Referral.Channel.values))
        contact_value = ""
        if channel in (Referral.Channel.PHONE, Referral.Channel.SMS):
            contact_value = self.phone()
        elif channel == Referral.Channel.EMAIL:
            # example.com is reserved (RFC 2606): no demo message can reach a real person.
            contact_value = f"{_ascii(spec.name)}{rng.randint(10, 99)}@example.com"
        draft = spec.status == Referral.Status.DRAFT
        wish = rng.random() < 0.4
        low = max(25, spec.age - rng.choice([5, 10])) if wish else None
        values: dict[str, Any] = {
            "first_name": spec.name,
            "birth_year": self.today.year - spec.age,
            "municipality": municipality,
            "district": district,
            "children_count": spec.children,
            "languages": list(spec.languages),
            "required_languages": list(spec.required),
            "interpreter_needed": bool(spec.required) and "nb" not in spec.languages,
            "interests": list(spec.interests) or self.sample(list(Interest.values), 2, 4),
            "needs": list(spec.needs) or self.sample(list(Need.values), 1, 3),
            "availability": self.sample(list(Availability.values), 1, 3),
            "modes": list(spec.modes),
            "preferred_age_min": low,
            "preferred_age_max": low + 25 if low is not None else None,
            "contact_channel": channel,
            "contact_value": contact_value,
            "contact_times": self.sample(list(Referral.ContactTime.values), 1, 2),
            "may_leave_message": channel != Referral.Channel.VIA_CENTRE and rng.random() < 0.5,
            "excluded_areas": list(spec.excluded_areas),
            "notes": rng.choice(WOMAN_NOTES),
            "safety_assessed_on": submitted - datetime.timedelta(days=rng.randint(1, 4)),
            "safety_assessed_by": b.contact,
            "consent_text": None if draft else self.consent_text,
            "consent_scope": [] if draft else self.consent_scope(),
            "consent_given_on": None if draft else submitted - datetime.timedelta(days=1),
            "submitted_at": None if draft else _at(submitted, rng.randint(9, 15)),
            "status_reason": spec.reason,
            "status_changed_at": _at(submitted, 15),
        }
        if spec.waiting:
            values["waiting_since"] = _at(self.days_ago(spec.waiting), rng.randint(9, 15))
            values["status_changed_at"] = values["waiting_since"]
        if spec.status == Referral.Status.DECLINED:
            values["status_changed_at"] = _at(submitted + datetime.timedelta(days=2), 10)
        if spec.status == Referral.Status.WITHDRAWN:
            values["consent_withdrawn_at"] = _at(self.days_ago(12), 11)
            values["status_changed_at"] = values["consent_withdrawn_at"]
        row = Referral.objects.create(
            centre=b.centre,
            branch=b.organisation,
            contact=b.contact,
            created_by=b.contact,
            status=spec.status,
            **values,
        )
        created = _at(submitted - datetime.timedelta(days=1 if not draft else 0), 9)
        Referral.objects.filter(pk=row.pk).update(created_at=created)
        if spec.exclude_volunteer is not None:
            row.excluded_volunteers.set([b.approved[spec.exclude_volunteer]])
        self.audit(row, ("centre", "branch", "status", "first_name"), b.centre)
        counts = self.summary.referral_statuses
        counts[spec.status] = counts.get(spec.status, 0) + 1
        return row

    def candidate(
        self, b: _Branch, referral: Referral, spec: WomanSpec, *, since: datetime.date
    ) -> tuple[Volunteer, Any]:
        """The volunteer for a match: the named persona, else the engine's best candidate
        among those approved before `since` (skipping the best for a proposal she declined)."""
        woman = engine_participant(
            referral,
            excluded_volunteers=referral.excluded_volunteers.values_list("pk", flat=True),
            today=self.today,
        )
        reserved = {v.pk for v in self.persona_volunteers.values()}
        pool = (
            [self.persona_volunteers[spec.volunteer]]
            if spec.volunteer
            else [
                v
                for v in b.approved
                if v.approved_on and v.approved_on <= since and v.pk not in reserved
            ]
        )
        found = []
        for v in pool:
            profile = engine_volunteer(
                v, open_matches=b.open_matches.get(v.pk, 0), today=self.today
            )
            suggestion = evaluate(woman, profile)
            if suggestion is not None:
                found.append((-suggestion.score, v.pk, v, suggestion))
        found.sort(key=lambda item: item[:2])
        if spec.match == Match.Status.CANCELLED and len(found) > 1:
            found = found[1:]
        if not found:
            rules = [failing_rule(woman, engine_volunteer(v, today=self.today)) for v in pool]
            raise CommandError(
                f"Demo data: no volunteer fits {spec.name} in {b.spec.name} ({rules})."
            )
        return found[0][2], found[0][3]

    def match(self, b: _Branch, referral: Referral, spec: WomanSpec) -> Match:
        rng = self.rng
        status = spec.match
        meeting_days = spec.started or MATCH_MEETING_DAYS_AGO.get(status)
        if meeting_days is not None:
            meeting_day = self.days_ago(meeting_days)
            proposed_day = meeting_day - datetime.timedelta(days=rng.randint(8, 14))
        elif status == Match.Status.MEETING_PLANNED:
            proposed_day = self.days_ago(9)
        elif status == Match.Status.CANCELLED:
            proposed_day = self.days_ago(max(2, spec.waiting - 3))
        else:
            proposed_day = self.days_ago(min(3, max(1, spec.waiting - 1)))
        volunteer, suggestion = self.candidate(b, referral, spec, since=proposed_day)
        answered = proposed_day + datetime.timedelta(days=rng.randint(1, 2))
        values: dict[str, Any] = {
            "score": suggestion.score,
            "reasons": [
                {"factor": r.factor, "points": r.points, "text": r.text} for r in suggestion.reasons
            ],
            "proposed_by": b.leader,
            "proposed_at": _at(proposed_day, 10),
            "status_changed_at": _at(proposed_day, 10),
        }
        if status != Match.Status.PROPOSED:
            no = status == Match.Status.CANCELLED
            values["volunteer_answer"] = Match.Answer.NO if no else Match.Answer.YES
            values["answered_at"] = _at(answered, 19)
            values["status_changed_at"] = values["answered_at"]
        if status == Match.Status.CANCELLED:
            values["status_reason"] = (
                "Ressursvennen takket nei: tidspunktene passer dårlig for henne nå. "
                "Kvinnen beholder plassen sin på ventelisten."
            )
        if meeting_days is not None:
            started = self.days_ago(meeting_days)
            values["started_on"] = started
            values["planned_end_on"] = _add_months(
                started, spec.months or settings.MATCH_MAX_MONTHS
            )
            values["status_changed_at"] = _at(started, 13)
            if status == Match.Status.PAUSED:
                values["status_reason"] = (
                    "Satt på pause av sikkerhetshensyn etter råd fra krisesenteret."
                )
                values["status_changed_at"] = _at(self.days_ago(10), 9)
            if status == Match.Status.ENDING:
                values["status_changed_at"] = _at(self.days_ago(6), 9)
            if status == Match.Status.CLOSED:
                values["planned_end_on"] = _add_months(started, settings.MATCH_MIN_MONTHS)
                values["ended_on"] = values["planned_end_on"]
                values["status_changed_at"] = _at(values["ended_on"], 12)
        row = Match.objects.create(
            referral=referral, volunteer=volunteer, branch=b.organisation, status=status, **values
        )
        self.audit(row, ("referral", "volunteer", "status", "score"), b.organisation)
        counts = self.summary.match_statuses
        counts[status] = counts.get(status, 0) + 1
        if status in Match.OPEN_STATUSES:
            b.open_matches[volunteer.pk] = b.open_matches.get(volunteer.pk, 0) + 1
        if status == Match.Status.CLOSED:
            Referral.objects.filter(pk=referral.pk).update(
                closed_at=values["status_changed_at"], status_changed_at=values["status_changed_at"]
            )
        elif status != Match.Status.CANCELLED:
            Referral.objects.filter(pk=referral.pk).update(
                status_changed_at=values["status_changed_at"]
            )

        if meeting_days is not None:
            mode = rng.choice(list(MatchingMeeting.Mode.values))
            day = self.days_ago(meeting_days)
            self.meeting(
                b,
                row,
                starts_at=_at(day, 11),
                mode=mode,
                outcome=MatchingMeeting.Outcome.CONTINUE,
                note="Begge vil fortsette. De avtalte å ta en kaffe sammen neste uke.",
            )
        elif status == Match.Status.MEETING_PLANNED:
            self.meeting(
                b,
                row,
                starts_at=_at(self.today + datetime.timedelta(days=4), 10),
                mode=MatchingMeeting.Mode.VIDEO,
                outcome=MatchingMeeting.Outcome.PENDING,
                note="",
            )
        return row

    def meeting(
        self,
        b: _Branch,
        match: Match,
        *,
        starts_at: datetime.datetime,
        mode: str,
        outcome: str,
        note: str,
    ) -> None:
        rng = self.rng
        meeting = MatchingMeeting.objects.create(
            match=match,
            starts_at=starts_at,
            mode=mode,
            place=rng.choice(MEETING_PLACES) if mode == MatchingMeeting.Mode.PUBLIC_PLACE else "",
            video_url=f"{_video_base()}/ressursvenn-{rng.getrandbits(128):032x}"
            if mode == MatchingMeeting.Mode.VIDEO
            else "",
            planned_by=b.leader,
            outcome=outcome,
            outcome_note=note,
            outcome_recorded_at=starts_at + datetime.timedelta(hours=2)
            if outcome != MatchingMeeting.Outcome.PENDING
            else None,
        )
        planned = match.answered_at or match.proposed_at
        MatchingMeeting.objects.filter(pk=meeting.pk).update(planned_at=planned)
        self.audit(meeting, ("match", "starts_at", "mode"), b.organisation)

    # --- the whole journey --------------------------------------------------------------

    def branch_staff(self) -> list[_Branch]:
        """Each branch with its group leader and its centre's contact person (a persona where
        there is one, otherwise an account without a login)."""
        branches = []
        for spec in BRANCHES:
            organisation = self.organisations[spec.name]
            centre = self.organisations[spec.centre]
            leader = (
                User.objects.filter(
                    memberships__organisation=organisation,
                    memberships__role=Role.GROUP_LEADER,
                    email__in=[p.email for p in PERSONAS],
                )
                .order_by("pk")
                .first()
            )
            if leader is None:
                slug = _ascii(spec.name.split()[0])
                leader = self.add_user(
                    f"gruppeleder.{slug}@{DEMO_DOMAIN}", _female_name(self.fake), None
                )
                self.add_membership(leader, organisation, Role.GROUP_LEADER)
                self.summary.staff.append(leader)
            contact = (
                User.objects.filter(
                    memberships__organisation=centre,
                    memberships__role=Role.CRISIS_STAFF,
                    email__in=[p.email for p in PERSONAS],
                )
                .order_by("pk")
                .first()
            )
            if contact is None:
                slug = _ascii(spec.name.split()[0])
                contact = self.add_user(
                    f"krisesenter.{slug}@{DEMO_DOMAIN}", _female_name(self.fake), None
                )
                self.add_membership(contact, centre, Role.CRISIS_STAFF)
                self.summary.staff.append(contact)
            areas = sorted(
                organisation.municipalities.all(), key=lambda m: spec.areas.index(m.code)
            )
            branches.append(_Branch(spec, organisation, centre, leader, contact, areas))
        return branches

    def run(self) -> None:
        branches = self.branch_staff()
        for index, b in enumerate(branches):
            self.seed_volunteers(b, index)
            self.seed_courses(b)
            self.seed_guidance(b)
        # The checklist rows were written directly, not through the actions: store what the
        # actions would have stored (the matching pages read it).
        screening.refresh_valid_until(
            Volunteer.objects.filter(branch__in=[b.organisation for b in branches]).values_list(
                "pk", flat=True
            )
        )
        for b in branches:
            # Refetch with the checklist, as the matching pages would.
            by_pk = {
                v.pk: v
                for v in screening.with_checklist(
                    Volunteer.objects.filter(pk__in=[v.pk for v in b.approved])
                ).select_related("municipality")
            }
            b.approved = [by_pk[v.pk] for v in b.approved]
            for persona, v in self.persona_volunteers.items():
                if v.pk in by_pk:
                    self.persona_volunteers[persona] = by_pk[v.pk]
            for spec in REFERRALS[b.spec.name]:
                referral = self.referral(b, spec)
                if spec.match:
                    self.matches[spec.name] = self.match(b, referral, spec)
        _FollowupSeeder(self, branches).run()


# --- The months of a match: follow-up history ------------------------------------------------

# A woman matched in Oslo almost nine months ago (with the veteran volunteer), so the group
# leader persona has an end date coming up.
ENDING_SOON = WomanSpec(
    "Hilde",
    48,
    "matched",
    days=292,
    waiting=288,
    match="active",
    started=262,
    months=9,
    needs=("social_network", "public_services", "physical_activity"),
    interests=("hiking", "reading", "cafes"),
    district="030106",
)
ACTIVITY_KINDS = {
    Activity.Kind.COFFEE: 30,
    Activity.Kind.WALK: 20,
    Activity.Kind.NORWEGIAN: 12,
    Activity.Kind.JOB: 8,
    Activity.Kind.PUBLIC_SERVICES: 8,
    Activity.Kind.CHILDREN: 8,
    Activity.Kind.HOUSING: 4,
    Activity.Kind.OTHER: 5,
}
ACTIVITY_CHANNELS = {
    Channel.IN_PERSON: 60,
    Channel.PHONE: 15,
    Channel.MESSAGES: 13,
    Channel.VIDEO: 12,
}
# What can only be done together in person.
IN_PERSON_KINDS = (
    Activity.Kind.WALK,
    Activity.Kind.HOUSING,
    Activity.Kind.CHILDREN,
    Activity.Kind.SOCIAL_EVENT,
)
ACTIVITY_MINUTES = {
    Channel.IN_PERSON: (60, 90, 90, 120, 150, 180),
    Channel.VIDEO: (30, 45, 60),
    Channel.PHONE: (15, 20, 30, 45),
    Channel.MESSAGES: (10, 15, 20),
}
# Short, harmless notes: the form asks not to write sensitive details.
ACTIVITY_NOTES = {
    Activity.Kind.COFFEE: (
        "En kaffe og en god prat om uka som har vært.",
        "Vi snakket om planene for helgen.",
    ),
    Activity.Kind.WALK: ("Gikk en lang tur i fint vær.", "Prøvde en ny tursti sammen."),
    Activity.Kind.NORWEGIAN: ("Øvde på ord fra hverdagen og leste avisen sammen.",),
    Activity.Kind.JOB: ("Så på stillingsannonser og skrev en søknad sammen.",),
    Activity.Kind.PUBLIC_SERVICES: ("Forberedte et møte og skrev ned spørsmål på forhånd.",),
    Activity.Kind.CHILDREN: ("Var på lekeplassen med barna.",),
    Activity.Kind.HOUSING: ("Var på visning sammen.",),
    Activity.Kind.OTHER: ("Handlet inn til middag og lagde mat sammen.",),
}
CHECKIN_NOTES: dict[str, tuple[str, ...]] = {
    CheckIn.Party.VOLUNTEER: (
        "Koblingen fungerer godt. De møtes omtrent hver uke.",
        "Trives som ressursvenn. Ønsker tips til aktiviteter i vinter.",
        "Litt travelt på jobb, men holder kontakten på telefon.",
    ),
    CheckIn.Party.WOMAN: (
        "Hun er fornøyd og ser frem til møtene.",
        "Hun sier at det er fint å ha noen å snakke norsk med.",
        "Hun ønsker å fortsette som nå.",
    ),
}
FOLLOWUP_WHAT = "Sjekke om hun har fått svar fra NAV, og minne ressursvennen på neste veiledning."
ROOM_NAME_BITS = 192  # as many as `matching.actions.meetings.new_video_url`


class _FollowupSeeder:
    """The months of every match that went ahead: activities, check-ins on schedule, video
    rooms, planned pair meetings, concerns, the pause, the closure and social events.

    Uses its own random generator (seeded from the journey's), so adding follow-up data does
    not change the rest of the demo world."""

    def __init__(self, journey: _JourneySeeder, branches: list[_Branch]) -> None:
        self.j = journey
        self.today = journey.today
        self.rng = random.Random(journey.rng.random())  # noqa: S311 - demo data, not a secret
        self.branches = {b.spec.name: b for b in branches}
        self.by_org = {b.organisation.pk: b for b in branches}
        self.counts: dict[str, int] = {}

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def count(self, name: str, rows: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + rows

    def audit(self, obj: Any, fields: tuple[str, ...], b: _Branch) -> None:
        self.j.audit(obj, fields, b.organisation)

    def pick(self, shares: dict[Any, int]) -> Any:
        return self.rng.choices(list(shares), weights=list(shares.values()))[0]

    # --- rows ---------------------------------------------------------------------------

    def activities(
        self, match: Match, *, last: datetime.date, gaps: tuple[int, int], children: bool
    ) -> list[Activity]:
        """Activities from `last` (the latest contact) back to the start, `gaps` days apart."""
        rng = self.rng
        assert match.started_on is not None
        user = match.volunteer.user
        assert user is not None
        kinds = {k: w for k, w in ACTIVITY_KINDS.items() if children or k != "children"}
        rows, day = [], last
        while day > match.started_on:
            kind = self.pick(kinds)
            channel = Channel.IN_PERSON if kind in IN_PERSON_KINDS else self.pick(ACTIVITY_CHANNELS)
            note = rng.choice(ACTIVITY_NOTES[kind]) if rng.random() < 0.3 else ""
            logged = _at(day, rng.randint(17, 22), rng.choice([0, 15, 30, 45]))
            rows.append(
                Activity(
                    match=match,
                    occurred_on=day,
                    kind=kind,
                    duration_minutes=rng.choice(ACTIVITY_MINUTES[channel]),
                    channel=channel,
                    note=note,
                    created_by=user,
                    created_at=logged,
                    updated_at=logged,
                )
            )
            day -= datetime.timedelta(days=rng.randint(*gaps))
        created = Activity.objects.bulk_create(rows)
        b = self.by_org[match.branch_id]
        for row in created:
            self.audit(row, ("match", "occurred_on", "kind", "channel"), b)
        self.count("activities", len(created))
        return created

    def checkins(self, match: Match, *, overdue: tuple[str, ...] = ()) -> None:
        """The schedule of both parties; those due before today (or before the end of a closed
        match) held, except the latest past one of each party in `overdue`; those due after a
        closure cancelled."""
        rng = self.rng
        assert match.started_on is not None
        b = self.by_org[match.branch_id]
        end = match.ended_on or self.today
        dates = due_dates(match.started_on, match.planned_end_on)
        via = (
            CheckIn.Via.CENTRE
            if match.referral.contact_channel == Referral.Channel.VIA_CENTRE
            else CheckIn.Via.DIRECT
        )
        missed = {party: max((d for d in dates if d < end), default=None) for party in overdue}
        rows = []
        for day in dates:
            for party in CheckIn.Party.values:
                row = CheckIn(match=match, party=party, due_on=day)
                if day >= end:
                    if match.ended_on is not None:
                        row.status = CheckIn.Status.CANCELLED
                elif missed.get(party) != day:
                    held = day + datetime.timedelta(days=rng.randint(-3, 2))
                    held = max(match.started_on + datetime.timedelta(days=1), held)
                    held = min(held, end - datetime.timedelta(days=1))
                    woman = party == CheckIn.Party.WOMAN
                    row.status = CheckIn.Status.HELD
                    row.held_on = held
                    row.mode = self.pick(
                        {"phone": 6, "in_person": 3, "video": 1}
                        if woman
                        else {"in_person": 4, "phone": 4, "video": 2}
                    )
                    row.via = via if woman else ""
                    row.rating = rng.choice([3, 4, 4, 5, 5, 5])
                    row.notes = rng.choice(CHECKIN_NOTES[party]) if rng.random() < 0.6 else ""
                    row.followup_needed = rng.random() < 0.1
                    row.followup_what = FOLLOWUP_WHAT if row.followup_needed else ""
                    row.held_by = b.leader
                    row.recorded_at = _at(held, rng.randint(10, 16))
                rows.append(row)
        created = CheckIn.objects.bulk_create(rows)
        for row in created:
            self.audit(row, ("match", "party", "due_on", "status", "held_on", "mode"), b)
        self.count("check-ins", len(created))

    def room(self, match: Match) -> None:
        assert match.started_on is not None
        assert match.volunteer.user is not None
        name = urlsafe_b64encode(self.rng.getrandbits(ROOM_NAME_BITS).to_bytes(24, "big"))
        room = PairRoom.objects.create(
            match=match,
            video_url=f"{_video_base()}/{name.decode()}",
            renewed_at=_at(match.started_on, 15),
            renewed_by=match.volunteer.user,
        )
        self.audit(room, ("match", "renewed_at"), self.by_org[match.branch_id])
        self.count("video rooms")

    def planned(self, match: Match, starts_at: datetime.datetime, mode: str) -> PlannedMeeting:
        assert match.volunteer.user is not None
        meeting = PlannedMeeting.objects.create(
            match=match,
            starts_at=starts_at,
            mode=mode,
            created_by=match.volunteer.user,
            created_at=starts_at - datetime.timedelta(days=self.rng.randint(3, 8)),
        )
        self.audit(meeting, ("match", "starts_at", "mode"), self.by_org[match.branch_id])
        self.count("planned meetings")
        return meeting

    def concern(
        self,
        match: Match,
        *,
        by: User,
        category: str,
        severity: str,
        description: str,
        days_ago: int,
        acknowledged: tuple[int, str] | None = None,  # (hours later, note)
        resolved: tuple[int, str] | None = None,  # (days after the report, what was done)
    ) -> None:
        b = self.by_org[match.branch_id]
        reported = _at(self.days_ago(days_ago), 20, 10)
        concern = Concern(
            match=match,
            category=category,
            severity=severity,
            description=description,
            reported_by=by,
            reported_at=reported,
        )
        if acknowledged:
            concern.status = Concern.Status.ACKNOWLEDGED
            concern.acknowledged_by = b.leader
            concern.acknowledged_at = reported + datetime.timedelta(hours=acknowledged[0])
            concern.acknowledge_note = acknowledged[1]
        if resolved:
            concern.status = Concern.Status.RESOLVED
            concern.resolved_by = b.leader
            concern.resolved_at = reported + datetime.timedelta(days=resolved[0])
            concern.resolution = resolved[1]
        concern.save()
        self.audit(concern, ("match", "category", "severity", "status"), b)
        self.count("concerns")

    def event(
        self,
        b: _Branch,
        *,
        title: str,
        description: str,
        starts_at: datetime.datetime,
        audience: str,
        capacity: int,
        place: str = "",
        digital: bool = False,
        signups: Iterable[tuple[Volunteer, Match | None, str]] = (),
        attended: bool = False,
    ) -> SocialEvent:
        """An event with its answers; a past one with attendance recorded, each pair present
        logged as a social-event activity (as `followup.actions.events` records it)."""
        rng = self.rng
        created = starts_at - datetime.timedelta(days=rng.randint(18, 30))
        event = SocialEvent.objects.create(
            branch=b.organisation,
            title=title,
            description=description,
            starts_at=starts_at,
            duration_minutes=120,
            place=place,
            video_url=f"{_video_base()}/treff-{rng.getrandbits(64):016x}" if digital else "",
            capacity=capacity,
            audience=audience,
            organiser=b.leader,
            created_at=created,
            attendance_recorded_at=starts_at + datetime.timedelta(hours=20) if attended else None,
        )
        self.audit(event, ("branch", "title", "starts_at", "capacity", "audience"), b)
        self.count("social events")
        places: dict[str, int] = {"self": 1, "pair": 2, "no": 0}  # of the capacity
        rows = [
            EventSignup(
                event=event,
                volunteer=volunteer,
                match=match,
                answer=answer,
                places=places[answer],
                answered_at=created + datetime.timedelta(days=rng.randint(1, 10), hours=9),
                attended=(answer != EventSignup.Answer.NO) if attended else None,
            )
            for volunteer, match, answer in signups
        ]
        EventSignup.objects.bulk_create(rows)
        self.count("event sign-ups", len(rows))
        for row in rows:
            if row.attended and row.match is not None:
                activity = Activity.objects.create(
                    match=row.match,
                    occurred_on=starts_at.date(),
                    kind=Activity.Kind.SOCIAL_EVENT,
                    duration_minutes=event.duration_minutes,
                    channel=Channel.VIDEO if digital else Channel.IN_PERSON,
                    event=event,
                    created_by=b.leader,
                    created_at=event.attendance_recorded_at or starts_at,
                    updated_at=event.attendance_recorded_at or starts_at,
                )
                self.audit(activity, ("match", "occurred_on", "kind", "event"), b)
                self.count("activities")
        return event

    # --- the stories --------------------------------------------------------------------

    def run(self) -> None:
        j = self.j
        oslo = self.branches["Oslo Sanitetsforening"]
        # Hilde's referral and match are drawn from this seeder's generator (not the journey's).
        journey_rng, j.rng = j.rng, self.rng
        try:
            hilde = j.referral(oslo, ENDING_SOON)
            j.matches["Hilde"] = j.match(oslo, hilde, ENDING_SOON)
        finally:
            j.rng = journey_rng
        matches = {
            name: Match.objects.select_related("referral", "volunteer__user").get(pk=m.pk)
            for name, m in j.matches.items()
            if m.started_on is not None
        }
        # Latest contact and spacing (days) per match; Hanne's pair has been quiet for weeks
        # (an inactivity task for the Hammerfest leader).
        last_contact = {"Fatima": 3, "Hanne": 38, "Elif": 11, "Kjersti": 4, "Hilde": 5}
        gaps = {"Fatima": (2, 4), "Kjersti": (5, 12)}
        overdue = {"Fatima": ("woman",), "Thea": ("volunteer",)}
        logged: dict[str, list[Activity]] = {}
        for name, match in matches.items():
            assert match.started_on is not None
            if match.status == Match.Status.CLOSED:
                assert match.ended_on is not None
                last = match.ended_on - datetime.timedelta(days=2)
            else:
                last = self.days_ago(last_contact.get(name, self.rng.randint(2, 6)))
            logged[name] = self.activities(
                match,
                last=last,
                gaps=gaps.get(name, (4, 9)),
                children=match.referral.children_count > 0,
            )
            self.checkins(match, overdue=overdue.get(name, ()))
            if match.status in (Match.Status.ACTIVE, Match.Status.ENDING):
                self.room(match)

        self.fatima(matches["Fatima"], logged["Fatima"])
        self.hilde(matches["Hilde"])
        self.elif_paused(matches["Elif"])
        self.kristin_closed(matches["Kristin"])
        self.concern(
            matches["Thea"],
            by=self.branches["Stavanger Sanitetsforening"].leader,
            category=Concern.Category.VOLUNTEER_WELLBEING,
            severity=Concern.Severity.INFORMATION,
            description="Ressursvennen har fått mye å gjøre på jobb og er redd for at hun "
            "ikke strekker til. Hun vil gjerne ta det opp i veiledningsgruppen.",
            days_ago=9,
            acknowledged=(20, "Tar det opp på neste veiledning."),
        )
        self.events(oslo, matches)
        narvik = self.branches["Narvik Sanitetsforening"]
        self.event(
            narvik,
            title="Kaffetreff på biblioteket",
            description="Uformelt treff for par og ressursvenner. Vi spanderer kaffe og vafler.",
            starts_at=_at(self.today + datetime.timedelta(days=8), 17, 30),
            audience=SocialEvent.Audience.PAIRS,
            capacity=16,
            place="Narvik bibliotek, kafeen",
        )
        self.j.summary.followup = self.counts

    def fatima(self, match: Match, activities: list[Activity]) -> None:
        """The Oslo volunteer persona's match: a logged digital meeting, one that passed
        yesterday and is not logged yet, the next one in a few days, and a resolved concern."""
        target = self.days_ago(12)
        nearest = min(activities, key=lambda a: abs((a.occurred_on - target).days))
        meeting = self.planned(match, _at(nearest.occurred_on, 19), PlannedMeeting.Mode.DIGITAL)
        Activity.objects.filter(pk=nearest.pk).update(
            planned_meeting=meeting,
            channel=Channel.VIDEO,
            kind=Activity.Kind.NORWEGIAN,
            duration_minutes=meeting.duration_minutes,
        )
        self.planned(match, _at(self.days_ago(1), 19), PlannedMeeting.Mode.DIGITAL)
        self.planned(
            match,
            _at(self.today + datetime.timedelta(days=3), 17, 30),
            PlannedMeeting.Mode.IN_PERSON,
        )
        assert match.volunteer.user is not None
        self.concern(
            match,
            by=match.volunteer.user,
            category=Concern.Category.WELLBEING,
            severity=Concern.Severity.SOON,
            description="Hun virket sliten og lei seg sist vi møttes, og sa at hun sover "
            "dårlig. Jeg vil gjerne at noen fra krisesenteret tar kontakt med henne.",
            days_ago=46,
            acknowledged=(14, "Har snakket med krisesenteret, de ringer henne i morgen."),
            resolved=(
                4,
                "Krisesenteret har hatt en samtale med henne, og hun har fått time "
                "hos fastlegen. Ressursvennen fortsetter som før.",
            ),
        )

    def hilde(self, match: Match) -> None:
        """The veteran's match, near its planned end, with a new "follow up soon" concern."""
        assert match.volunteer.user is not None
        self.concern(
            match,
            by=match.volunteer.user,
            category=Concern.Category.BOUNDARIES,
            severity=Concern.Severity.SOON,
            description="Hun har spurt om å låne penger av meg. Jeg sa nei, men vil gjerne "
            "snakke med gruppelederen om hvordan jeg skal håndtere det.",
            days_ago=2,
        )

    def elif_paused(self, match: Match) -> None:
        """Paused ten days ago by the crisis centre after an urgent safety concern."""
        b = self.by_org[match.branch_id]
        self.concern(
            match,
            by=b.leader,
            category=Concern.Category.SAFETY,
            severity=Concern.Severity.URGENT,
            description="Krisesenteret har fått vite at hun har fått nye trusler. "
            "Ressursvennen er informert og tar ikke kontakt før hun hører fra oss.",
            days_ago=11,
            acknowledged=(2, "Krisesenteret følger opp i dag."),
            resolved=(1, "Koblingen er satt på pause etter råd fra krisesenteret."),
        )
        started = match.status_changed_at.date() if match.status_changed_at else self.days_ago(10)
        pause = Pause.objects.create(
            match=match,
            reason="Nye trusler fra tidligere partner. Krisesenteret ber om pause til "
            "situasjonen er avklart.",
            started_on=started,
            paused_by=b.contact,
            paused_at=match.status_changed_at or _at(started, 9),
        )
        self.audit(pause, ("match", "started_on"), b)
        self.count("pauses")

    def kristin_closed(self, match: Match) -> None:
        """Completed as planned: both closing conversations held, and the two have agreed to
        keep in touch privately."""
        b = self.by_org[match.branch_id]
        assert match.ended_on is not None
        closure = Closure.objects.create(
            match=match,
            reason=Closure.Reason.COMPLETED,
            note="En fin avslutning. Begge er fornøyde med tiden sammen.",
            ended_on=match.ended_on,
            planned=True,
            keep_in_touch=Closure.KeepInTouch.YES,
            volunteer_next=Closure.VolunteerNext.AVAILABLE,
            closed_by=b.leader,
            closed_at=_at(match.ended_on, 12),
        )
        self.audit(closure, ("match", "reason", "ended_on", "keep_in_touch", "volunteer_next"), b)
        self.count("closures")
        for party, days, mode, notes in (
            (
                CheckIn.Party.VOLUNTEER,
                4,
                ClosingConversation.Mode.IN_PERSON,
                "Hun har lært mye og vil gjerne bli ressursvenn for en ny kvinne.",
            ),
            (
                CheckIn.Party.WOMAN,
                2,
                ClosingConversation.Mode.PHONE,
                "Hun er takknemlig og har nå et nettverk i bydelen.",
            ),
        ):
            talk = ClosingConversation.objects.create(
                match=match,
                party=party,
                held_on=match.ended_on - datetime.timedelta(days=days),
                mode=mode,
                notes=notes,
                by=b.leader,
                at=_at(match.ended_on - datetime.timedelta(days=days), 15),
            )
            self.audit(talk, ("match", "party", "held_on", "mode"), b)
            self.count("closing conversations")

    def events(self, b: _Branch, matches: dict[str, Match]) -> None:
        """Oslo: a pairs' event coming up (the persona has not answered), a volunteers' evening
        with a few answers, and a past walk with attendance recorded."""
        fatima, hilde = matches["Fatima"], matches["Hilde"]
        others = [
            v
            for v in b.approved
            if v.pk not in {fatima.volunteer_id, hilde.volunteer_id}
            and v.user_id is not None
            and v.approved_on is not None
        ]
        self.event(
            b,
            title="Julegrøt på Sanitetshuset",
            description="Vi koker grøt og pynter til jul. Ta gjerne med barna.",
            starts_at=_at(self.today + datetime.timedelta(days=10), 17),
            audience=SocialEvent.Audience.PAIRS,
            capacity=30,
            place="Sanitetshuset, storsalen",
            signups=[(hilde.volunteer, hilde, EventSignup.Answer.PAIR)],
        )
        self.event(
            b,
            title="Erfaringskveld for ressursvenner",
            description="Digital kveld der ressursvenner deler erfaringer og tips.",
            starts_at=_at(self.today + datetime.timedelta(days=16), 19),
            audience=SocialEvent.Audience.VOLUNTEERS,
            capacity=15,
            digital=True,
            signups=[
                (hilde.volunteer, None, EventSignup.Answer.SELF),
                *((v, None, EventSignup.Answer.SELF) for v in others[:3]),
                *((v, None, EventSignup.Answer.NO) for v in others[3:4]),
            ],
        )
        self.event(
            b,
            title="Høsttur rundt Sognsvann",
            description="En rolig tur rundt vannet, med bål og kakao etterpå.",
            starts_at=_at(self.days_ago(30), 12),
            audience=SocialEvent.Audience.PAIRS,
            capacity=20,
            place="Sognsvann, ved T-banen",
            signups=[
                (fatima.volunteer, fatima, EventSignup.Answer.PAIR),
                (hilde.volunteer, hilde, EventSignup.Answer.PAIR),
            ],
            attended=True,
        )


# --- Reading the personas back ----------------------------------------------------------------


@dataclass
class PersonaInfo:
    user: User
    device: TOTPDevice
    roles: list[tuple[str, str]]  # (role, organisation name)

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """The order of PERSONAS first, then by role and e-mail."""
        known = [persona.email for persona in PERSONAS]
        position = known.index(self.user.email) if self.user.email in known else len(known)
        order = [role.value for role in ROLE_ORDER]
        first = min((order.index(role) for role, _ in self.roles if role in order), default=99)
        return position, first, self.user.email


def demo_personas() -> list[PersonaInfo]:
    """Demo users (e-mail at the demo domain) with a confirmed authenticator, in role order."""
    devices = {
        device.user_id: device
        for device in TOTPDevice.objects.filter(
            confirmed=True, user__email__iendswith="@" + DEMO_DOMAIN, user__is_active=True
        ).order_by("id")
    }
    users = User.objects.filter(pk__in=devices).prefetch_related("memberships__organisation")
    personas = []
    for user in users:
        memberships = [m for m in user.memberships.all() if m.is_active]
        roles = [(m.role, m.organisation.name) for m in memberships]
        personas.append(PersonaInfo(user=user, device=devices[user.pk], roles=roles))
    return sorted(personas, key=lambda persona: persona.sort_key)


def persona_device(email: str) -> TOTPDevice:
    """The confirmed authenticator of a demo persona; CommandError for anything else."""
    refuse_in_production()
    email = email.strip().lower()
    if not is_demo_email(email):
        raise CommandError(f"demo_otp only works for demo personas (…@{DEMO_DOMAIN}).")
    device = (
        TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).order_by("id").first()
    )
    if device is None:
        raise CommandError(
            f"No demo persona with an authenticator has the address {email}. "
            "List them with `manage.py demo_personas`."
        )
    return device

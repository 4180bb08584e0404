"""Demo data: organisations, cooperations and personas that can log in (development only).

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
from base64 import b32encode
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from ressursvenn.accounts.models import ROLE_ORDER, Membership, Role, User
from ressursvenn.lib.audit import record_creation
from ressursvenn.organisations import reference
from ressursvenn.organisations.models import Cooperation, District, Municipality, Organisation

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
    PersonaSpec("ressursvenn.narvik", Role.VOLUNTEER, ("Narvik Sanitetsforening",)),
)

SYNTHETIC_VOLUNTEERS = (20, 40)  # how many extra volunteers, inclusive range
# Relative weight of each branch when spreading the synthetic volunteers.
BRANCH_WEIGHTS = {
    "Oslo Sanitetsforening": 5,
    "Narvik Sanitetsforening": 2,
    "Hammerfest Sanitetsforening": 1,
    "Haugesund Sanitetsforening": 2,
    "Fredrikstad Sanitetsforening": 2,
    "Stavanger Sanitetsforening": 3,
}

ORGANISATION_AUDIT_FIELDS = ("kind", "name", "municipality")
USER_AUDIT_FIELDS = ("email", "full_name")


@dataclass
class SeedSummary:
    organisations: list[Organisation] = field(default_factory=list)
    cooperations: list[Cooperation] = field(default_factory=list)
    personas: list[User] = field(default_factory=list)
    volunteers: list[User] = field(default_factory=list)
    audit_events: int = 0

    def lines(self) -> list[str]:
        kinds = [org.kind for org in self.organisations]
        return [
            "Demo data created:",
            f"  organisations: {len(self.organisations)} "
            f"({kinds.count(Organisation.Kind.NATIONAL)} national office, "
            f"{kinds.count(Organisation.Kind.BRANCH)} branches, "
            f"{kinds.count(Organisation.Kind.CRISIS_CENTRE)} crisis centres)",
            f"  cooperations:  {len(self.cooperations)}",
            f"  personas:      {len(self.personas)} (password, authenticator, recovery codes)",
            f"  volunteers:    {len(self.volunteers)} synthetic (no login)",
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
def seed_demo(*, seed: int = DEFAULT_SEED) -> SeedSummary:
    """Create the demo organisations, cooperations, personas and volunteers in one transaction.

    Side effects: rows in organisations, cooperations, users, memberships, TOTP and static
    devices, and one ``demo.seed`` audit event (actor: none) per organisation, cooperation,
    user and membership created.
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

    def add_user(email: str, full_name: str, password: str | None) -> User:
        user = User(email=email, full_name=full_name)
        if password:
            user.set_password(password)
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

    for persona in PERSONAS:
        user = add_user(persona.email, _female_name(fake), DEMO_PASSWORD)
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

    branch_names = list(BRANCH_WEIGHTS)
    weights = [BRANCH_WEIGHTS[name] for name in branch_names]
    used = {persona.email for persona in PERSONAS}
    for _ in range(rng.randint(*SYNTHETIC_VOLUNTEERS)):
        full_name = _female_name(fake)
        first, *_rest, last = full_name.split()
        base = f"{_ascii(first)}.{_ascii(last)}"
        email, suffix = f"{base}@{DEMO_DOMAIN}", 2
        while email in used:
            email, suffix = f"{base}{suffix}@{DEMO_DOMAIN}", suffix + 1
        used.add(email)
        user = add_user(email, full_name, None)
        branch = organisations[rng.choices(branch_names, weights=weights)[0]]
        add_membership(user, branch, Role.VOLUNTEER)
        summary.volunteers.append(user)
    return summary


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

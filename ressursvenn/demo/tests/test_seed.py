"""seed_demo, demo_personas and demo_otp."""

from __future__ import annotations

import datetime
import io
import re
import time
import types
from base64 import b32decode
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp import models as totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.demo import seed
from ressursvenn.demo.seed_privacy import FORMER_LEADER_EMAIL
from ressursvenn.lib.models import AuditEvent
from ressursvenn.organisations.models import Cooperation, Organisation
from ressursvenn.tests import factories
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

DOMAIN = "@demo.ressursvenn.no"
BRANCH = Organisation.Kind.BRANCH
CENTRE = Organisation.Kind.CRISIS_CENTRE
CENTRES = {
    "Oslo Sanitetsforening": "Oslo krisesenter",
    "Narvik Sanitetsforening": "Narvik krisesenter",
    "Hammerfest Sanitetsforening": "Vest-Finnmark krisesenter",
    "Haugesund Sanitetsforening": "Krisesenter Vest IKS",
    "Fredrikstad Sanitetsforening": "Krise- og incestsenteret i Fredrikstad",
    "Stavanger Sanitetsforening": "Krisesenteret i Stavanger",
}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def persona_block(output: str, email: str) -> str:
    blocks = output.split("\n\n")
    return next(block for block in blocks if f"e-mail:      {email}" in block)


def test_seed_creates_exactly_the_demo_world() -> None:
    output = run("seed_demo")
    assert "Demo data created" in output

    organisations = set(Organisation.objects.values_list("name", "kind"))
    assert organisations == {
        ("N.K.S. sentralt", Organisation.Kind.NATIONAL),
        *((name, BRANCH) for name in CENTRES),
        *((name, CENTRE) for name in CENTRES.values()),
    }
    cooperations = set(Cooperation.objects.values_list("branch__name", "crisis_centre__name"))
    assert cooperations == set(CENTRES.items())
    for started_on in Cooperation.objects.values_list("started_on", flat=True):
        assert datetime.date(2024, 1, 1) <= started_on <= datetime.date(2025, 12, 31)

    def areas(name: str) -> set[str]:
        organisation = Organisation.objects.get(name=name)
        return set(organisation.municipalities.values_list("code", flat=True))

    assert areas("Oslo Sanitetsforening") == {"0301"}
    assert Organisation.objects.get(name="Oslo Sanitetsforening").districts.count() == 15
    assert areas("Narvik Sanitetsforening") == {"1806", "1853"}
    assert areas("Hammerfest Sanitetsforening") == {"5603", "5618"}
    assert areas("Haugesund Sanitetsforening") == {"1106", "1149"}
    assert areas("Fredrikstad Sanitetsforening") == {"3107", "3110"}
    assert areas("Stavanger Sanitetsforening") == {"1103", "1108"}
    hosts = dict(Organisation.objects.filter(kind=CENTRE).values_list("name", "municipality"))
    assert hosts == {
        "Oslo krisesenter": "0301",
        "Narvik krisesenter": "1806",
        "Vest-Finnmark krisesenter": "5603",
        "Krisesenter Vest IKS": "1106",
        "Krise- og incestsenteret i Fredrikstad": "3107",
        "Krisesenteret i Stavanger": "1103",
    }

    personas = set(
        Membership.objects.filter(user__totpdevice__confirmed=True).values_list(
            "user__email", "role", "organisation__name"
        )
    )
    assert personas == {
        ("nasjonal" + DOMAIN, Role.NATIONAL_COORDINATOR, "N.K.S. sentralt"),
        ("gruppeleder.oslo" + DOMAIN, Role.GROUP_LEADER, "Oslo Sanitetsforening"),
        ("gruppeleder.narvik" + DOMAIN, Role.GROUP_LEADER, "Narvik Sanitetsforening"),
        ("gruppeleder.hammerfest" + DOMAIN, Role.GROUP_LEADER, "Hammerfest Sanitetsforening"),
        ("gruppeleder.vest" + DOMAIN, Role.GROUP_LEADER, "Haugesund Sanitetsforening"),
        ("gruppeleder.vest" + DOMAIN, Role.GROUP_LEADER, "Stavanger Sanitetsforening"),
        ("krisesenter.oslo" + DOMAIN, Role.CRISIS_STAFF, "Oslo krisesenter"),
        ("krisesenter.narvik" + DOMAIN, Role.CRISIS_STAFF, "Narvik krisesenter"),
        ("ressursvenn.oslo" + DOMAIN, Role.VOLUNTEER, "Oslo Sanitetsforening"),
        ("ressursvenn2.oslo" + DOMAIN, Role.VOLUNTEER, "Oslo Sanitetsforening"),
        ("ressursvenn.narvik" + DOMAIN, Role.VOLUNTEER, "Narvik Sanitetsforening"),
        ("soker.oslo" + DOMAIN, Role.VOLUNTEER, "Oslo Sanitetsforening"),
    }
    for persona in User.objects.filter(totpdevice__confirmed=True):
        device = TOTPDevice.objects.get(user=persona)
        assert device.key == seed.demo_totp_key(persona.email)
        tokens = StaticToken.objects.filter(device__user=persona)
        assert sorted(tokens.values_list("token", flat=True)) == sorted(
            seed.demo_recovery_codes(persona.email)
        )

    # Accounts without a login: volunteers of every branch (each with her `Volunteer` row), the
    # Fredrikstad group leader, the contacts of the centres without a persona, and a former
    # Stavanger group leader (her role ended; the access review's example, seed_privacy.py).
    others = User.objects.exclude(totpdevice__isnull=False)
    assert all(user.email.endswith(DOMAIN) for user in others)
    assert not any(user.has_usable_password() for user in others)
    memberships = Membership.objects.filter(user__in=others)
    assert memberships.count() == others.count()
    roles = set(memberships.values_list("role", "organisation__kind"))
    assert roles == {
        (Role.VOLUNTEER, BRANCH),
        (Role.GROUP_LEADER, BRANCH),
        (Role.CRISIS_STAFF, CENTRE),
    }
    volunteers = others.filter(memberships__role=Role.VOLUNTEER)
    assert 30 <= volunteers.count() <= 60
    assert Volunteer.objects.filter(user__in=volunteers).count() == volunteers.count()
    staff = set(memberships.exclude(role=Role.VOLUNTEER).values_list("role", "organisation__name"))
    assert staff == {
        (Role.GROUP_LEADER, "Fredrikstad Sanitetsforening"),
        (Role.CRISIS_STAFF, "Vest-Finnmark krisesenter"),
        (Role.CRISIS_STAFF, "Krisesenter Vest IKS"),
        (Role.CRISIS_STAFF, "Krise- og incestsenteret i Fredrikstad"),
        (Role.CRISIS_STAFF, "Krisesenteret i Stavanger"),
        (Role.GROUP_LEADER, "Stavanger Sanitetsforening"),
    }
    assert list(
        memberships.filter(is_active=False).values_list("user__email", "role", "organisation__name")
    ) == [(FORMER_LEADER_EMAIL, Role.GROUP_LEADER, "Stavanger Sanitetsforening")]

    audited = set(
        AuditEvent.objects.filter(action="demo.seed", actor=None).values_list(
            "object_type", "object_id"
        )
    )
    for org_id in Organisation.objects.values_list("pk", flat=True):
        assert ("organisations.organisation", str(org_id)) in audited
    for user_id in User.objects.values_list("pk", flat=True):
        assert ("accounts.user", str(user_id)) in audited


def test_if_empty_twice_creates_nothing_the_second_time() -> None:
    run("seed_demo", "--if-empty")
    counts = (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count())
    output = run("seed_demo", "--if-empty")
    assert "no demo data created" in output
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def test_seed_without_if_empty_refuses_to_duplicate() -> None:
    run("seed_demo")
    with pytest.raises(CommandError, match="already exists"):
        run("seed_demo")


def test_printed_secret_gives_the_code_demo_otp_prints_and_the_device_accepts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("seed_demo")
    email = "gruppeleder.oslo" + DOMAIN
    block = persona_block(run("demo_personas"), email)
    secret = re.search(r"TOTP secret: ([A-Z2-7 ]+)", block)
    assert secret is not None
    key = b32decode(secret.group(1).replace(" ", ""))

    now = float(int(time.time()) // 30 * 30 + 10)  # mid-step: one code for the whole test
    monkeypatch.setattr("django_otp.oath.time", lambda: now)
    monkeypatch.setattr(totp_models, "time", types.SimpleNamespace(time=lambda: now))

    expected = f"{TOTP(key).token():06d}"
    printed = run("demo_otp", email).splitlines()[0]
    assert printed == expected
    device = TOTPDevice.objects.get(user__email=email)
    assert device.verify_token(printed)


def test_demo_personas_lists_only_demo_users_and_says_how_to_seed() -> None:
    assert "manage.py seed_demo" in run("demo_personas")
    office = factories.national_office()
    factories.member(office, Role.NATIONAL_COORDINATOR, email="ekte@sanitetskvinnene.no")
    output = run("demo_personas")
    assert "ekte@" not in output
    assert "No demo personas" in output


def test_demo_personas_prints_the_instructions_and_every_persona() -> None:
    run("seed_demo")
    output = run("demo_personas")
    assert "http://127.0.0.1:8000" in output
    assert output.count("password:    Ressursvenn-demo-2026") == len(seed.PERSONAS)
    for persona in seed.PERSONAS:
        assert f"manage.py demo_otp {persona.email}" in output
    assert "Gruppeleder: Haugesund Sanitetsforening, Stavanger Sanitetsforening" in output


@pytest.mark.parametrize(
    "email",
    ["gro@example.no", "nasjonal@demo.ressursvenn.no.example.com", "nasjonal@ressursvenn.no"],
)
def test_demo_otp_refuses_non_demo_addresses(email: str) -> None:
    run("seed_demo")
    with pytest.raises(CommandError, match="only works for demo personas"):
        run("demo_otp", email)


def test_demo_otp_refuses_a_demo_address_without_authenticator() -> None:
    run("seed_demo")
    volunteer = User.objects.filter(totpdevice__isnull=True).first()
    assert volunteer is not None
    with pytest.raises(CommandError, match="No demo persona"):
        run("demo_otp", volunteer.email)


@pytest.mark.parametrize(
    "args", [("seed_demo",), ("demo_personas",), ("demo_otp", "nasjonal@demo.ressursvenn.no")]
)
def test_demo_commands_refuse_in_production(settings: Any, args: tuple[str, ...]) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run(*args)
    assert not Organisation.objects.exists()


def test_personas_log_in_with_the_demo_password_and_code(client: Client) -> None:
    run("seed_demo")
    request = RequestFactory().post("/")
    for persona in seed.PERSONAS:
        user = authenticate(request, username=persona.email, password=seed.DEMO_PASSWORD)
        assert user is not None, persona.email

    email = "gruppeleder.oslo" + DOMAIN
    response = client.post(
        reverse("accounts:login"), {"email": email, "password": seed.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    code = run("demo_otp", email).splitlines()[0]
    response = client.post(reverse("accounts:verify"), {"token": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200

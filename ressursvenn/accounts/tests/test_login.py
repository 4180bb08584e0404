"""Password step, second factor, lockout, enrolment and recovery codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts import actions
from ressursvenn.conftest import World
from ressursvenn.lib.models import AuditEvent
from ressursvenn.tests.factories import PASSWORD, UserFactory, member

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
ENROL = reverse("accounts:enrol")


def current_code(device: TOTPDevice, offset: int = 0) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
    return f"{code:06d}"


def password_step(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def test_password_step_leads_to_the_second_factor(client: Client, world: World) -> None:
    response = password_step(client, world.leader.email)
    assert (response.status_code, response["Location"]) == (302, VERIFY)
    # Without the second factor nothing with data is reachable.
    home = client.get(reverse("home"))
    assert (home.status_code, home["Location"]) == (302, VERIFY)


def test_email_is_case_insensitive(client: Client, world: World) -> None:
    response = password_step(client, world.leader.email.upper())
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("gro@example.no", PASSWORD), (None, "feil-passord-123")],
    ids=["unknown-address", "wrong-password"],
)
def test_wrong_credentials_give_one_message(
    client: Client, world: World, email: str | None, password: str
) -> None:
    response = password_step(client, email or world.leader.email, password)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Feil e-postadresse eller passord."]
    assert "_auth_user_id" not in client.session


def test_malformed_login_form_is_refused_with_messages(client: Client, db: Any) -> None:
    response = client.post(LOGIN, {"email": "ikke-en-adresse", "password": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "password"}


def test_oversized_login_form_is_refused(client: Client, world: World) -> None:
    response = password_step(client, world.leader.email, "x" * 5000)
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_inactive_user_cannot_log_in(client: Client, world: World) -> None:
    world.leader.is_active = False
    world.leader.save()
    response = password_step(client, world.leader.email)
    assert response.status_code == 200


def test_correct_code_completes_login_and_follows_next(client: Client, world: World) -> None:
    client.post(LOGIN + "?next=/konto/", {"email": world.leader.email, "password": PASSWORD})
    device = TOTPDevice.objects.get(user=world.leader)
    response = client.post(VERIFY, {"token": current_code(device)})
    assert (response.status_code, response["Location"]) == (302, "/konto/")
    assert client.get(reverse("home")).status_code == 200


def test_session_key_rotates_when_the_second_factor_is_verified(
    client: Client, world: World
) -> None:
    password_step(client, world.leader.email)
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=world.leader)
    assert client.post(VERIFY, {"token": current_code(device)}).status_code == 302
    after = client.session.session_key
    assert before
    assert after != before
    # The key seen before the second factor no longer opens a session.
    stale = Client()
    stale.cookies["sessionid"] = before
    assert stale.get(reverse("home")).status_code == 302


def test_session_key_rotates_when_enrolment_verifies_the_second_factor(
    client: Client, world: World
) -> None:
    user = member(world.branch, "group_leader", totp=False)
    password_step(client, user.email)
    client.get(ENROL)
    before = client.session.session_key
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(ENROL, {"token": current_code(device)}).status_code == 200
    assert client.session.session_key != before
    assert client.get(reverse("home")).status_code == 200


def test_next_to_another_site_is_ignored(client: Client, world: World) -> None:
    client.post(
        LOGIN + "?next=https://example.com/", {"email": world.leader.email, "password": PASSWORD}
    )
    device = TOTPDevice.objects.get(user=world.leader)
    response = client.post(VERIFY, {"token": current_code(device)})
    assert response["Location"] == reverse("home")


def test_wrong_code_is_refused(client: Client, world: World) -> None:
    password_step(client, world.leader.email)
    device = TOTPDevice.objects.get(user=world.leader)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "token": ["Koden er feil, utløpt eller allerede brukt."]
    }
    assert client.get(reverse("home")).status_code == 302


def test_non_numeric_code_is_refused(client: Client, world: World) -> None:
    password_step(client, world.leader.email)
    response = client.post(VERIFY, {"token": "abc<script>"})
    assert response.context["form"].errors == {"token": ["Koden består bare av sifre."]}


def test_replayed_code_is_refused(world: World) -> None:
    device = TOTPDevice.objects.get(user=world.leader)
    code = current_code(device)
    first, second = Client(), Client()
    password_step(first, world.leader.email)
    assert first.post(VERIFY, {"token": code}).status_code == 302
    password_step(second, world.leader.email)
    response = second.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert second.get(reverse("home")).status_code == 302


def test_recovery_code_works_once(world: World) -> None:
    codes = actions.regenerate_recovery_codes(world.leader)
    first, second = Client(), Client()
    password_step(first, world.leader.email)
    assert first.post(VERIFY, {"token": codes[0]}).status_code == 302
    password_step(second, world.leader.email)
    assert second.post(VERIFY, {"token": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=world.leader).count() == 9


def test_lockout_after_five_failures_per_username_and_ip(client: Client, world: World) -> None:
    for _ in range(5):
        password_step(client, world.leader.email, "feil-passord-123")
    response = password_step(client, world.leader.email)  # now even the right password
    assert response.status_code == 429
    assert "for mange mislykkede forsøk" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address from the same IP is not locked (not by IP alone) ...
    assert password_step(Client(), world.staff.email).status_code == 302
    # ... and the same address from another IP is not locked either.
    other_ip = Client(REMOTE_ADDR="10.0.0.9")
    assert password_step(other_ip, world.leader.email).status_code == 302


def test_lockout_ends_after_fifteen_minutes(client: Client, world: World, settings: Any) -> None:
    from axes.models import AccessAttempt

    for _ in range(5):
        password_step(client, world.leader.email, "feil-passord-123")
    assert password_step(client, world.leader.email).status_code == 429
    from datetime import timedelta

    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert password_step(client, world.leader.email).status_code == 302


def test_spoofed_forwarded_for_does_not_reset_the_counter(client: Client, world: World) -> None:
    for n in range(5):
        password_step(
            client, world.leader.email, "feil-passord-123", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}"
        )
    assert password_step(client, world.leader.email).status_code == 429


def test_user_without_device_must_enrol(client: Client, db: Any, world: World) -> None:
    user = member(world.branch, "group_leader", totp=False)
    password_step(client, user.email)
    assert client.get(VERIFY)["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    qr = client.get(reverse("accounts:enrol_qr"))
    assert (qr.status_code, qr["Content-Type"]) == (200, "image/svg+xml")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"token": current_code(device)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="user.enrol_totp", object_id=str(user.pk)).count() == 1


def test_enrolment_with_wrong_code_changes_nothing(client: Client, world: World) -> None:
    user = member(world.branch, "group_leader", totp=False)
    password_step(client, user.email)
    client.get(ENROL)
    response = client.post(ENROL, {"token": "000000"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 0
    assert client.get(reverse("home")).status_code == 302


def test_password_alone_cannot_replace_an_enrolled_device(client: Client, world: World) -> None:
    password_step(client, world.leader.email)
    assert client.get(ENROL)["Location"] == VERIFY
    assert client.post(ENROL, {"token": "123456"})["Location"] == VERIFY
    assert client.get(reverse("accounts:enrol_qr")).status_code == 404
    assert TOTPDevice.objects.filter(user=world.leader).count() == 1


def test_regenerating_recovery_codes_replaces_the_old(as_user: Any, world: World) -> None:
    old = actions.regenerate_recovery_codes(world.leader)
    client = as_user(world.leader)
    response = client.post(reverse("accounts:recovery_codes"))
    new = response.context["codes"]
    assert len(new) == 10
    assert set(old) & set(new) == set()
    stored = set(
        StaticToken.objects.filter(device__user=world.leader).values_list("token", flat=True)
    )
    assert stored == set(new)


def test_admin_requires_second_factor(client: Client, db: Any) -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.post(LOGIN, {"email": admin.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, VERIFY)
    device = TOTPDevice.objects.get(user=admin)
    client.post(VERIFY, {"token": current_code(device)})
    assert client.get("/admin/").status_code == 200


def test_argon2_is_the_password_hasher(settings: Any) -> None:
    from django.conf import settings as django_settings

    # The autouse fixture swaps in a fast hasher for tests; the real setting is Argon2 first.
    from ressursvenn import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert django_settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] == {"min_length": 12}

"""Shared fixtures: personas in two branches and two crisis centres, and login helpers."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.middleware.csrf import CSRF_SESSION_KEY, _get_new_csrf_string
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ressursvenn.accounts.models import Role, User
from ressursvenn.organisations.models import Organisation
from ressursvenn.tests import factories

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests that do not test hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    national: Organisation
    branch: Organisation
    other_branch: Organisation
    centre: Organisation
    other_centre: Organisation
    coordinator: User
    leader: User
    other_leader: User
    staff: User
    other_staff: User
    volunteer: User
    other_volunteer: User


@pytest.fixture
def mail_queue(settings: Any) -> Any:
    """E-mail as in production: queued in the transaction (`lib/mailqueue.py`), delivered to
    `mail.outbox` only when the worker runs (`call_command("run_worker", once=True)`).

    pytest-django's default sends at once to `mail.outbox`, even from a transaction that then
    rolls back: tests of "a rolled-back change sends nothing" use this fixture."""
    settings.EMAIL_BACKEND = "ressursvenn.lib.mailqueue.QueueBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MAIL_RETRY_SECONDS = 60
    settings.MAILER_EMAIL_MAX_RETRIES = 3
    return settings


@pytest.fixture
def world(db: Any) -> World:
    """Oslo branch + Oslo centre, Narvik branch + Narvik centre, one persona per role each.

    Each volunteer persona has an approved `Volunteer` row (`user.volunteer`) in her branch."""
    national = factories.national_office()
    branch = factories.branch("Oslo Sanitetsforening", "0301")
    other_branch = factories.branch("Narvik Sanitetsforening", "1806")
    centre = factories.crisis_centre("Oslo krisesenter", "0301")
    other_centre = factories.crisis_centre("Narvik krisesenter", "1806")
    factories.cooperation(branch, centre)
    factories.cooperation(other_branch, other_centre)
    result = World(
        national=national,
        branch=branch,
        other_branch=other_branch,
        centre=centre,
        other_centre=other_centre,
        coordinator=factories.member(
            national, Role.NATIONAL_COORDINATOR, full_name="Nina Nasjonal"
        ),
        leader=factories.member(branch, Role.GROUP_LEADER, full_name="Gro Leder"),
        other_leader=factories.member(other_branch, Role.GROUP_LEADER, full_name="Nora Nord"),
        staff=factories.member(centre, Role.CRISIS_STAFF, full_name="Kari Senter"),
        other_staff=factories.member(other_centre, Role.CRISIS_STAFF, full_name="Siri Senter"),
        volunteer=factories.member(branch, Role.VOLUNTEER, full_name="Vera Venn"),
        other_volunteer=factories.member(other_branch, Role.VOLUNTEER, full_name="Vilde Venn"),
    )
    factories.volunteer(branch, user=result.volunteer)
    factories.volunteer(other_branch, user=result.other_volunteer)
    return result


def login(client: Client, user: User, *, verified: bool = True) -> Client:
    """Log in as if the password and (unless verified=False) the second factor were given."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    # As the login view leaves it: the session's start and last activity are now, and it holds
    # a CSRF secret (rotated at login), so the next page writes nothing to the session.
    session["auth_started"] = session["last_activity"] = int(time.time())
    session[CSRF_SESSION_KEY] = _get_new_csrf_string()
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert device is not None, "the user has no confirmed authenticator"
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_user(client: Client) -> Any:
    def _as(user: User, *, verified: bool = True) -> Client:
        return login(client, user, verified=verified)

    return _as

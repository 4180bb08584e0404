"""Idle and absolute session limits; logout and password change end sessions."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse

from ressursvenn.accounts import actions
from ressursvenn.conftest import World, login
from ressursvenn.tests.factories import PASSWORD

HOME = reverse("home")


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_session_ends_after_thirty_idle_minutes(world: World) -> None:
    client = login(Client(), world.leader)
    assert client.get(HOME).status_code == 200
    _age_session(client, last_activity=31 * 60)
    response = client.get(HOME)
    assert response.status_code == 302
    login_page = client.get(reverse("accounts:login"))
    assert "ikke hadde vært aktiv" in login_page.content.decode()


def test_activity_keeps_the_session_alive(world: World) -> None:
    client = login(Client(), world.leader)
    client.get(HOME)
    _age_session(client, last_activity=29 * 60)
    assert client.get(HOME).status_code == 200


def _session_writes(client: Client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)


def test_the_last_activity_is_written_at_most_once_a_minute(world: World) -> None:
    client = login(Client(), world.leader)
    client.get(HOME)
    _age_session(client, last_activity=10)
    assert [_session_writes(client), _session_writes(client)] == [0, 0]
    _age_session(client, last_activity=61)
    assert [_session_writes(client), _session_writes(client)] == [1, 0]
    assert client.session["last_activity"] >= int(time.time()) - 5


def test_session_ends_after_twelve_hours_even_when_active(world: World) -> None:
    client = login(Client(), world.leader)
    client.get(HOME)
    _age_session(client, last_activity=60, auth_started=12 * 3600 + 60)
    assert client.get(HOME).status_code == 302


def test_logout_ends_every_session_of_the_user(world: World) -> None:
    laptop = login(Client(), world.leader)
    phone = login(Client(), world.leader)
    other_user = login(Client(), world.staff)
    response = laptop.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert laptop.get(HOME).status_code == 302
    assert phone.get(HOME).status_code == 302
    assert other_user.get(HOME).status_code == 200


def test_logout_is_post_only(world: World) -> None:
    client = login(Client(), world.leader)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(HOME).status_code == 200


def test_password_change_ends_other_sessions_and_keeps_this(world: World) -> None:
    here = login(Client(), world.leader)
    elsewhere = login(Client(), world.leader)
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "et-helt-nytt-langt-passord",
            "new_password2": "et-helt-nytt-langt-passord",
        },
    )
    assert response.status_code == 302
    assert here.get(HOME).status_code == 200
    assert elsewhere.get(HOME).status_code == 302


def test_short_new_password_is_refused(world: World) -> None:
    client = login(Client(), world.leader)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "kort-pass", "new_password2": "kort-pass"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    world.leader.refresh_from_db()
    assert world.leader.check_password(PASSWORD)


def test_deactivation_ends_sessions(world: World) -> None:
    target = login(Client(), world.leader)
    actions.set_user_active(world.leader, by=world.coordinator, active=False)
    assert target.get(HOME).status_code == 302


def test_profile_update_is_audited_with_masked_values(world: World, as_user: Any) -> None:
    from ressursvenn.lib.models import AuditEvent

    client = as_user(world.leader)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Gro Ny", "phone": "+47 912 34 567"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.update_profile")
    assert event.changes == {"full_name": ["•••", "•••"], "phone": ["•••", "•••"]}
    world.leader.refresh_from_db()
    assert (world.leader.full_name, world.leader.phone) == ("Gro Ny", "+47 912 34 567")


def test_profile_rejects_a_malformed_phone(world: World, as_user: Any) -> None:
    client = as_user(world.leader)
    response = client.post(reverse("accounts:profile"), {"full_name": "Gro", "phone": "ring meg"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "phone": ["Telefonnummeret kan bare ha sifre, mellomrom og +."]
    }


def test_switching_role_changes_the_start_page(world: World, as_user: Any) -> None:
    from ressursvenn.accounts.models import Membership, Role

    second = Membership.objects.create(
        user=world.leader, organisation=world.other_branch, role=Role.VOLUNTEER
    )
    client = as_user(world.leader)
    assert client.get(HOME).context["role"] == Role.GROUP_LEADER
    client.post(reverse("accounts:switch_role"), {"membership": second.pk})
    assert client.get(HOME).context["role"] == Role.VOLUNTEER


def test_switching_to_someone_elses_membership_is_refused(world: World, as_user: Any) -> None:
    from ressursvenn.accounts.models import Membership

    foreign = Membership.objects.get(user=world.other_leader)
    client = as_user(world.leader)
    client.post(reverse("accounts:switch_role"), {"membership": foreign.pk})
    assert client.session.get("membership_id") is None

"""*Min konto*: each user chooses how she hears about new tasks (every task, a daily summary,
in-app only); audited; her own choice only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ressursvenn.accounts.actions import set_task_email
from ressursvenn.accounts.models import TaskEmail, User
from ressursvenn.conftest import World
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent

URL = reverse("accounts:task_email")
PROFILE = reverse("accounts:profile")


def _choice(user: User) -> str:
    return str(User.objects.get(pk=user.pk).task_email)


def test_the_default_is_the_daily_summary_and_min_konto_shows_it(
    world: World, as_user: Any
) -> None:
    assert _choice(world.volunteer) == TaskEmail.DAILY
    page = as_user(world.volunteer).get(PROFILE).content.decode()
    assert "E-post om oppgaver" in page
    [checked] = re.findall(r'<input type="radio"[^>]*value="(\w+)"[^>]*checked', page)
    assert checked == "daily"


@pytest.mark.parametrize("principal", ["leader", "staff", "volunteer", "coordinator"])
def test_each_role_can_choose(world: World, as_user: Any, principal: str) -> None:
    user = getattr(world, principal)
    response = as_user(user).post(URL, {"task_email": TaskEmail.EVERY})
    assert (response.status_code, response.url) == (302, PROFILE)
    assert _choice(user) == TaskEmail.EVERY
    event = AuditEvent.objects.get(action=AuditAction.USER_TASK_EMAIL)
    assert (event.actor_id, event.object_id) == (user.pk, str(user.pk))


def test_a_bad_choice_is_refused_next_to_the_field(world: World, as_user: Any) -> None:
    response = as_user(world.leader).post(URL, {"task_email": "hourly"})
    assert response.status_code == 400
    assert "Velg et av alternativene." in response.content.decode()
    response = as_user(world.leader).post(URL, {})
    assert "Velg hvordan du vil få beskjed om nye oppgaver." in response.content.decode()
    assert _choice(world.leader) == TaskEmail.DAILY
    assert not AuditEvent.objects.filter(action=AuditAction.USER_TASK_EMAIL).exists()


def test_the_action_sets_only_her_own_and_audits_changes_only(world: World) -> None:
    with pytest.raises(PermissionDenied):
        set_task_email(world.volunteer, by=world.leader, value=TaskEmail.NONE)
    with pytest.raises(ValidationError):
        set_task_email(world.volunteer, by=world.volunteer, value="hourly")
    set_task_email(world.volunteer, by=world.volunteer, value=TaskEmail.DAILY)  # no change
    assert not AuditEvent.objects.filter(action=AuditAction.USER_TASK_EMAIL).exists()
    set_task_email(world.volunteer, by=world.volunteer, value=TaskEmail.NONE)
    assert _choice(world.volunteer) == TaskEmail.NONE
    [event] = AuditEvent.objects.filter(action=AuditAction.USER_TASK_EMAIL)
    assert event.changes == {"task_email": ["daily", "none"]}

"""Accounts hygiene: unused staff accounts are warned, then deactivated (accounts/hygiene.py,
the two actions, `manage.py deactivate_unused_accounts`).

Time travel: the people's last use is set in the past (at noon of a local day, so a change to
or from summer time never moves it to another day) and the command runs with `--today`.
"""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from mailer.models import Message

from ressursvenn.accounts import actions, hygiene
from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.conftest import World, login
from ressursvenn.lib import daily
from ressursvenn.lib.audit_codes import AuditAction
from ressursvenn.lib.models import AuditEvent
from ressursvenn.organisations.models import Organisation
from ressursvenn.tests import factories

HOME = reverse("home")
WARN = AuditAction.USER_DEACTIVATION_WARNING.value
DEACTIVATE = AuditAction.USER_DEACTIVATE_UNUSED.value


def _today() -> datetime.date:
    return timezone.localdate()


def _day(offset: int) -> datetime.date:
    return _today() + datetime.timedelta(days=offset)


def _used(user: User, offset: int) -> None:
    """The account was created and last logged in to at noon, `offset` days from today."""
    noon = hygiene.start_of(_day(offset)) + datetime.timedelta(hours=12)
    User.objects.filter(pk=user.pk).update(date_joined=noon, last_login=noon)


def _run(day: datetime.date, *args: str) -> str:
    out = StringIO()
    call_command(
        "deactivate_unused_accounts",
        "--today",
        day.isoformat(),
        *args,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


def _events(*codes: str) -> list[tuple[str, str]]:
    """(action, user id) of the hygiene events, oldest first."""
    rows = AuditEvent.objects.filter(action__in=codes or (WARN, DEACTIVATE)).order_by("at", "id")
    return list(rows.values_list("action", "object_id"))


def _active(*users: User) -> list[bool]:
    return [User.objects.get(pk=u.pk).is_active for u in users]


def _queued_to() -> list[list[str]]:
    return [message.to_addresses for message in Message.objects.order_by("pk")]


# --- the warning -------------------------------------------------------------------------------


def test_the_warning_is_sent_once_on_its_day_and_not_before(world: World, mail_queue: Any) -> None:
    _used(world.leader, -76)
    assert _run(_day(-1)) == "0 account(s) warned, 0 deactivated.\n"
    assert (_events(), _queued_to()) == ([], [])

    out = _run(_day(0))
    assert out == (
        f"warn user {world.leader.pk} (group_leader): deactivation on {_day(14).isoformat()}\n"
        "1 account(s) warned, 0 deactivated.\n"
    )
    assert _run(_day(0)) == "0 account(s) warned, 0 deactivated.\n"
    assert _run(_day(1)) == "0 account(s) warned, 0 deactivated.\n"
    assert (_events(), _queued_to()) == ([(WARN, str(world.leader.pk))], [[world.leader.email]])
    event = AuditEvent.objects.get(action=WARN)
    assert (event.actor, event.object_type, event.changes) == (
        None,
        "accounts.user",
        {"warned_on": _day(0).isoformat(), "deactivate_on": _day(14).isoformat()},
    )
    assert _active(world.leader) == [True]


def test_a_late_warning_still_gives_the_full_warning_days(world: World) -> None:
    _used(world.leader, -200)
    _run(_day(0))
    event = AuditEvent.objects.get(action=WARN)
    assert event.changes == {
        "warned_on": _day(0).isoformat(),
        "deactivate_on": _day(14).isoformat(),
    }


# --- the deactivation --------------------------------------------------------------------------


def test_the_deactivation_comes_on_its_day_and_not_before(world: World, mail_queue: Any) -> None:
    _used(world.leader, -90)
    _run(_day(-14))  # the warning, on time
    assert _run(_day(-1)) == "0 account(s) warned, 0 deactivated.\n"
    assert _active(world.leader) == [True]

    out = _run(_day(0))
    assert out == (
        f"deactivate user {world.leader.pk} (group_leader)\n0 account(s) warned, 1 deactivated.\n"
    )
    assert _active(world.leader) == [False]
    assert _events() == [(WARN, str(world.leader.pk)), (DEACTIVATE, str(world.leader.pk))]
    event = AuditEvent.objects.get(action=DEACTIVATE)
    assert (event.actor, event.object_type, event.changes) == (
        None,
        "accounts.user",
        {"is_active": [True, False]},
    )
    assert _run(_day(0)) == "0 account(s) warned, 0 deactivated.\n"
    assert _queued_to() == [[world.leader.email], [world.leader.email]]


def test_never_deactivated_without_a_warning_the_warning_days_before(world: World) -> None:
    _used(world.leader, -200)
    _run(_day(0))
    assert (_active(world.leader), _events()) == ([True], [(WARN, str(world.leader.pk))])
    _run(_day(13))
    assert _active(world.leader) == [True]
    _run(_day(14))
    assert _active(world.leader) == [False]


def test_the_day_a_warning_named_is_kept_when_the_settings_change(
    world: World, settings: Any
) -> None:
    _used(world.leader, -76)
    _run(_day(0))  # names day 14
    settings.ACCOUNT_UNUSED_DAYS = 80
    _run(_day(13))
    assert _active(world.leader) == [True]
    _run(_day(14))
    assert _active(world.leader) == [False]


def test_a_warning_without_its_day_counts_the_warning_days_from_its_date(world: World) -> None:
    _used(world.leader, -200)
    _run(_day(0))
    AuditEvent.objects.filter(action=WARN).update(changes={})  # e.g. rewritten by retention
    _run(_day(13))
    assert _active(world.leader) == [True]
    _run(_day(14))
    assert _active(world.leader) == [False]


# --- what resets the clock ---------------------------------------------------------------------


def test_logging_in_after_the_warning_resets_the_clock(world: World) -> None:
    _used(world.leader, -76)
    _run(_day(0))
    login(Client(), world.leader)  # a real login writes last_login
    _run(_day(14))
    _run(_day(75))
    assert (_active(world.leader), _events()) == ([True], [(WARN, str(world.leader.pk))])
    _run(_day(76))  # unused again for 76 days: a new warning (so are the other personas)
    assert [e for e in _events() if e[1] == str(world.leader.pk)] == [
        (WARN, str(world.leader.pk))
    ] * 2


def test_a_reactivation_gives_the_account_a_fresh_period(world: World) -> None:
    _used(world.leader, -200)
    _run(_day(-14))
    _run(_day(0))
    assert _active(world.leader) == [False]
    actions.set_user_active(world.leader, by=world.coordinator, active=True)
    _run(_day(0))
    _run(_day(75))
    assert _active(world.leader) == [True]
    assert _events() == [(WARN, str(world.leader.pk)), (DEACTIVATE, str(world.leader.pk))]
    _run(_day(76))
    assert AuditEvent.objects.filter(action=WARN).first().changes == {  # type: ignore[union-attr]
        "warned_on": _day(76).isoformat(),
        "deactivate_on": _day(90).isoformat(),
    }


# --- which accounts ----------------------------------------------------------------------------


def test_volunteer_only_and_roleless_accounts_are_untouched(world: World, mail_queue: Any) -> None:
    ended = factories.member(world.centre, Role.CRISIS_STAFF)
    Membership.objects.filter(user=ended).update(is_active=False)
    both = world.other_volunteer
    Membership.objects.create(user=both, organisation=world.other_centre, role=Role.CRISIS_STAFF)
    for user in (world.volunteer, ended, both):
        _used(user, -400)
    out = _run(_day(0))
    _run(_day(14))
    assert _events() == [(WARN, str(both.pk)), (DEACTIVATE, str(both.pk))]
    assert f"user {both.pk} (crisis_staff, volunteer)" in out
    assert _active(world.volunteer, ended, both) == [True, True, False]
    assert _queued_to() == [[both.email], [both.email]]


def test_superusers_and_technical_admins_are_included(world: World) -> None:
    root = User.objects.create_superuser("rot@example.no", full_name="Rot")
    admin = factories.UserFactory(is_staff=True)
    _used(root, -76)
    _used(admin, -76)
    out = _run(_day(0))
    assert out.splitlines()[:2] == [
        f"warn user {root.pk} (superuser, admin): deactivation on {_day(14).isoformat()}",
        f"warn user {admin.pk} (admin): deactivation on {_day(14).isoformat()}",
    ]


def test_inactive_accounts_are_left_alone(world: World) -> None:
    actions.set_user_active(world.leader, by=world.coordinator, active=False)
    _used(world.leader, -400)
    _run(_day(0))
    assert _events() == []


def test_the_last_national_coordinator_is_kept(world: World) -> None:
    _used(world.coordinator, -200)
    _run(_day(-14))
    out = _run(_day(0))
    assert out == (
        f"keep user {world.coordinator.pk} (national_coordinator): the last active national "
        "coordinator is never deactivated; give the role to another user, or log in\n"
        "0 account(s) warned, 0 deactivated.\n"
    )
    assert _active(world.coordinator) == [True]
    assert _events() == [(WARN, str(world.coordinator.pk))]
    with pytest.raises(ValidationError) as refused:
        actions.deactivate_unused_account(world.coordinator, today=_day(0))
    assert refused.value.code == "last_coordinator"

    factories.member(world.national, Role.NATIONAL_COORDINATOR)
    _run(_day(0))
    assert _active(world.coordinator) == [False]


def test_of_two_unused_coordinators_the_second_is_kept(world: World) -> None:
    second = factories.member(world.national, Role.NATIONAL_COORDINATOR)
    _used(world.coordinator, -200)
    _used(second, -200)
    _run(_day(-14))
    dry = _run(_day(0), "--dry-run")
    out = _run(_day(0))
    assert [line.split(":")[0] for line in dry.splitlines()[:2]] == [
        f"would deactivate user {world.coordinator.pk} (national_coordinator)",
        f"would keep user {second.pk} (national_coordinator)",
    ]
    assert [line.split(":")[0] for line in out.splitlines()[:2]] == [
        f"deactivate user {world.coordinator.pk} (national_coordinator)",
        f"keep user {second.pk} (national_coordinator)",
    ]
    assert _active(world.coordinator, second) == [False, True]


def test_a_coordinator_role_in_a_closed_office_does_not_count(world: World) -> None:
    closed = factories.OrganisationFactory(
        name="Gammelt sentralkontor", kind=Organisation.Kind.NATIONAL, is_active=False
    )
    Membership.objects.create(
        user=world.leader, organisation=closed, role=Role.NATIONAL_COORDINATOR
    )
    _used(world.coordinator, -200)
    _run(_day(-14))
    _run(_day(0))
    assert _active(world.coordinator) == [True]


# --- sessions ----------------------------------------------------------------------------------


def _session_users() -> list[str]:
    live = Session.objects.filter(expire_date__gt=timezone.now())
    return sorted(str(s.get_decoded().get(SESSION_KEY)) for s in live)


def test_a_deactivated_user_is_logged_out_at_her_next_request(world: World) -> None:
    laptop = login(Client(), world.leader)
    phone = login(Client(), world.leader)
    colleague = login(Client(), world.staff)
    assert laptop.get(HOME).status_code == 200
    _used(world.leader, -200)  # after the logins, which wrote last_login
    _run(_day(-14))
    assert laptop.get(HOME).status_code == 200  # a warning ends nothing
    _run(_day(0))
    assert _session_users() == [str(world.staff.pk)]
    for client in (laptop, phone):
        response = client.get(HOME)
        assert (response.status_code, response["Location"]) == (
            302,
            f"{reverse('accounts:login')}?next={HOME}",
        )
    assert colleague.get(HOME).status_code == 200


def test_the_deactivation_expires_unused_invitation_links(world: World) -> None:
    invited = factories.member(world.centre, Role.CRISIS_STAFF)
    token = actions.new_invitation(invited, by=world.coordinator)
    _used(invited, -200)
    _run(_day(-14))
    _run(_day(0))
    assert actions.find_invitation(token) is None
    assert invited.invitations.get().expires_at <= timezone.now()


# --- the e-mails -------------------------------------------------------------------------------


def test_the_emails_are_discreet_and_sent_through_the_queue(
    world: World, mail_queue: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://ressursvenn.example"
    _used(world.leader, -76)
    _run(_day(0))
    assert (Message.objects.count(), mail.outbox) == (1, [])
    call_command("run_worker", once=True)
    _run(_day(14))
    call_command("run_worker", once=True)
    warning, deactivated = mail.outbox
    with translation.override("nb"):
        day = date_format(_day(14), "j. F Y")
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Kontoen din i Ressursvenn", [world.leader.email]),
        ("Kontoen din i Ressursvenn", [world.leader.email]),
    ]
    assert f"Den blir deaktivert {day} hvis du ikke logger inn" in warning.body
    assert "https://ressursvenn.example/logg-inn/" in warning.body
    assert "nasjonale koordinatoren" in deactivated.body
    people = User.objects.all()
    for message in (warning, deactivated):
        for person in people:
            assert person.full_name not in message.body
            assert person.email not in message.body
            assert person.full_name not in message.subject


def test_a_failing_step_rolls_back_and_the_others_go_on(
    world: World, mail_queue: Any, monkeypatch: Any
) -> None:
    _used(world.leader, -200)
    _used(world.staff, -200)
    _run(_day(-14))
    queued = _queued_to()
    real = actions.end_stored_sessions

    def broken(user: User) -> int:
        if user.pk == world.leader.pk:
            raise RuntimeError("database went away")
        return real(user)

    monkeypatch.setattr(actions, "end_stored_sessions", broken)
    with pytest.raises(CommandError, match=f"1 account\\(s\\) failed: users {world.leader.pk}"):
        _run(_day(0))
    assert _active(world.leader, world.staff) == [True, False]
    assert _events(DEACTIVATE) == [(DEACTIVATE, str(world.staff.pk))]
    assert _queued_to() == [*queued, [world.staff.email]]

    monkeypatch.setattr(actions, "end_stored_sessions", real)
    _run(_day(0))  # the next run completes it
    assert _active(world.leader) == [False]


# --- dry run, bad input, the daily job ---------------------------------------------------------


def test_the_dry_run_lists_and_changes_nothing(world: World, mail_queue: Any) -> None:
    _used(world.leader, -200)
    _run(_day(-14))
    _used(world.staff, -80)
    before = (_events(), _queued_to(), _active(world.leader, world.staff))
    out = _run(_day(0), "--dry-run")
    assert out == (
        f"would deactivate user {world.leader.pk} (group_leader)\n"
        f"would warn user {world.staff.pk} (crisis_staff): deactivation on "
        f"{_day(14).isoformat()}\n"
        "1 account(s) would be warned, 1 would be deactivated.\n"
    )
    assert "@" not in out
    assert (_events(), _queued_to(), _active(world.leader, world.staff)) == before


def test_a_malformed_day_is_refused_in_words(world: World) -> None:
    _used(world.leader, -200)
    with pytest.raises(CommandError, match="argument --today: must be a date as YYYY-MM-DD"):
        call_command("deactivate_unused_accounts", "--today", "31.12.2026", stdout=StringIO())
    assert _events() == []


def test_the_actions_do_nothing_when_the_account_is_not_due(world: World) -> None:
    assert actions.warn_unused_account(world.leader, today=_day(0)) is False
    _used(world.leader, -76)
    assert actions.deactivate_unused_account(world.leader, today=_day(0)) is False  # not warned
    assert actions.warn_unused_account(world.leader, today=_day(0)) is True
    assert actions.warn_unused_account(world.leader, today=_day(0)) is False  # once
    assert actions.deactivate_unused_account(world.leader, today=_day(13)) is False
    assert _events() == [(WARN, str(world.leader.pk))]


def test_it_runs_as_a_daily_job(world: World) -> None:
    _used(world.leader, -76)
    daily.run_command("deactivate_unused_accounts", _day(0))
    assert _events() == [(WARN, str(world.leader.pk))]


@pytest.mark.parametrize("count", [1, 4])
def test_finding_the_due_accounts_takes_three_queries(
    world: World, count: int, django_assert_num_queries: Any
) -> None:
    users = [world.leader, world.other_leader, world.staff, world.other_staff][:count]
    for user in users:
        _used(user, -80)
    with django_assert_num_queries(3):
        due = hygiene.due_on(_day(0))
    assert [d.user.pk for d in due] == sorted(u.pk for u in users)

"""`submit_application` and the rate-limit counter, called directly."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from mailer.models import Message

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.conftest import World
from ressursvenn.lib.audit import MASK
from ressursvenn.lib.models import AuditEvent
from ressursvenn.organisations.models import Municipality
from ressursvenn.tests import factories
from ressursvenn.volunteers.actions.application import (
    application_limit_reached,
    count_application,
    submit_application,
)
from ressursvenn.volunteers.models import Volunteer


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def data(**changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "full_name": "Anne Hansen",
        "email": "anne@example.no",
        "phone": "912 34 567",
        "date_of_birth": datetime.date(today.year - 40, 1, 2),
        "municipality": Municipality.objects.get(code="0301"),
        "district": None,
        "self_declared_woman": True,
        "motivation": "Hemmelig motivasjon",
        "languages": ["nb"],
        "interests": [],
        "offers": [],
        "availability": ["evenings"],
        "modes": ["digital"],
        "max_travel_km": 10,
    }
    values.update(changes)
    return values


def applications() -> Any:
    return Volunteer.objects.filter(user__isnull=True)


def test_creates_an_applied_volunteer_with_an_audit_event_without_personal_values(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        volunteer = submit_application(data(), branch=world.branch)

    assert volunteer.status == Volunteer.Status.APPLIED
    assert volunteer.branch == world.branch
    event = AuditEvent.objects.get(action="volunteer.apply")
    assert (event.actor, event.organisation, event.object_id) == (
        None,
        world.branch,
        str(volunteer.pk),
    )
    for field in ("full_name", "email", "phone", "date_of_birth", "motivation"):
        assert event.changes[field] == [MASK, MASK], field
    assert event.changes["status"] == [None, "applied"]
    assert "Hemmelig" not in str(event.changes)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["anne@example.no", world.leader.email])


def test_only_active_group_leaders_of_the_branch_are_told(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    second = factories.member(world.branch, Role.GROUP_LEADER, full_name="Guri Leder")
    ended = factories.member(world.branch, Role.GROUP_LEADER, full_name="Gammel Leder")
    Membership.objects.filter(user=ended).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        submit_application(data(), branch=world.branch)

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(["anne@example.no", world.leader.email, second.email])


def test_nothing_is_sent_when_the_transaction_rolls_back(world: World, mail_queue: Any) -> None:
    queued: list[int] = []

    @transaction.atomic
    def submit_then_fail() -> None:
        submit_application(data(), branch=world.branch)
        queued.append(Message.objects.count())
        raise RuntimeError("a later step failed")

    with pytest.raises(RuntimeError):
        submit_then_fail()
    assert queued == [2]  # the receipt and the leader's task, queued in the transaction ...
    assert (Message.objects.count(), applications().count()) == (0, 0)  # ... and gone
    call_command("run_worker", once=True)
    assert mail.outbox == []


def test_refuses_under_the_minimum_age_and_stores_nothing(world: World) -> None:
    today = timezone.localdate()
    young = datetime.date(today.year - 24, today.month, 1)
    with pytest.raises(ValidationError, match="fylt 25 år"):
        submit_application(data(date_of_birth=young), branch=world.branch)
    assert applications().count() == 0
    assert AuditEvent.objects.filter(action="volunteer.apply").count() == 0


def test_refuses_without_the_self_declaration(world: World) -> None:
    with pytest.raises(ValidationError, match="Bekreft at du er kvinne"):
        submit_application(data(self_declared_woman=False), branch=world.branch)
    assert applications().count() == 0


@pytest.mark.parametrize("target", ["centre", "national"])
def test_refuses_an_organisation_that_is_not_a_branch(world: World, target: str) -> None:
    with pytest.raises(ValidationError, match="aktiv lokalforening"):
        submit_application(data(), branch=getattr(world, target))
    assert applications().count() == 0


def test_refuses_an_inactive_branch(world: World) -> None:
    world.branch.is_active = False
    world.branch.save()
    with pytest.raises(ValidationError):
        submit_application(data(), branch=world.branch)
    assert applications().count() == 0


def test_the_same_address_in_the_same_branch_within_a_day_is_not_stored_again(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = submit_application(data(), branch=world.branch)
    sent, events = len(mail.outbox), AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = submit_application(data(email="Anne@Example.no"), branch=world.branch)
    assert again == first
    assert applications().filter(email="anne@example.no").count() == 1
    assert (len(mail.outbox), AuditEvent.objects.count()) == (sent, events)


def test_a_repeated_address_is_stored_again_after_a_day_or_in_another_branch(
    world: World,
) -> None:
    first = submit_application(data(), branch=world.branch)
    Volunteer.objects.filter(pk=first.pk).update(
        applied_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    submit_application(data(), branch=world.branch)
    submit_application(data(), branch=world.other_branch)
    assert applications().filter(email="anne@example.no").count() == 3


def test_the_same_form_token_is_stored_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    token = "t" * 32
    with django_capture_on_commit_callbacks(execute=True):
        first = submit_application(data(), branch=world.branch, token=token)
    sent = len(mail.outbox)
    # The same page sent again, even with another address (she corrected a typo): no new row.
    with django_capture_on_commit_callbacks(execute=True):
        again = submit_application(data(email="anne2@example.no"), branch=world.branch, token=token)
    assert again == first
    assert applications().count() == 1
    assert len(mail.outbox) == sent
    assert applications().get().application_token == token


def test_the_counter_allows_the_limit_then_refuses(settings: Any) -> None:
    settings.APPLICATION_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert application_limit_reached("10.1.1.1") is False
        count_application("10.1.1.1")
    assert application_limit_reached("10.1.1.1") is True
    assert application_limit_reached("10.1.1.2") is False


def test_a_malformed_rate_falls_back_to_five_an_hour(settings: Any) -> None:
    settings.APPLICATION_RATE_LIMIT = "mange"
    for _ in range(5):
        count_application("10.1.1.1")
    assert application_limit_reached("10.1.1.1") is True

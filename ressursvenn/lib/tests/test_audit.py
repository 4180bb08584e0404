"""The audit trail and the access log: masking, append-only rows, exactly the expected writes."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest

from ressursvenn.accounts.models import Membership, Role, User
from ressursvenn.conftest import World
from ressursvenn.lib import audit
from ressursvenn.lib.audit import (
    MASK,
    PERSONAL_FIELDS,
    diff,
    record_access,
    record_change,
    record_creation,
)
from ressursvenn.lib.models import AccessEvent, AppendOnlyError, AuditEvent

SECRETS = ("kari@example.no", "Kari Nordmann", "+47 91234567", "pbkdf2$hash", "tok-123")


def test_diff_masks_personal_and_secret_fields_and_never_holds_the_values() -> None:
    before = {
        "email": "gammel@example.no",
        "full_name": "Gammelt Navn",
        "phone": "+47 90000000",
        "password": "old-hash",
        "is_active": True,
    }
    after = {
        "email": SECRETS[0],
        "full_name": SECRETS[1],
        "phone": SECRETS[2],
        "password": SECRETS[3],
        "is_active": False,
    }
    changes = diff(User, before, after)
    assert changes == {
        "email": [MASK, MASK],
        "full_name": [MASK, MASK],
        "phone": [MASK, MASK],
        "password": [MASK, MASK],
        "is_active": [True, False],
    }
    dumped = json.dumps(changes, ensure_ascii=False)
    for value in (*before.values(), *after.values()):
        if isinstance(value, str):
            assert value not in dumped


def test_diff_skips_unchanged_fields() -> None:
    assert (
        diff(User, {"full_name": "A", "is_active": True}, {"full_name": "A", "is_active": True})
        == {}
    )


def test_encrypted_fields_are_masked_even_when_not_declared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(User, "AUDIT_MASKED_FIELDS", ())
    monkeypatch.setitem(PERSONAL_FIELDS, "accounts.user", frozenset())
    changes = diff(User, {"phone": "+47 1", "full_name": "A"}, {"phone": "+47 2", "full_name": "B"})
    assert changes == {"phone": [MASK, MASK], "full_name": ["A", "B"]}


def test_always_masked_names_and_foreign_key_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Membership, "AUDIT_MASKED_FIELDS", ("user",), raising=False)
    changes = diff(
        Membership,
        {"user_id": 1, "token_hash": "a", "key": "b", "role": "volunteer"},
        {"user_id": 2, "token_hash": SECRETS[4], "key": "c", "role": "group_leader"},
    )
    assert changes == {
        "user_id": [MASK, MASK],
        "token_hash": [MASK, MASK],
        "key": [MASK, MASK],
        "role": ["volunteer", "group_leader"],
    }


def test_snapshot_makes_values_json_friendly(world: World) -> None:
    class Thing:
        when = datetime.datetime(2025, 1, 2, 3, 4, tzinfo=datetime.UTC)
        day = datetime.date(2025, 1, 2)
        amount = Decimal("1.50")
        organisation = world.branch

    values = audit.snapshot(Thing(), ["when", "day", "amount", "organisation"])  # type: ignore[arg-type]
    assert values == {
        "when": "2025-01-02T03:04:00+00:00",
        "day": "2025-01-02",
        "amount": "1.50",
        "organisation": world.branch.pk,
    }
    json.dumps(values)


def test_record_creation_writes_one_masked_event(world: World) -> None:
    user = User.objects.create_user(SECRETS[0], full_name=SECRETS[1], phone=SECRETS[2])
    audit_before, access_before = AuditEvent.objects.count(), AccessEvent.objects.count()

    event = record_creation(
        user,
        by=world.coordinator,
        action="user.invite",
        fields=["email", "full_name", "phone", "is_active"],
        organisation=world.national,
    )

    assert AuditEvent.objects.count() == audit_before + 1
    assert AccessEvent.objects.count() == access_before
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == world.coordinator
    assert stored.organisation == world.national
    assert stored.action == "user.invite"
    assert stored.object_type == "accounts.user"
    assert stored.object_id == str(user.pk)
    assert stored.changes == {
        "email": [MASK, MASK],
        "full_name": [MASK, MASK],
        "phone": [MASK, MASK],
        "is_active": [None, True],
    }
    dumped = json.dumps(stored.changes, ensure_ascii=False)
    assert not any(secret in dumped for secret in SECRETS)


def test_record_change_without_changes_stores_an_empty_dict(world: World) -> None:
    event = record_change(world.leader, by=None, action="user.logout")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor is None
    assert stored.changes == {}


def test_record_access_writes_exactly_one_access_event(world: World) -> None:
    audit_before, access_before = AuditEvent.objects.count(), AccessEvent.objects.count()

    event = record_access(
        world.volunteer, user=world.leader, role=Role.GROUP_LEADER, organisation=world.branch
    )

    assert AuditEvent.objects.count() == audit_before
    assert AccessEvent.objects.count() == access_before + 1
    stored = AccessEvent.objects.get(pk=event.pk)
    assert (stored.user, stored.role, stored.organisation) == (
        world.leader,
        "group_leader",
        world.branch,
    )
    assert (stored.object_type, stored.object_id) == ("accounts.user", str(world.volunteer.pk))
    assert stored.at is not None


@pytest.mark.parametrize("kind", ["audit", "access"])
def test_events_are_append_only(world: World, kind: str) -> None:
    event: Any
    if kind == "audit":
        event = record_change(world.leader, by=world.coordinator, action="user.activate")
        event.action = "user.deactivate"
    else:
        event = record_access(world.leader, user=world.coordinator, role=Role.NATIONAL_COORDINATOR)
        event.role = "volunteer"
    with pytest.raises(AppendOnlyError):
        event.save()
    reloaded = type(event).objects.get(pk=event.pk)
    assert (reloaded.action if kind == "audit" else reloaded.role) in (
        "user.activate",
        "national_coordinator",
    )

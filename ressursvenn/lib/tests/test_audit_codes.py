"""One enum of audit action codes: every code written anywhere has a Norwegian label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ressursvenn.conftest import World
from ressursvenn.lib.audit import record_change, record_creation
from ressursvenn.lib.audit_codes import AuditAction, label
from ressursvenn.lib.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
# Codes written as strings: in `action="x.y"` (any record), and with a known record prefix as
# defaults and constants.
KEYWORD = re.compile(r"\baction=[\"']([a-z_]+\.[a-z_]+)[\"']")
CODE = re.compile(
    r"[\"']((?:user|membership|organisation|cooperation|volunteer|course|guidance|referral|match"
    r"|meeting|demo)\.[a-z_]+)[\"']"
)


def _source_codes() -> set[str]:
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        codes.update(CODE.findall(text))
        codes.update(KEYWORD.findall(text))
    return codes


def _transition_codes() -> set[str]:
    from ressursvenn.volunteers.actions.screening import TRANSITIONS

    return {f"volunteer.{transition}" for transition in TRANSITIONS}


def test_every_code_in_the_source_is_in_the_enum() -> None:
    unknown = sorted(
        code for code in _source_codes() | _transition_codes() if code not in AuditAction.values
    )
    assert unknown == []


def test_every_code_has_a_norwegian_label_unlike_the_code() -> None:
    for action in AuditAction:
        assert str(action.label)
        assert str(action.label) != action.value
    assert label("membership.add") == "Rolle gitt"
    assert label("referral.create") == "Henvisning opprettet"
    assert label("old.code") == "old.code"  # a stored row with a retired code still shows


def test_record_change_refuses_an_unknown_code(world: World) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match=r"lib\.audit_codes"):
        record_change(world.leader, by=world.coordinator, action="user.teleport")
    with pytest.raises(ValueError, match="Unknown audit action"):
        record_creation(world.leader, by=None, action="", fields=["is_active"])
    assert AuditEvent.objects.count() == before


def test_record_change_stores_the_plain_value_of_the_enum(world: World) -> None:
    event = record_change(world.leader, by=world.coordinator, action=AuditAction.USER_ACTIVATE)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "user.activate"
    assert AuditEvent.objects.filter(action="user.activate", pk=event.pk).count() == 1

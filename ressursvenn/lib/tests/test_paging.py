"""Keyset paging: every row exactly once walking older and back newer, ties on `at` by id,
and a tampered cursor is the newest page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import RequestFactory

from ressursvenn.lib.models import AuditEvent
from ressursvenn.lib.paging import decode, encode, keyset_page
from ressursvenn.tests import factories

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def log() -> list[int]:
    """Seven events, newest first by (at, id); three share one moment (a tie)."""
    actor = factories.UserFactory(totp=False)
    for _ in range(7):
        AuditEvent.objects.create(
            actor=actor, action="user.activate", object_type="x", object_id="1"
        )
    pks = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    moments = [MOMENT + datetime.timedelta(minutes=m) for m in (0, 1, 2, 2, 2, 3, 4)]
    for pk, at in zip(pks, moments, strict=True):
        AuditEvent.objects.filter(pk=pk).update(at=at)
    return list(AuditEvent.objects.order_by("-at", "-id").values_list("pk", flat=True))


def page(**params: str) -> Any:
    return keyset_page(RequestFactory().get("/", params), AuditEvent.objects.all(), size=3)


def pks(result: Any) -> list[int]:
    return [row.pk for row in result]


def test_walking_older_then_newer_sees_every_row_once(log: list[int]) -> None:
    first = page()
    second = page(eldre=first.older)
    third = page(eldre=second.older)
    assert (pks(first), pks(second), pks(third)) == (log[:3], log[3:6], log[6:])
    assert (first.newer, third.older) == (None, None)
    back = page(nyere=third.newer)
    assert pks(back) == log[3:6]
    assert pks(page(nyere=back.newer)) == log[:3]
    assert page(nyere=back.newer).newer is None


@pytest.mark.parametrize("cursor", ["x", "1.", ".1", "1.-5", "9" * 30 + ".1", ""])
def test_a_tampered_cursor_is_the_newest_page(log: list[int], cursor: str) -> None:
    assert pks(page(eldre=cursor)) == log[:3]
    assert pks(page(nyere=cursor)) == log[:3]


def test_the_cursor_round_trips(log: list[int]) -> None:
    row = AuditEvent.objects.get(pk=log[2])
    assert decode(encode(row)) == (row.at, row.pk)

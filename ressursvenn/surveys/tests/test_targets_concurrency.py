"""Two national coordinators set the same target of a period at the same moment: one target is
stored, the other gets the duplicate message (never a 500).

Runs on PostgreSQL only (CI's second pass): SQLite serialises every writer on the whole
database, so it cannot show row locks at work."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from ressursvenn.accounts.models import Role
from ressursvenn.surveys.actions.targets import create_target
from ressursvenn.surveys.models import ReportingPeriod, Target
from ressursvenn.tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) need PostgreSQL; SQLite locks the whole database",
    ),
]


@pytest.fixture(autouse=True)
def _texts(transactional_db: None) -> None:
    factories.ensure_reference_data()


def _race(calls: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as error:  # collected for the assertions
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("organisation", ["national", "branch"])
def test_two_coordinators_set_the_same_target_once(world: Any, organisation: str) -> None:
    second = factories.member(world.national, Role.NATIONAL_COORDINATOR, full_name="Nora To")
    period = ReportingPeriod.objects.create(
        name="2027",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        created_by=world.coordinator,
    )
    branch = world.branch if organisation == "branch" else None
    results = _race(
        [
            lambda: create_target(
                period, by=world.coordinator, metric="women_matched", value=50, organisation=branch
            ),
            lambda: create_target(
                period, by=second, metric="women_matched", value=60, organisation=branch
            ),
        ]
    )
    won = [r for r in results if isinstance(r, Target)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "Perioden har allerede et mål" in " ".join(lost[0].messages)
    assert Target.objects.filter(period=period).count() == 1

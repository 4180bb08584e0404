"""Two group leaders propose the same volunteer (capacity 1) for two women at the same moment.

Runs on PostgreSQL only (CI's second pass): SQLite serialises every writer on the whole
database, so it cannot show row locks at work.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from ressursvenn.accounts.models import Membership, Role
from ressursvenn.matching.actions.proposals import propose_match
from ressursvenn.matching.models import Match
from ressursvenn.participants.models import Referral
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
    """A flush after an earlier transactional test empties the texts the migrations loaded."""
    factories.ensure_reference_data()


def _race(calls: list[Any]) -> list[Any]:
    """Run the calls in threads released together; each result is the return or the error."""
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


@pytest.mark.parametrize("attempt", range(3))
def test_two_leaders_one_volunteer_never_over_capacity(world: Any, attempt: int) -> None:
    second_leader = factories.member(world.branch, Role.GROUP_LEADER, full_name="Tone To")
    assert Membership.objects.filter(user=second_leader).exists()
    volunteer = world.volunteer.volunteer
    assert volunteer.capacity == 1
    anna = factories.referral(world.centre, world.branch, first_name="Anna")
    bodil = factories.referral(world.centre, world.branch, first_name="Bodil")

    results = _race(
        [
            lambda: propose_match(anna, volunteer, by=world.leader),
            lambda: propose_match(bodil, volunteer, by=second_leader),
        ]
    )

    won = [r for r in results if isinstance(r, Match)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "Har ikke plass til flere" in " ".join(lost[0].messages)
    assert Match.objects.open().filter(volunteer=volunteer).count() == 1
    statuses = sorted(
        Referral.objects.values_list("status", flat=True).filter(pk__in=[anna.pk, bodil.pk])
    )
    assert statuses == ["accepted", "proposed"]


def test_two_leaders_one_woman_one_proposal(world: Any) -> None:
    second_leader = factories.member(world.branch, Role.GROUP_LEADER, full_name="Tone To")
    other = factories.volunteer(world.branch, full_name="Oda Annen")
    anna = factories.referral(world.centre, world.branch, first_name="Anna")

    results = _race(
        [
            lambda: propose_match(anna, world.volunteer.volunteer, by=world.leader),
            lambda: propose_match(anna, other, by=second_leader),
        ]
    )

    assert sorted(type(r).__name__ for r in results) == ["Match", "ValidationError"], results
    assert Match.objects.filter(referral=anna).count() == 1

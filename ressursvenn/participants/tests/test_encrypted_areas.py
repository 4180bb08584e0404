"""Areas to avoid and declared conflict areas are encrypted at rest (issue 8, item 3), and the
matching adapter, which reads them in Python, still applies both hard rules."""

from __future__ import annotations

from typing import Any

from django.db import connection

from ressursvenn.conftest import World
from ressursvenn.lib.crypto import PREFIX
from ressursvenn.matching import adapter, engine
from ressursvenn.organisations.models import Municipality
from ressursvenn.participants.models import Referral
from ressursvenn.tests import factories


def _raw(sql: str, pk: int) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()[0]


def test_raw_columns_hold_no_area_code(world: World) -> None:
    referral = factories.referral(world.centre, world.branch, excluded_areas=["030101", "3201"])
    volunteer = factories.volunteer(world.branch, conflict_areas=["1806"])
    excluded = _raw("SELECT excluded_areas FROM participants_referral WHERE id = %s", referral.pk)
    conflicts = _raw("SELECT conflict_areas FROM volunteers_volunteer WHERE id = %s", volunteer.pk)
    assert (excluded[: len(PREFIX)], conflicts[: len(PREFIX)]) == (PREFIX, PREFIX)
    assert [code for code in ("030101", "3201", "0301") if code in excluded] == []
    assert "1806" not in conflicts


def _ranking(referral: Referral) -> engine.Ranking:
    row = adapter.referrals_for_matching(Referral.objects.filter(pk=referral.pk)).get()
    profiles = adapter.volunteer_profiles([row.branch_id])
    return engine.rank(adapter.participant_profile(row), profiles)


def test_adapter_applies_the_encrypted_areas(world: World) -> None:
    oslo = world.branch.municipality
    baerum = Municipality.objects.get(code="3201")
    in_excluded_area = factories.volunteer(world.branch, municipality=baerum, full_name="Ada A")
    with_conflict = factories.volunteer(world.branch, conflict_areas=["0301"], full_name="Bea B")
    conflict_elsewhere = factories.volunteer(
        world.branch, conflict_areas=["1806"], full_name="Cia C"
    )
    referral = factories.referral(
        world.centre, world.branch, municipality=oslo, excluded_areas=["3201"]
    )
    ranking = _ranking(referral)
    assert ranking.excluded[engine.EXCLUDED_AREA] == 1
    assert ranking.excluded[engine.CONFLICT_AREA] == 1
    candidates = {s.volunteer_id for s in ranking.suggestions}
    assert candidates & {in_excluded_area.pk, with_conflict.pk, conflict_elsewhere.pk} == {
        conflict_elsewhere.pk
    }

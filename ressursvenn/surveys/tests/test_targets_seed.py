"""The demo periods and targets (demo/seed_targets.py): the Dam grant and this calendar year,
national and branch targets, audited; a second run adds nothing; the bulk version gives
every branch its targets."""

from __future__ import annotations

import datetime
import random

import pytest

from ressursvenn.conftest import World
from ressursvenn.demo.seed_targets import seed_scale_targets, seed_targets
from ressursvenn.lib.models import AuditEvent
from ressursvenn.surveys.models import ReportingPeriod, Target

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)


def test_seed_targets_makes_the_dam_grant_and_this_year(world: World) -> None:
    counts = seed_targets(TODAY, random.Random(1))
    assert sorted(ReportingPeriod.objects.values_list("name", flat=True)) == [
        "2026",
        "Stiftelsen Dam 2027",
    ]
    dam = ReportingPeriod.objects.get(name="Stiftelsen Dam 2027")
    assert (dam.starts_on, dam.ends_on, dam.funder) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 12, 31),
        "Stiftelsen Dam",
    )
    assert Target.objects.get(period=dam, metric="women_matched", organisation=None).value == 50
    branch_targets = Target.objects.filter(organisation__isnull=False)
    assert sorted(set(branch_targets.values_list("organisation__name", flat=True))) == [
        "Narvik Sanitetsforening",
        "Oslo Sanitetsforening",
    ]
    assert counts == {"periods": 2, "targets": Target.objects.count()}
    assert AuditEvent.objects.filter(action="demo.seed").count() == 2 + Target.objects.count()
    assert seed_targets(TODAY, random.Random(1)) == {"periods": 0, "targets": 0}


def test_seed_scale_targets_gives_every_branch_targets(world: World) -> None:
    counts = seed_scale_targets(TODAY, random.Random(1))
    assert counts["periods"] == 2
    assert Target.objects.filter(organisation=world.other_branch).count() == 4
    assert counts["targets"] == Target.objects.count()

"""The seeds write checklist rows in bulk, past the actions: the stored screening verdict
(`Volunteer.screening_valid_until`, read by the matching adapter) must still be right."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ressursvenn.demo import seed
from ressursvenn.volunteers import screening
from ressursvenn.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _stored_and_computed() -> tuple[dict[int, object], dict[int, object]]:
    rows = list(screening.with_checklist(Volunteer.objects.all()))
    return (
        {v.pk: v.screening_valid_until for v in rows},
        {v.pk: screening.valid_until(v) for v in rows},
    )


def test_seed_demo_stores_the_screening_verdict() -> None:
    seed.seed_demo()
    stored, computed = _stored_and_computed()
    assert stored == computed
    approved = Volunteer.objects.filter(status=Volunteer.Status.APPROVED)
    assert approved.filter(screening.cleared_q()).count() == approved.count() > 0


def test_seed_scale_stores_the_screening_verdict() -> None:
    call_command("seed_scale", scale=0.001, stress=True, stdout=io.StringIO())
    stored, computed = _stored_and_computed()
    assert stored == computed
    approved = Volunteer.objects.filter(status=Volunteer.Status.APPROVED)
    assert approved.filter(screening.cleared_q()).count() == approved.count() > 0

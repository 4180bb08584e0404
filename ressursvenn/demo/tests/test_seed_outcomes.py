"""Demo questionnaires and outcomes (demo/seed_outcomes.py) on top of seed_demo."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from ressursvenn.demo import seed
from ressursvenn.demo.seed_outcomes import scale_outcomes, seed_outcomes
from ressursvenn.surveys import scales
from ressursvenn.surveys.models import Answer, Outcome, Response, SurveyLink

pytestmark = pytest.mark.django_db


def _mean(values: list[int]) -> float:
    return sum(values) / len(values)


def test_seed_outcomes_gives_the_demo_realistic_answers() -> None:
    counts = seed.seed_demo().outcomes  # seed_demo ends with seed_outcomes
    participant = Response.objects.filter(respondent="participant")
    assert counts["participant_responses"] == participant.count() > 5
    assert counts["volunteer_responses"] == Response.objects.filter(respondent="volunteer").count()
    assert counts["outcomes"] == Outcome.objects.count() > 0
    assert counts["open_links"] == 1
    assert counts["answers"] == Answer.objects.count()
    assert participant.filter(on_behalf=True).count() == 1
    assert participant.filter(submitted_at__isnull=True).count() == 0
    assert set(participant.values_list("time_point", flat=True)) >= {"start", "six_months"}
    assert Answer.objects.filter(value__isnull=True).exists()  # a few skipped items
    usable = [link for link in SurveyLink.objects.all() if link.usable()]
    assert len(usable) == 1
    assert usable[0].opened_at is None
    # Every answer is allowed by its instrument.
    for answer in Answer.objects.all():
        item = scales.INSTRUMENTS[(answer.instrument, answer.version)].item(answer.item)
        assert scales.check_answer(item, answer.value) == answer.value
    # Less lonely after six months than at the start, on average.
    start = [
        a.value
        for a in Answer.objects.filter(response__time_point="start", instrument="ucla3")
        if a.value
    ]
    later = [
        a.value
        for a in Answer.objects.filter(response__time_point="six_months", instrument="ucla3")
        if a.value
    ]
    assert _mean(later) < _mean(start)


def test_deterministic_and_the_scale_variant() -> None:
    seed.seed_demo()
    today = timezone.localdate()
    SurveyLink.objects.all().delete()
    Response.objects.all().delete()
    Outcome.objects.all().delete()
    first = seed_outcomes(today, random.Random(3))
    hashes = sorted(SurveyLink.objects.values_list("token_hash", flat=True))
    SurveyLink.objects.all().delete()
    Response.objects.all().delete()
    Outcome.objects.all().delete()
    assert seed_outcomes(today, random.Random(3)) == first
    assert sorted(SurveyLink.objects.values_list("token_hash", flat=True)) == hashes
    Response.objects.all().delete()
    Outcome.objects.all().delete()
    SurveyLink.objects.all().delete()
    counts = scale_outcomes(today, random.Random(3))
    assert (
        counts["participant_responses"] == Response.objects.count() - counts["volunteer_responses"]
    )

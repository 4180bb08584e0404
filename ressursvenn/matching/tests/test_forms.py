"""Every short text and note in the matching forms refuses invisible and direction characters
(issue 8, item 4) and is normalised to NFC."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.lib.text import MESSAGE
from ressursvenn.matching.forms.meetings import CancelForm, MeetingForm, OutcomeForm
from ressursvenn.matching.forms.proposals import AnswerForm
from ressursvenn.matching.models import Match
from ressursvenn.matching.tests.access_meetings import build_match

pytestmark = pytest.mark.django_db

RLO = "Kafé\u202eteksten"
ZERO_WIDTH = "Ka\u200bfé"


def _meeting_data(place: str) -> dict[str, Any]:
    day = timezone.localdate() + datetime.timedelta(days=3)
    return {
        "date": day.isoformat(),
        "time": "10:00",
        "duration_minutes": "60",
        "mode": "public_place",
        "place": place,
        "sequence": "-1",
    }


@pytest.mark.parametrize("text", [RLO, ZERO_WIDTH])
def test_the_meeting_place_refuses_invisible_characters(text: str) -> None:
    form = MeetingForm(_meeting_data(text))
    assert not form.is_valid()
    assert form.errors["place"] == [str(MESSAGE)]


def test_the_meeting_place_is_normalised_to_nfc() -> None:
    form = MeetingForm(_meeting_data("Kafe\u0301en på biblioteket"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == "Kaféen på biblioteket"


@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (AnswerForm, {"answer": "no", "reason": RLO}, "reason"),
        (OutcomeForm, {"outcome": "stop", "reason": ZERO_WIDTH}, "reason"),
        (CancelForm, {"reason": RLO}, "reason"),
    ],
)
def test_notes_refuse_invisible_characters_and_keep_line_breaks(
    form_class: Any, data: dict[str, str], field: str
) -> None:
    form = form_class(data)
    assert not form.is_valid()
    assert form.errors[field] == [str(MESSAGE)]
    clean = form_class({**data, field: "Første linje.\nAndre linje."})
    assert clean.is_valid(), clean.errors
    assert clean.cleaned_data[field] == "Første linje.\nAndre linje."


def test_a_cancel_with_a_spoofed_reason_changes_nothing(world: World, as_user: Any) -> None:
    match = build_match(world)
    response = as_user(world.leader).post(
        reverse("matching:match_cancel", args=[match.pk]), {"cancel-reason": RLO}
    )
    assert response.status_code == 200
    assert str(MESSAGE) in response.content.decode()
    assert Match.objects.get(pk=match.pk).status == "proposed"

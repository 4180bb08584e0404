"""The audit trail masks every value the data inventory calls personal or secret (the privacy
app fills lib.audit's PERSONAL_FIELDS hook from the inventory at start)."""

from __future__ import annotations

from django.apps import apps

from ressursvenn.lib.audit import MASK, PERSONAL_FIELDS, diff, masked_fields
from ressursvenn.participants.models import Referral
from ressursvenn.privacy.inventory import INVENTORY, Level
from ressursvenn.volunteers.models import Volunteer


def test_every_personal_and_secret_field_is_masked_in_the_trail() -> None:
    unmasked = {}
    for label, entry in INVENTORY.items():
        model = apps.get_model(label)
        if not model.__module__.startswith("ressursvenn."):
            continue  # third-party rows are never written to the trail by an action
        missing = set(entry.fields_at(Level.PERSONAL, Level.SECRET)) - masked_fields(model)
        if missing:
            unmasked[label] = sorted(missing)
    assert unmasked == {}


def test_the_hook_holds_exactly_the_inventory() -> None:
    assert {
        label: frozenset(entry.fields_at(Level.PERSONAL, Level.SECRET))
        for label, entry in INVENTORY.items()
    } == PERSONAL_FIELDS


def test_a_woman_s_area_and_a_volunteer_s_languages_show_only_that_they_changed() -> None:
    assert diff(
        Referral,
        {"birth_year": 1990, "district": "030101", "status": "draft"},
        {"birth_year": 1991, "district": "030102", "status": "submitted"},
    ) == {
        "birth_year": [MASK, MASK],
        "district": [MASK, MASK],
        "status": ["draft", "submitted"],
    }
    assert diff(
        Volunteer,
        {"languages": ["no"], "municipality_id": "0301", "capacity": 1},
        {"languages": ["no", "pl"], "municipality_id": "1806", "capacity": 2},
    ) == {
        "languages": [MASK, MASK],
        "municipality_id": [MASK, MASK],
        "capacity": [1, 2],
    }

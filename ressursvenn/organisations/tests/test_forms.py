"""Validation of the organisation and cooperation forms, messages in bokmål."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ressursvenn.conftest import World
from ressursvenn.organisations.forms import (
    CooperationForm,
    OrganisationFilterForm,
    OrganisationForm,
)
from ressursvenn.organisations.models import Organisation


def test_filter_form_accepts_nothing_and_every_kind() -> None:
    assert OrganisationFilterForm({}).is_valid()
    for kind in Organisation.Kind.values:
        assert OrganisationFilterForm({"type": kind, "q": "Oslo"}).is_valid()
    assert not OrganisationFilterForm({"type": "forening"}).is_valid()


def test_create_form_has_kind_and_no_active_flag(db: None) -> None:
    form = OrganisationForm()
    assert list(form.fields) == [
        "kind",
        "name",
        "municipality",
        "municipalities",
        "districts",
        "email",
        "phone",
    ]


def test_edit_form_has_active_flag_and_no_kind(world: World) -> None:
    form = OrganisationForm(instance=world.branch)
    assert list(form.fields) == [
        "name",
        "municipality",
        "municipalities",
        "districts",
        "email",
        "phone",
        "is_active",
    ]


def test_municipality_labels_are_unique(db: None) -> None:
    form = OrganisationForm()
    labels = [str(label) for _, label in form.fields["municipality"].choices][1:]
    assert len(labels) == len(set(labels)) == 357
    assert [label for label in labels if label.startswith("Herøy")] == [
        "Herøy (Møre og Romsdal)",
        "Herøy (Nordland)",
    ]


def test_oslo_branch_may_cover_districts_only(world: World) -> None:
    form = OrganisationForm(
        {
            "kind": "branch",
            "name": "Bydelsforening",
            "municipality": "0301",
            "districts": ["030101"],
        }
    )
    assert form.is_valid(), form.errors


def test_national_office_covers_no_areas(db: None) -> None:
    form = OrganisationForm({"kind": "national", "name": "Sentralt", "municipalities": ["0301"]})
    assert form.errors == {
        "municipalities": ["N.K.S. sentralt dekker hele landet. Fjern kommunene og bydelene."]
    }


def test_field_errors_are_not_repeated_by_the_rules(db: None) -> None:
    form = OrganisationForm({"kind": "branch", "name": ""})
    assert form.errors == {
        "name": ["Skriv inn navnet."],
        "municipalities": ["En lokalforening må dekke minst én kommune eller bydel."],
    }


@pytest.mark.parametrize(
    ("days", "valid"),
    [(-3650, True), (0, True), (365, True), (400, False)],
)
def test_cooperation_start_at_most_a_year_ahead(world: World, days: int, valid: bool) -> None:
    started_on = timezone.localdate() + datetime.timedelta(days=days)
    form = CooperationForm(
        {"partner": world.other_centre.pk, "started_on": started_on.isoformat()},
        organisation=world.branch,
    )
    assert form.is_valid() is valid
    if not valid:
        assert form.errors == {
            "started_on": ["Startdatoen kan ikke være mer enn ett år fram i tid."]
        }


def test_cooperation_form_names_the_parties(world: World) -> None:
    form = CooperationForm(
        {"partner": world.branch.pk, "started_on": "2025-05-01"}, organisation=world.other_centre
    )
    assert form.is_valid(), form.errors
    assert form.parties() == (world.branch, world.other_centre)
    assert str(form.fields["partner"].label) == "Lokalforening"
    assert form.fields["partner"].choices  # type: ignore[attr-defined]


def test_cooperation_form_accepts_norwegian_dates(world: World) -> None:
    form = CooperationForm(
        {"partner": world.other_centre.pk, "started_on": "15.03.2025"}, organisation=world.branch
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["started_on"] == datetime.date(2025, 3, 15)

"""The reference geography is loaded into every fresh database by a data migration."""

from __future__ import annotations

import pytest

from ressursvenn.organisations import reference
from ressursvenn.organisations.models import County, District, Municipality

pytestmark = pytest.mark.django_db


def test_fresh_database_has_all_counties_municipalities_and_oslo_districts() -> None:
    assert County.objects.count() == 15
    assert Municipality.objects.count() == 357
    assert District.objects.count() == 15


def test_every_oslo_district_belongs_to_oslo() -> None:
    assert set(District.objects.values_list("municipality_id", flat=True)) == {reference.OSLO}


def test_oslo_has_coordinates_and_population_from_the_csv() -> None:
    row = next(row for row in reference.rows("municipalities.csv") if row["code"] == "0301")
    oslo = Municipality.objects.get(code="0301")
    assert (oslo.name, oslo.county_id) == ("Oslo", "03")
    assert (oslo.lat, oslo.lon, oslo.population) == (
        float(row["lat"]),
        float(row["lon"]),
        int(row["population"]),
    )
    assert (oslo.lat, oslo.lon, oslo.population) == (59.91273, 10.74609, 717710)


def test_database_matches_every_csv_row() -> None:
    expected = {
        row["code"]: (row["name"], row["county_code"])
        for row in reference.rows("municipalities.csv")
    }
    assert {
        code: (name, county)
        for code, name, county in Municipality.objects.values_list("code", "name", "county_id")
    } == expected

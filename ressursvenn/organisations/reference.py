"""Load the reference geography shipped in organisations/data/ (see data/SOURCES.md)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
OSLO = "0301"
CREDIT = "Kilde: Statistisk sentralbyrå, Kartverket, GeoNames"
LICENCE = "CC BY 4.0"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(apps: Any) -> None:
    """Create or update counties, municipalities and Oslo districts (idempotent)."""
    county_model = apps.get_model("organisations", "County")
    municipality_model = apps.get_model("organisations", "Municipality")
    district_model = apps.get_model("organisations", "District")
    for row in rows("counties.csv"):
        county_model.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in rows("municipalities.csv"):
        municipality_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "county_id": row["county_code"],
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "population": int(row["population"]),
            },
        )
    for row in rows("oslo_districts.csv"):
        district_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "municipality_id": OSLO}
        )

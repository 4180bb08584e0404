"""Which local branch handles an application from a municipality (or an Oslo district).

The active branch covering the district (Oslo) or the municipality handles it. When no active
branch covers the place, the nearest active branch does: the shortest distance between the
applicant's municipality centre and the centre of any municipality the branch covers or is
hosted in (a district counts as its municipality). The distance is a plain haversine here:
volunteers may not import the matching engine (layering).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ressursvenn.organisations.models import District, Municipality, Organisation

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class BranchChoice:
    branch: Organisation
    covering: bool  # False: no branch covers the place, this is the nearest one
    distance_km: float = 0.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def covering_branch(
    municipality: Municipality, district: District | None = None
) -> Organisation | None:
    """The active branch covering the district (when given) or else the municipality."""
    branches = Organisation.objects.active().branches().order_by("name", "pk")
    if district is not None:
        found = branches.filter(districts=district).first()
        if found is not None:
            return found
    return branches.filter(municipalities=municipality).first()


def nearest_branch(municipality: Municipality) -> BranchChoice | None:
    """The active branch whose area (or host municipality) is closest; None without branches."""
    branches = Organisation.objects.active().branches()
    points: list[tuple[int, float, float]] = []
    covered = Organisation.municipalities.through.objects.filter(
        organisation__in=branches
    ).values_list("organisation_id", "municipality__lat", "municipality__lon")
    points.extend(covered)
    in_districts = Organisation.districts.through.objects.filter(
        organisation__in=branches
    ).values_list("organisation_id", "district__municipality__lat", "district__municipality__lon")
    points.extend(in_districts)
    hosts = branches.filter(municipality__isnull=False).values_list(
        "pk", "municipality__lat", "municipality__lon"
    )
    points.extend(hosts)
    if not points:
        return None
    best: dict[int, float] = {}
    for organisation_id, lat, lon in points:
        distance = haversine_km(municipality.lat, municipality.lon, lat, lon)
        if distance < best.get(organisation_id, math.inf):
            best[organisation_id] = distance
    organisation_id, distance = min(best.items(), key=lambda item: (item[1], item[0]))
    return BranchChoice(Organisation.objects.get(pk=organisation_id), False, distance)


def find_branch(
    municipality: Municipality, district: District | None = None
) -> BranchChoice | None:
    """The branch that handles an application from this place, or None if there is no branch."""
    found = covering_branch(municipality, district)
    if found is not None:
        return BranchChoice(found, True)
    return nearest_branch(municipality)

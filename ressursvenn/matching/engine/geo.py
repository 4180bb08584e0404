"""Great-circle distance between two points (haversine)."""

from __future__ import annotations

import math

from .profiles import Location

EARTH_RADIUS_KM = 6371.0088
"""Mean earth radius (IUGG)."""

DIAMETER_KM = 2.0 * EARTH_RADIUS_KM

DEG = math.pi / 180.0
"""Degrees to radians; the vectorised code in ``assign`` multiplies by the same constant."""

TOLERANCE_KM = 1e-9
"""A distance counts as within reach if it is at most ``max_travel_km + TOLERANCE_KM``."""


def haversine_km(a: Location, b: Location) -> float:
    """Distance in kilometres along the earth's surface between two (lat, lon) points."""
    lat1, lon1 = a[0] * DEG, a[1] * DEG
    lat2, lon2 = b[0] * DEG, b[1] * DEG
    return _haversine(lat1, lon1, math.cos(lat1), lat2, lon2)


def _haversine(lat1: float, lon1: float, cos_lat1: float, lat2: float, lon2: float) -> float:
    """Haversine on radians, with the first point's cosine precomputed (used in loops)."""
    # Written operation by operation as in assign's numpy version, so both round alike.
    s_lat = math.sin((lat2 - lat1) * 0.5)
    s_lon = math.sin((lon2 - lon1) * 0.5)
    h = s_lat * s_lat + cos_lat1 * math.cos(lat2) * (s_lon * s_lon)
    return DIAMETER_KM * math.asin(math.sqrt(min(1.0, h)))

"""Where an office may stand: inside Iran, inside its county; distances; points for unknown villages.

County boundaries (OpenStreetMap, in geo) become prepared shapely geometries once per process: a
point-in-polygon test is then a few microseconds, which is what lets 13,000 offices be validated in
the same second they are written. Boundaries are reference data that only the geo loader writes.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import shapely
from shapely import Point
from shapely.geometry import shape
from shapely.ops import nearest_points

from pishkhan.geo.maps import IRAN
from pishkhan.geo.models import County, Province

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32

# Iran's mainland and islands with a small margin (the frame the maps draw): a cheap first test.
IRAN_SOUTH, IRAN_NORTH, IRAN_WEST, IRAN_EAST = IRAN.south, IRAN.north, IRAN.west, IRAN.east

# How far outside its county's outline an office may be recorded. The shipped GeoNames points of a few
# coastal and island towns fall outside the OpenStreetMap outlines (Hormoz city by 7.75 km, Seyyed
# Abad 3.7 km, Bandar-e Emam Khomeyni 3.1 km; every other located place is inside), and an office
# at such a town must be registrable.
COUNTY_TOLERANCE_KM = 10.0
# A county without an outline (OSM lacks five) is checked against its province's; an estimated point
# for it is drawn this close to the county seat.
SEAT_RADIUS_KM = 15.0
_SAMPLE_ATTEMPTS = 500


@dataclass(frozen=True)
class _Area:
    """A county's outline (or its province's, when the county has none), prepared for fast tests."""

    geometry: Any
    own_outline: bool  # False when the province's outline stands in
    seat_lat: float
    seat_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        # contains_xy on a prepared geometry: no Point object per test, ~4 µs.
        return bool(shapely.contains_xy(self.geometry, lon, lat))


_areas: dict[str, _Area] = {}
_provinces: dict[str, Any] = {}


def locations_forget() -> None:
    """Drop the cached outlines (after the geography was reloaded)."""
    _areas.clear()
    _provinces.clear()


def _prepared(boundary: dict[str, Any]) -> Any:
    geometry = shape(boundary)
    shapely.prepare(geometry)
    return geometry


def _province_geometry(code: str) -> Any:
    if code not in _provinces:
        _provinces[code] = _prepared(
            Province.objects.filter(code=code).values_list("boundary", flat=True).get()
        )
    return _provinces[code]


def locations_prepare(county_codes: set[str] | list[str]) -> None:
    """Load the outlines of these counties (those not cached yet) in one query."""
    missing = sorted(set(county_codes) - set(_areas))
    if not missing:
        return
    rows = County.objects.filter(code__in=missing).values_list(
        "code", "boundary", "province__code", "lat", "lon"
    )
    for code, boundary, province_code, lat, lon in rows:
        if boundary:
            _areas[code] = _Area(_prepared(boundary), True, lat, lon)
        else:
            _areas[code] = _Area(_province_geometry(province_code), False, lat, lon)


def _area(county_code: str) -> _Area:
    if county_code not in _areas:
        locations_prepare([county_code])
    return _areas[county_code]


def in_iran_frame(lat: float, lon: float) -> bool:
    """Whether a point lies in the box around Iran (a cheap first test; not proof it is in Iran)."""
    return IRAN_SOUTH <= lat <= IRAN_NORTH and IRAN_WEST <= lon <= IRAN_EAST


def point_in_county(
    county_code: str, lat: float, lon: float, *, tolerance_km: float = COUNTY_TOLERANCE_KM
) -> bool:
    """Whether a point lies inside a county's outline, or within ``tolerance_km`` of it.

    A county without an outline is judged by its province's. Outside the outline (rare, so the slower
    path) the distance is measured on the ground to the outline's nearest point.
    """
    area = _area(county_code)
    if area.contains(lat, lon):
        return True
    nearest = nearest_points(area.geometry, Point(lon, lat))[0]
    return haversine_km(lat, lon, nearest.y, nearest.x) <= tolerance_km


def points_in_county(county_code: str, lat: Any, lon: Any) -> Any:
    """Which of many points (arrays of lat and lon) lie inside a county's outline (its province's when
    it has none): one vectorised test, no tolerance. A boolean array."""
    return shapely.contains_xy(_area(county_code).geometry, lon, lat)


def random_point_in_county(county: County | str, rng: random.Random) -> tuple[float, float]:
    """A point (lat, lon) drawn uniformly inside a county, for a village whose coordinates are unknown.

    Deterministic for a seeded ``rng``. For a county without an outline, a point within
    ``SEAT_RADIUS_KM`` of its seat that lies inside its province.
    """
    area = _area(county if isinstance(county, str) else county.code)
    if area.own_outline:
        west, south, east, north = area.geometry.bounds
        box = (south, north, west, east)
    else:
        dlat = SEAT_RADIUS_KM / KM_PER_DEGREE
        dlon = dlat / math.cos(math.radians(area.seat_lat))
        box = (area.seat_lat - dlat, area.seat_lat + dlat, area.seat_lon - dlon, area.seat_lon + dlon)
    south, north, west, east = box
    for _ in range(_SAMPLE_ATTEMPTS):
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        if area.contains(lat, lon):
            return round(lat, 6), round(lon, 6)
    # Only a sliver of a county could defeat 500 draws; its seat is inside it by definition.
    return area.seat_lat, area.seat_lon


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that contains every point within ``radius_km`` of (lat, lon)."""
    dlat = radius_km / KM_PER_DEGREE
    # Near Iran's northern edge cos(lat) ≈ 0.77; dividing by it widens the box east–west as needed.
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat + math.copysign(dlat, lat))), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon

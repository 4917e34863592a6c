"""Where an office may stand: county outlines, tolerance, estimated points and distances."""

import random

import pytest

from pishkhan.offices.locations import (
    bounding_box,
    haversine_km,
    in_iran_frame,
    point_in_county,
    random_point_in_county,
)
from tests.offices.factories import ARDESTAN, DAMAVAND, TEHRAN


def test_a_city_lies_in_its_county_and_not_in_another(geo_loaded):
    assert point_in_county("2301", *TEHRAN)
    assert point_in_county("2302", *DAMAVAND)
    assert not point_in_county("2301", *DAMAVAND)
    assert not point_in_county("2301", *ARDESTAN)


def test_an_island_town_just_off_its_outline_is_within_the_tolerance(geo_loaded):
    hormoz = (27.095, 56.4529)  # Hormoz city (GeoNames), ~7.8 km outside its county's OSM outline

    assert point_in_county("2202", *hormoz)
    assert not point_in_county("2202", *hormoz, tolerance_km=5)


def test_random_points_fall_inside_the_county_and_repeat_with_the_seed(geo_loaded):
    points = [random_point_in_county("2302", random.Random(seed)) for seed in range(20)]

    assert all(point_in_county("2302", lat, lon, tolerance_km=0) for lat, lon in points)
    assert len(set(points)) == 20
    assert random_point_in_county("2302", random.Random(3)) == points[3]


def test_a_county_without_an_outline_gets_a_point_near_its_seat_inside_its_province(geo_loaded):
    from pishkhan.geo.models import County

    county = County.objects.get(code="1508")  # one of the five counties OpenStreetMap lacks
    assert county.boundary is None

    lat, lon = random_point_in_county(county, random.Random(1))

    assert haversine_km(lat, lon, county.lat, county.lon) <= 15 * 1.5
    assert point_in_county("1508", lat, lon, tolerance_km=0)


def test_haversine_tehran_to_isfahan_is_about_340_km():
    assert haversine_km(*TEHRAN, 32.65246, 51.67462) == pytest.approx(338.9, abs=1.0)


def test_the_bounding_box_holds_the_circle():
    south, north, west, east = bounding_box(*TEHRAN, 50)

    for lat, lon in [(south, TEHRAN[1]), (north, TEHRAN[1]), (TEHRAN[0], west), (TEHRAN[0], east)]:
        assert haversine_km(*TEHRAN, lat, lon) >= 49.9


def test_the_frame_of_iran():
    assert in_iran_frame(*TEHRAN)
    assert not in_iran_frame(33.3152, 44.3661 - 1)  # west of Baghdad
    assert not in_iran_frame(48.85, 2.35)

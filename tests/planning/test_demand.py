"""Demand points from the real geography: populations add up to the census, rural points are
estimates inside their county, the use rate follows the counter's history or its fallback."""

from __future__ import annotations

import time

import pytest
from shapely.geometry import Point, shape

from pishkhan.geo.models import County, Province
from pishkhan.planning.demand import _split, demand_build, use_rates
from pishkhan.planning.models import DemandMethod, DemandPoint, Setting


@pytest.fixture
def built(geo_loaded):
    started = time.perf_counter()
    n = demand_build(seed=7)
    print(f"demand_build: {n} points in {time.perf_counter() - started:.2f} s")
    return n


def test_split_keeps_every_person():
    assert _split(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(_split(1_234_567, [3.0, 0.5, 7.25, 1.0])) == 1_234_567
    assert _split(0, [1.0]) == [0]


def test_populations_add_up_to_the_census_by_province(built):
    for province in Province.objects.all():
        points = DemandPoint.objects.filter(province=province)
        urban = sum(points.filter(setting=Setting.URBAN).values_list("population", flat=True))
        rural = sum(points.filter(setting=Setting.RURAL).values_list("population", flat=True))
        assert urban == province.urban_2016, province.code
        assert rural == province.rural_2016, province.code


def test_estimated_points_are_marked_and_lie_inside_their_county(built):
    estimated = DemandPoint.objects.filter(method=DemandMethod.ESTIMATED).select_related("county")
    assert estimated.exists()
    assert not estimated.filter(estimated=False).exists()
    assert not DemandPoint.objects.filter(method=DemandMethod.CITY, estimated=True).exists()
    for point in estimated[:300]:
        assert shape(point.county.boundary).contains(Point(point.lon, point.lat)), point.name


def test_the_same_seed_gives_the_same_points(geo_loaded):
    demand_build(seed=3)
    first = list(DemandPoint.objects.order_by("id").values_list("lat", "lon", "population"))
    demand_build(seed=3)
    assert list(DemandPoint.objects.order_by("id").values_list("lat", "lon", "population")) == first


def test_without_history_the_fallback_rate_is_used(built, settings):
    rates = use_rates()
    assert rates.source == "fallback"
    city = DemandPoint.objects.filter(setting=Setting.URBAN).first()
    assert city.rate == settings.PISHKHAN_DEMAND_FALLBACK_RATE["urban"]
    assert city.demand == pytest.approx(city.population * city.rate)


def test_counties_carved_after_2016_get_people_from_their_parent(built):
    carved = County.objects.filter(population_2016__isnull=True).exclude(parent_code_2016="")
    assert carved.exists()
    assert DemandPoint.objects.filter(county__in=carved).exists()

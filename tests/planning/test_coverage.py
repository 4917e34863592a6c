"""Coverage on a tiny hand-made geography: two cities and a village of a real county, offices placed
at known distances, so every share and count can be checked by hand."""

from __future__ import annotations

import datetime as dt
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.geo.models import County, Province
from pishkhan.planning.coverage import coverage_compute, plan_propose, served_of
from pishkhan.planning.demand import demand_build
from pishkhan.planning.models import (
    CountyCoverage,
    CoverageRun,
    DemandMethod,
    DemandPoint,
    Plan,
    Served,
    Setting,
)
from pishkhan.planning.tasks import coverage_compute_daily
from tests.offices.factories import make_office

# Tehran city (35.69439, 51.42151); 0.01° of latitude is ~1.11 km.
TEHRAN = (35.69439, 51.42151)


def point(county, setting, lat, lon, population, rate=1.0, **extra):
    return DemandPoint.objects.create(
        province=county.province, county=county, name=f"p{lat}", lat=lat, lon=lon, population=population,
        setting=setting, method=extra.pop("method", DemandMethod.CITY), rate=rate, demand=population * rate,
        **extra,
    )  # fmt: skip


@pytest.fixture
def tiny(geo_loaded):
    county = County.objects.get(code="2301")
    near = point(county, Setting.URBAN, TEHRAN[0] + 0.01, TEHRAN[1], 1000)  # ~1.1 km from the office
    far = point(county, Setting.URBAN, TEHRAN[0] + 0.05, TEHRAN[1], 3000)  # ~5.6 km
    village = point(county, Setting.RURAL, TEHRAN[0] - 0.05, TEHRAN[1], 500, method=DemandMethod.ESTIMATED,
                    estimated=True)  # fmt: skip
    make_office(1)  # a Pishkhan office at Tehran city's point
    return county, near, far, village


def test_shares_and_counts_by_hand(tiny, settings):
    settings.PISHKHAN_COVERAGE_OFFICE_CAPACITY = 1000
    settings.PISHKHAN_COVERAGE_SERVED_AGAINST = "absolute"
    county, near, far, village = tiny
    run = coverage_compute(plans=False)

    near.refresh_from_db(), far.refresh_from_db(), village.refresh_from_db()
    assert near.covered
    assert near.nearest_km == pytest.approx(1.112, abs=0.01)
    assert not far.covered
    assert far.nearest_km == pytest.approx(5.56, abs=0.02)
    # No rural ICT office: the village is not covered, whatever Pishkhan office is near.
    assert not village.covered
    assert village.nearest_km is None
    row = CountyCoverage.objects.get(run=run, county=county)
    assert (row.urban_population, row.urban_covered, row.rural_population, row.rural_covered) == (
        4000,
        1000,
        500,
        0,
    )
    assert (row.pishkhan_offices, row.ict_offices) == (1, 0)
    assert row.demand == pytest.approx(4500)
    assert row.capacity == 1000
    assert row.served == Served.UNDER


def test_a_rural_office_covers_the_village_within_the_rural_threshold(tiny):
    _county, _near, _far, village = tiny
    make_office(2, kind=OfficeKind.ICT, lat=TEHRAN[0] - 0.12, lon=TEHRAN[1])  # ~7.8 km from the village
    coverage_compute(plans=False)
    village.refresh_from_db()
    assert village.covered
    assert village.nearest_km == pytest.approx(7.78, abs=0.02)


def test_served_thresholds(settings):
    settings.PISHKHAN_COVERAGE_UNDER_RATIO, settings.PISHKHAN_COVERAGE_OVER_RATIO = 0.8, 1.5
    assert served_of(79, 100) == Served.UNDER
    assert served_of(100, 100) == Served.BALANCED
    assert served_of(151, 100) == Served.OVER
    assert served_of(0, 0) == Served.BALANCED
    # Against the nation: twice the national ratio is over-served, half of it under-served.
    assert served_of(200, 100, norm=1.0) == Served.OVER
    assert served_of(200, 100, norm=2.0) == Served.BALANCED
    assert served_of(200, 100, norm=4.0) == Served.UNDER


def test_the_plan_opens_an_office_at_the_uncovered_city(tiny):
    county, _near, far, _village = tiny
    coverage_compute(plans=False)
    plan = plan_propose(province_id=county.province_id, setting=Setting.URBAN, budget=1)
    assert plan.covered_before == 1000
    assert plan.covered_after == 4000
    assert [site["id"] for site in plan.chosen] == [far.pk]
    assert plan.status == "optimal"
    assert Plan.objects.filter(province=county.province).count() == 1


def test_a_budget_larger_than_the_sites_is_clipped(tiny):
    county, *_ = tiny
    plan = plan_propose(province_id=county.province_id, setting=Setting.RURAL, budget=50)
    assert plan.budget == 1
    assert plan.covered_after == 500


def test_national_coverage_on_the_real_geography(geo_loaded):

    demand_build(seed=1)
    make_office(1)
    started = time.perf_counter()
    run = coverage_compute(plans=False)
    print(f"coverage_compute (national, no plans): {time.perf_counter() - started:.2f} s")
    assert run.demand_points == DemandPoint.objects.count()
    assert CountyCoverage.objects.filter(run=run).count() > 400
    total = sum(Province.objects.values_list("population_2016", flat=True))
    people = sum(c.population for c in CountyCoverage.objects.filter(run=run))
    unsettled = sum(Province.objects.values_list("unsettled_2016", flat=True))
    assert people == total - unsettled


def test_counties_are_served_against_the_nation(geo_loaded):
    tehran = County.objects.get(code="2301")
    isfahan = County.objects.filter(province__code="10").first()
    point(tehran, Setting.URBAN, TEHRAN[0], TEHRAN[1], 1000)
    point(isfahan, Setting.URBAN, isfahan.lat, isfahan.lon, 1000)
    make_office(1)
    run = coverage_compute(plans=False)
    # The nation: one office for 2,000 people; Tehran has it for 1,000 (twice), Isfahan none.
    assert CountyCoverage.objects.get(run=run, county=tehran).served == Served.OVER
    assert CountyCoverage.objects.get(run=run, county=isfahan).served == Served.UNDER


def test_the_commands_and_the_daily_job(geo_loaded):

    with pytest.raises(CommandError, match="planning_demand_build"):
        call_command("planning_coverage_compute")
    out = StringIO()
    call_command("planning_demand_build", "--seed", "5", stdout=out)
    assert "demand points" in out.getvalue()
    call_command("planning_coverage_compute", "--no-plans", stdout=out)
    assert CoverageRun.objects.count() == 1
    assert not Plan.objects.exists()
    now = timezone.now()
    coverage_compute_daily(now=now)  # a run exists today: nothing more
    assert CoverageRun.objects.count() == 1
    coverage_compute_daily(now=now + dt.timedelta(days=1))
    assert CoverageRun.objects.count() == 2
    assert Plan.objects.filter(setting=Setting.URBAN).count() == Province.objects.count()

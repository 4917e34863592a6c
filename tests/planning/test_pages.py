"""Planning's pages and API: who sees which province, the exports, bad input refused with nothing
lost."""

from __future__ import annotations

import pytest

from pishkhan.geo.models import County
from pishkhan.planning.coverage import coverage_compute
from pishkhan.planning.models import Plan, Setting
from tests.offices.factories import make_office
from tests.offices.pages_data import signed_in
from tests.planning.test_coverage import TEHRAN, point


@pytest.fixture
def computed(geo_loaded):
    county = County.objects.get(code="2301")
    point(county, Setting.URBAN, TEHRAN[0] + 0.01, TEHRAN[1], 1000)
    point(county, Setting.URBAN, TEHRAN[0] + 0.05, TEHRAN[1], 3000)
    isfahan = County.objects.filter(province__code="10").first()
    point(isfahan, Setting.URBAN, isfahan.lat, isfahan.lon, 2000)
    make_office(1)
    return coverage_compute()


def test_the_regulator_sees_the_provinces_side_by_side(computed):
    page = signed_in("reg", "regulator").get("/planning/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-code="23"' in html
    assert 'data-code="10"' in html
    assert "۲۵" in html  # Tehran's urban share, 1,000 of 4,000 people, in Persian digits


def test_a_province_page_has_the_map_counties_and_plan(computed):
    page = signed_in("reg", "regulator").get("/planning/provinces/23/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="coverage-map"' in html
    assert "<svg" in html
    assert 'data-code="2301"' in html
    assert 'id="plan-urban"' in html
    assert 'class="proposed"' in html


def test_a_directorate_sees_its_province_only(computed):
    client = signed_in("dir23", "directorate", "23")
    assert client.get("/planning/").status_code == 302
    assert client.get("/planning/provinces/23/").status_code == 200
    assert client.get("/planning/provinces/10/").status_code == 404
    assert client.get("/api/v1/planning/coverage?province=10").status_code == 404
    body = client.get("/api/v1/planning/coverage").json()
    assert [p["code"] for p in body["provinces"]] == ["23"]


def test_a_working_group_member_sees_its_province(computed):
    client = signed_in("wg23", "working_group", "23")
    assert client.get("/planning/provinces/23/").status_code == 200


def test_an_operator_may_not_see_planning(computed):
    make_office(2)
    client = signed_in("op", "office_operator", "P23-0002")
    assert client.get("/planning/").status_code == 403


def test_unknown_or_malformed_provinces_are_404(computed):
    client = signed_in("reg", "regulator")
    assert client.get("/planning/provinces/99/").status_code == 404
    assert client.get("/planning/provinces/x/").status_code == 404
    assert client.get("/api/v1/planning/coverage?province=99").status_code in (404, 422)


def test_exports(computed):
    client = signed_in("reg", "regulator")
    csv = client.get("/planning/?export=csv")
    assert csv.status_code == 200
    assert "text/csv" in csv["Content-Type"]
    xlsx = client.get("/planning/provinces/23/?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    county_csv = b"".join(client.get("/planning/provinces/23/?export=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert len(county_csv.strip().splitlines()) == 2  # the header, then Tehran county
    assert "2301" in county_csv
    assert client.get("/planning/?export=pdf").status_code == 400


@pytest.mark.parametrize("budget", ["0", "-3", "100000", "many", ""])
def test_a_budget_out_of_range_is_refused_and_the_plan_kept(computed, budget):
    before = list(Plan.objects.order_by("pk").values_list("pk", "budget", "chosen"))
    response = signed_in("reg", "regulator").post("/planning/provinces/23/", {"budget": budget})
    assert response.status_code == 422
    assert 'id="planning-error"' in response.content.decode()
    assert list(Plan.objects.order_by("pk").values_list("pk", "budget", "chosen")) == before


def test_a_budget_in_range_proposes_again(computed):
    response = signed_in("reg", "regulator").post("/planning/provinces/23/", {"budget": "1"})
    assert response.status_code == 302
    plan = Plan.objects.get(province__code="23", setting=Setting.URBAN)
    assert plan.budget == 1
    assert plan.covered_after == 4000


def test_the_api_gives_the_counties_of_a_province(computed):
    body = signed_in("reg", "regulator").get("/api/v1/planning/coverage?province=23").json()
    assert body["provinces"][0]["urban_share"] == 25.0
    assert body["counties"][0]["code"] == "2301"
    assert body["counties"][0]["urban_covered"] == 1000

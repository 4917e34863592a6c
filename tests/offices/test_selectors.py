"""Reads of the registry: lists in a jurisdiction, the public near-me search, rate boards."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import (
    office_code_exists,
    office_counts_by_province,
    office_get,
    office_list,
    office_points,
    office_rate_board,
    offices_in_county,
    offices_near,
)
from pishkhan.offices.services import office_set_hours, office_set_status
from tests.offices.factories import (
    ARDESTAN,
    ARDESTAN_COUNTY,
    DAMAVAND_COUNTY,
    ISFAHAN_PROVINCE,
    RUDEHEN_CITY,
    TEHRAN,
    make_agency,
    make_office,
    make_offices,
    make_service,
    make_tariff,
    office_draft,
)

# Saturday 1 June 2024, 10:30 in Tehran: the default hours have every office open.
SATURDAY_MORNING = dt.datetime(2024, 6, 1, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def catalogue(db):
    sabt = make_agency("sabt", name_en="Civil Registration")
    return {
        "copy": make_service(sabt, "birth-copy", kinds=("pishkhan", "ict")),
        "pishkhan_only": make_service(sabt, "passport", kinds=("pishkhan",)),
        "prohibited": make_service(sabt, "marriage", kinds=("pishkhan",), outsourcing="prohibited"),
    }


def _at(n, north_km, **overrides):
    """A Pishkhan office ``north_km`` north of Tehran city's point."""
    return office_draft(n, place=None, lat=round(TEHRAN[0] + north_km / 111.2, 6), lon=TEHRAN[1], **overrides)


def test_near_me_lists_the_nearest_first_with_distances(geo_loaded, catalogue):
    make_offices([_at(1, 6), _at(2, 1), _at(3, 3)])

    found = offices_near(service_code="sabt.birth-copy", lat=TEHRAN[0], lon=TEHRAN[1], now=SATURDAY_MORNING)

    assert [near.office.code for near in found] == ["P23-0002", "P23-0003", "P23-0001"]
    assert [near.distance_km for near in found] == pytest.approx([1.0, 3.0, 6.0], abs=0.01)
    assert all(near.open_now for near in found)


def test_near_me_keeps_only_kinds_that_may_deliver_the_service(geo_loaded, catalogue):
    make_office(1)
    make_office(2, kind="ict", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY)

    copy = offices_near(service_code="sabt.birth-copy", lat=TEHRAN[0], lon=TEHRAN[1])
    passport = offices_near(service_code="sabt.passport", lat=TEHRAN[0], lon=TEHRAN[1])

    assert [near.office.code for near in copy] == ["P23-0001", "R23-0001"]
    assert [near.office.code for near in passport] == ["P23-0001"]


def test_a_prohibited_service_has_no_office(geo_loaded, catalogue):
    make_office(1)

    assert offices_near(service_code="sabt.marriage", lat=TEHRAN[0], lon=TEHRAN[1]) == []
    assert offices_in_county(service_code="sabt.marriage", county_code="2301") == []


def test_near_me_skips_suspended_offices_and_honours_open_only(geo_loaded, catalogue):
    suspended, closed_on_saturday, _open = make_offices([_at(1, 1), _at(2, 2), _at(3, 3)])
    office_set_status(office=suspended, status="suspended", actor=None)
    office_set_hours(office=closed_on_saturday, opening_hours={"1": [["08:00", "16:00"]]}, actor=None)

    every = offices_near(
        service_code="sabt.birth-copy",
        lat=TEHRAN[0],
        lon=TEHRAN[1],
        now=SATURDAY_MORNING,
    )
    open_now = offices_near(
        service_code="sabt.birth-copy", lat=TEHRAN[0], lon=TEHRAN[1], now=SATURDAY_MORNING, open_only=True
    )

    assert [(near.office.code, near.open_now) for near in every] == [("P23-0002", False), ("P23-0003", True)]
    assert [near.office.code for near in open_now] == ["P23-0003"]


def test_near_me_widens_the_search_until_it_finds_enough(geo_loaded, catalogue):
    make_office(
        1, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )

    found = offices_near(service_code="sabt.birth-copy", lat=TEHRAN[0], lon=TEHRAN[1], limit=3)

    assert [near.office.code for near in found] == ["P10-0001"]
    assert found[0].distance_km == pytest.approx(271.7, abs=0.1)  # Tehran to Ardestan


def test_near_me_refuses_a_point_outside_iran_and_an_unknown_service(geo_loaded, catalogue):
    with pytest.raises(ValidationError) as refused:
        offices_near(service_code="sabt.birth-copy", lat=48.85, lon=2.35)
    assert set(refused.value.fields) == {"lat", "lon"}
    with pytest.raises(NotFoundError):
        offices_near(service_code="nobody.nothing", lat=TEHRAN[0], lon=TEHRAN[1])


@pytest.mark.timing
def test_near_me_is_fast_among_thousands_of_offices(geo_loaded, catalogue):
    rows = [_at(n, (n % 200) / 10, kind="pishkhan" if n % 3 else "ict") for n in range(3000)]
    make_offices(rows)

    started = time.perf_counter()
    found = offices_near(service_code="sabt.passport", lat=TEHRAN[0] + 0.05, lon=TEHRAN[1], limit=10)
    seconds = time.perf_counter() - started

    assert len(found) == 10
    assert all(near.office.kind == "pishkhan" for near in found)
    assert [near.distance_km for near in found] == sorted(near.distance_km for near in found)
    assert seconds < 0.3, seconds


def test_offices_of_a_county_for_a_service(geo_loaded, catalogue):
    make_office(1)
    make_office(2, kind="ict", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY)

    found = offices_in_county(service_code="sabt.birth-copy", county_code="2302", now=SATURDAY_MORNING)

    assert [near.office.code for near in found] == ["R23-0001"]
    assert found[0].distance_km == pytest.approx(15.3, abs=0.5)  # Rudehen from Damavand, the county seat
    with pytest.raises(NotFoundError):
        offices_in_county(service_code="sabt.birth-copy", county_code="9999")


def test_the_rate_board_shows_the_tariff_in_force(geo_loaded, catalogue):
    farvardin_1403, farvardin_1404 = dt.date(2024, 3, 20), dt.date(2025, 3, 21)
    make_tariff(
        catalogue["copy"], year=1403, effective_from=farvardin_1403, government_fee=100_000, office_fee=40_000
    )
    make_tariff(
        catalogue["copy"], year=1404, effective_from=farvardin_1404, government_fee=120_000, office_fee=50_000
    )
    office = make_office(1)

    with CaptureQueriesContext(connection) as queries:
        board = office_rate_board(office=office, on=dt.date(2025, 6, 1))

    assert [
        (line.service.code, line.government_fee, line.office_fee, line.total) for line in board.lines
    ] == [
        ("sabt.birth-copy", 120_000, 50_000, 170_000),
        ("sabt.passport", None, None, None),
    ]
    assert len(queries) == 2
    earlier = office_rate_board(office=office, on=dt.date(2025, 3, 20))
    assert earlier.lines[0].total == 140_000


def test_the_rate_board_of_an_ict_office_lists_only_what_it_may_deliver(geo_loaded, catalogue):
    office = make_office(1, kind="ict", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY)

    board = office_rate_board(office=office, on=dt.date(2025, 6, 1))

    assert [line.service.code for line in board.lines] == ["sabt.birth-copy"]


def test_the_list_narrows_to_a_jurisdiction_and_filters(geo_loaded):
    make_office(1)
    make_office(2, kind="ict", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY, name="دفتر روستایی رودهن")
    make_office(
        3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )

    def codes(**kwargs):
        return [office.code for office in office_list(**kwargs)]

    assert codes() == ["P10-0001", "P23-0001", "R23-0001"]
    assert codes(scope={"province": "23"}) == ["P23-0001", "R23-0001"]
    assert codes(scope={"office": "R23-0001"}) == ["R23-0001"]
    assert codes(scope={"working_group": "x"}) == []
    assert codes(province="۱۰") == ["P10-0001"]
    assert codes(county="2302", kind="ict", status="active") == ["R23-0001"]
    assert codes(q="روستايي") == ["R23-0001"]  # Arabic ي still finds it
    assert codes(q="r23-0001") == ["R23-0001"]
    assert office_counts_by_province() == {"10": 1, "23": 2}
    assert [point[0] for point in office_points(scope={"province": "10"})] == ["P10-0001"]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"province": "x"}, "province"),
        ({"kind": "bank"}, "kind"),
        ({"status": "open"}, "status"),
        ({"county": "12"}, "county"),
    ],
)
def test_the_list_refuses_malformed_filters(geo_loaded, filters, field):
    with pytest.raises(ValidationError) as refused:
        office_list(**filters)

    assert list(refused.value.fields) == [field]


def test_the_list_query_count_does_not_grow_with_offices(geo_loaded):
    make_offices([office_draft(n) for n in range(30)])

    with CaptureQueriesContext(connection) as queries:
        offices = list(office_list(scope={"province": "23"}))
        names = [(o.province.code, o.county.code, o.place.name_fa, o.operator.name) for o in offices]

    assert len(names) == 30
    assert len(queries) == 1


def test_one_office_outside_the_scope_is_not_found(geo_loaded):
    office = make_office(1)

    assert office_get(code="p23-۰۰۰۱", scope={"province": "23"}) == office
    with pytest.raises(NotFoundError):
        office_get(code="P23-0001", scope={"province": "10"})
    with pytest.raises(ValidationError):
        office_get(code="../etc")
    assert office_code_exists("P23-0001") is True
    assert office_code_exists("P23-0002") is False
    assert Office.objects.count() == 1

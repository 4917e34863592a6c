"""The offices and conversions API at /api/v1/, through the real URLs: scope, permissions, problems."""

import datetime as dt
import json

import pytest

from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.services import conversion_request
from tests.accounts.factories import UserFactory
from tests.offices.factories import (
    ARDESTAN,
    ARDESTAN_COUNTY,
    DAMAVAND_COUNTY,
    ISFAHAN_PROVINCE,
    RUDEHEN_CITY,
    TEHRAN,
    make_agency,
    make_office,
    make_service,
    make_tariff,
    national_id,
)

PROBLEM = "application/problem+json"


def _signed_in(client, role="regulator", code=""):
    client.force_login(UserFactory(role=role, jurisdiction_code=code))
    return client


@pytest.fixture
def network(geo_loaded):
    """Two Tehran offices (one rural ICT) and one in Isfahan."""
    return [
        make_office(1),
        make_office(2, kind="ict", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY),
        make_office(
            3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
        ),
    ]


def _register_body(**overrides):
    body = {
        "name": "دفتر پیشخوان تازه",
        "kind": "pishkhan",
        "province": "23",
        "county": "2301",
        "place": "1576",
        "postal_code": "1315763111",
        "operator": {
            "kind": "person",
            "name": "زهرا احمدی",
            "mobile": "09121234567",
            "national_id": national_id(77),
        },
    }
    return body | overrides


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_list_needs_a_login(network, client):
    response = client.get("/api/v1/offices")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_a_regulator_lists_every_office_paginated_by_code(network, client):
    body = _signed_in(client).get("/api/v1/offices").json()

    assert body["count"] == 3
    assert [office["code"] for office in body["items"]] == ["P10-0001", "P23-0001", "R23-0001"]


def test_a_directorate_sees_only_its_province(network, client):
    _signed_in(client, "directorate", "23")

    listed = client.get("/api/v1/offices").json()
    asked_for_isfahan = client.get("/api/v1/offices", {"province": "10"}).json()
    other = client.get("/api/v1/offices/P10-0001")
    own = client.get("/api/v1/offices/P23-0001")

    assert [office["code"] for office in listed["items"]] == ["P23-0001", "R23-0001"]
    assert asked_for_isfahan["count"] == 0
    assert other.status_code == 404
    assert other["Content-Type"] == PROBLEM
    assert own.status_code == 200


def test_an_office_operator_sees_only_its_office(network, client):
    _signed_in(client, "office_operator", "R23-0001")

    listed = client.get("/api/v1/offices").json()

    assert [office["code"] for office in listed["items"]] == ["R23-0001"]
    assert client.get("/api/v1/offices/P23-0001").status_code == 404


def test_agency_staff_may_not_read_offices(network, client):
    make_agency("sabt")
    _signed_in(client, "agency_staff", "sabt")

    assert client.get("/api/v1/offices").status_code == 403


def test_filters_and_bad_filters(network, client):
    _signed_in(client)

    ict = client.get("/api/v1/offices", {"kind": "ict", "county": "2302"}).json()
    bad = client.get("/api/v1/offices", {"kind": "bank"})

    assert [office["code"] for office in ict["items"]] == ["R23-0001"]
    assert bad.status_code == 422
    assert bad["Content-Type"] == PROBLEM
    assert "kind" in bad.json()["errors"]


def test_one_office_shows_the_operator_masked(network, client):
    _signed_in(client)
    full_id = network[0].operator.national_id

    response = client.get("/api/v1/offices/P23-0001")

    body = response.json()
    assert body["operator"] == {
        "kind": "person",
        "name": "اپراتور 1",
        "identifier": f"{full_id[:3]}*****{full_id[-2:]}",
        "mobile": "0912***0001",
    }
    assert full_id not in response.content.decode()
    assert (body["province_code"], body["county_code"], body["place_code"]) == ("23", "2301", "2301021576")
    assert (body["lat"], body["lon"], body["location_estimated"]) == (*TEHRAN, False)


def test_a_directorate_registers_an_office_in_its_province(geo_loaded, client):
    _signed_in(client, "directorate", "23")

    response = _post(client, "/api/v1/offices", _register_body())

    assert response.status_code == 201
    assert response.json()["code"] == "P23-0001"
    assert national_id(77) not in response.content.decode()


def test_a_directorate_cannot_register_in_another_province(geo_loaded, client):
    _signed_in(client, "directorate", "23")

    response = _post(client, "/api/v1/offices", _register_body(province="10", county="1001", place="1395"))

    assert response.status_code == 403
    assert Office.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"county": "1001", "place": None}, 422, "county"),  # a county of another province
        ({"place": None, "lat": 33.3152, "lon": 44.3661}, 422, "lat"),  # Baghdad: outside Iran
        ({"kind": "bank"}, 422, "kind"),
        ({"postal_code": "12"}, 422, "postal_code"),
        ({"counters": "many"}, 422, "counters"),
        ({"name": "دفتر\x00"}, 422, "name"),  # a NUL would break PostgreSQL
        ({"place": "15\x0076"}, 422, "place"),
        ({"address": "x\x07"}, 422, "address"),
        (
            {"operator": {"kind": "person", "name": "x", "mobile": "0912", "national_id": "1"}},
            422,
            "operator.mobile",
        ),
    ],
)
def test_bad_registrations_are_problems(geo_loaded, client, overrides, status, field):
    _signed_in(client)

    response = _post(client, "/api/v1/offices", _register_body(**overrides))

    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert field in response.json()["errors"]
    assert Office.objects.count() == 0


def test_a_duplicate_code_is_a_409(network, client):
    _signed_in(client)

    response = _post(client, "/api/v1/offices", _register_body(code="P23-0001"))

    assert response.status_code == 409
    assert response.json()["type"] == "urn:pishkhan:problem:conflict"


def test_patch_changes_details_within_the_jurisdiction(network, client):
    _signed_in(client, "directorate", "23")

    changed = client.patch(
        "/api/v1/offices/P23-0001", json.dumps({"name": "دفتر نو"}), content_type="application/json"
    )
    elsewhere = client.patch(
        "/api/v1/offices/P10-0001", json.dumps({"name": "x"}), content_type="application/json"
    )

    assert (changed.status_code, changed.json()["name"]) == (200, "دفتر نو")
    assert elsewhere.status_code == 404


def test_an_office_operator_cannot_edit_its_office_details(network, client):
    _signed_in(client, "office_operator", "P23-0001")

    response = client.patch(
        "/api/v1/offices/P23-0001", json.dumps({"name": "x"}), content_type="application/json"
    )

    assert response.status_code == 403


def test_the_rate_board_is_public(network, anon_client):
    sabt = make_agency("sabt")
    copy = make_service(sabt, "birth-copy", kinds=("pishkhan", "ict"))
    make_tariff(
        copy, year=1404, effective_from=dt.date(2025, 3, 21), government_fee=120_000, office_fee=50_000
    )
    make_tariff(
        copy, year=1403, effective_from=dt.date(2024, 3, 20), government_fee=100_000, office_fee=40_000
    )

    response = anon_client.get("/api/v1/offices/R23-0001/rate-board")

    assert response.status_code == 200
    (line,) = response.json()["lines"]
    assert line["service_code"] == "sabt.birth-copy"
    assert line["total"] == line["government_fee"] + line["office_fee"]
    assert line["total"] in (140_000, 170_000)  # depends on today's Jalali year
    assert anon_client.get("/api/v1/offices/P23-9999/rate-board").status_code == 404


def test_near_me_is_public_and_validates_the_point(network, anon_client):
    sabt = make_agency("sabt")
    make_service(sabt, "birth-copy", kinds=("pishkhan", "ict"))
    make_service(sabt, "marriage", kinds=("pishkhan",), outsourcing="prohibited")

    found = anon_client.get(
        "/api/v1/offices/near", {"service": "sabt.birth-copy", "lat": TEHRAN[0], "lon": TEHRAN[1]}
    )
    prohibited = anon_client.get(
        "/api/v1/offices/near", {"service": "sabt.marriage", "lat": TEHRAN[0], "lon": TEHRAN[1]}
    )
    paris = anon_client.get("/api/v1/offices/near", {"service": "sabt.birth-copy", "lat": 48.85, "lon": 2.35})
    nul = anon_client.get("/api/v1/offices/near", {"service": "sabt\x00", "lat": TEHRAN[0], "lon": TEHRAN[1]})
    nonsense = anon_client.get(
        "/api/v1/offices/near", {"service": "sabt.birth-copy", "lat": "north", "lon": 51}
    )
    unknown = anon_client.get("/api/v1/offices/near", {"service": "x.y", "lat": TEHRAN[0], "lon": TEHRAN[1]})

    assert found.status_code == 200
    assert [office["code"] for office in found.json()] == ["P23-0001", "R23-0001", "P10-0001"]
    assert found.json()[0]["distance_km"] == 0.0
    assert prohibited.json() == []
    assert (paris.status_code, nonsense.status_code, nul.status_code, unknown.status_code) == (
        422,
        422,
        422,
        404,
    )
    assert "lat" in paris.json()["errors"]


def test_conversions_request_review_decide(network, client):
    _signed_in(client, "directorate", "23")

    requested = _post(client, "/api/v1/conversions", {"office": "R23-0001", "reason": "قانون"})
    pk = requested.json()["id"]
    reviewed = _post(client, f"/api/v1/conversions/{pk}/review", {})
    decided = _post(client, f"/api/v1/conversions/{pk}/decide", {"outcome": "converted", "basis": "مصوبه"})
    again = _post(client, f"/api/v1/conversions/{pk}/decide", {"outcome": "refused", "reason": "x"})

    assert (requested.status_code, requested.json()["state"]) == (201, "requested")
    assert reviewed.json()["state"] == "under_review"
    assert (decided.status_code, decided.json()["state"]) == (200, "converted")
    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM
    assert client.get("/api/v1/offices/R23-0001").json()["kind"] == "pishkhan"


def test_a_conversion_of_a_pishkhan_office_is_a_409(network, client):
    _signed_in(client)

    response = _post(client, "/api/v1/conversions", {"office": "P23-0001"})

    assert response.status_code == 409
    assert "already a Pishkhan office" in response.json()["detail"]
    assert _post(client, "/api/v1/conversions", {"office": "R23-0001", "reason": "\x00"}).status_code == 422
    assert Conversion.objects.count() == 0


def test_conversions_stay_in_their_province(network, client):
    other = make_office(
        4,
        kind="ict",
        province=ISFAHAN_PROVINCE,
        county=ARDESTAN_COUNTY,
        place=None,
        lat=ARDESTAN[0],
        lon=ARDESTAN[1],
    )
    isfahan_case = conversion_request(office=other, actor=None)
    conversion_request(office=network[1], actor=None)
    _signed_in(client, "directorate", "23")

    listed = client.get("/api/v1/conversions").json()
    review = _post(client, f"/api/v1/conversions/{isfahan_case.pk}/review", {})
    request_there = _post(client, "/api/v1/conversions", {"office": "P10-0001"})
    board = client.get("/api/v1/conversions/board").json()

    assert [case["office_code"] for case in listed["items"]] == ["R23-0001"]
    assert review.status_code == 404
    assert request_there.status_code == 404
    assert [(row["kind"], row["pending"]) for row in board] == [("ict", 1)]


def test_an_office_operator_may_request_but_not_decide(network, client):
    _signed_in(client, "office_operator", "R23-0001")

    requested = _post(client, "/api/v1/conversions", {"office": "R23-0001"})
    review = _post(client, f"/api/v1/conversions/{requested.json()['id']}/review", {})

    assert requested.status_code == 201
    assert review.status_code == 403


def test_a_decision_needs_a_known_outcome_and_a_reason_to_refuse(network, client):
    case = conversion_request(office=network[1], actor=None)
    _signed_in(client)

    unknown = _post(client, f"/api/v1/conversions/{case.pk}/decide", {"outcome": "maybe"})
    no_reason = _post(client, f"/api/v1/conversions/{case.pk}/decide", {"outcome": "refused"})

    assert (unknown.status_code, no_reason.status_code) == (422, 422)
    assert "reason" in no_reason.json()["errors"]


@pytest.mark.parametrize(
    "query",
    [
        {"province": "\x00"},
        {"kind": "ict\x00"},
        {"organisation": "\x00"},
        {"office": "P23\x00"},
        {"state": "x\x00"},
    ],
)
def test_conversion_filters_with_control_characters_are_422(network, client, query):
    _signed_in(client)

    response = client.get("/api/v1/conversions", query)

    assert response.status_code == 422

"""The network board in the API: offices' liveness (paginated, filtered by province and state, with
terminals) and the summary per province; who may read what."""

from __future__ import annotations

import pytest
from django.test import Client

from pishkhan.transactions.services import heartbeat_record
from tests.licensing.factories import directorate, regulator
from tests.offices.factories import (
    ARDESTAN_CITY,
    ARDESTAN_COUNTY,
    ISFAHAN_PROVINCE,
    TEHRAN_PROVINCE,
    make_office,
)
from tests.supervision.test_board_pages import ALWAYS_OPEN

LIVENESS = "/api/v1/network/liveness"
SUMMARY = "/api/v1/network/summary"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def offices(geo_loaded):
    heard = make_office(1, opening_hours=ALWAYS_OPEN)
    silent = make_office(2, opening_hours=ALWAYS_OPEN)
    isfahan = make_office(
        3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=ARDESTAN_CITY, opening_hours=ALWAYS_OPEN
    )
    heartbeat_record(office=heard, terminal_id="desk-1", software_version="3.2.0")
    heartbeat_record(office=heard, terminal_id="desk-2", software_version="3.1.0")
    return {"heard": heard, "silent": silent, "isfahan": isfahan}


def test_liveness_lists_offices_with_state_last_seen_and_terminals(offices):
    answer = _client(regulator()).get(LIVENESS)

    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 3
    by_code = {item["code"]: item for item in body["items"]}
    heard = by_code[offices["heard"].code]
    assert heard["state"] == "online"
    assert heard["last_seen_at"]
    assert heard["silent_since"] is None
    assert {t["terminal_id"]: t["software_version"] for t in heard["terminals"]} == {
        "desk-1": "3.2.0",
        "desk-2": "3.1.0",
    }
    silent = by_code[offices["silent"].code]
    assert silent["state"] == "offline"
    assert silent["last_seen_at"] is None
    assert silent["terminals"] == []


def test_liveness_filters_by_state_and_province(offices):
    client = _client(regulator())

    offline = client.get(LIVENESS, {"state": "offline"}).json()
    tehran = client.get(LIVENESS, {"province": TEHRAN_PROVINCE, "state": "offline"}).json()

    assert {item["code"] for item in offline["items"]} == {offices["silent"].code, offices["isfahan"].code}
    assert [item["code"] for item in tehran["items"]] == [offices["silent"].code]


def test_bad_filters_are_refused_clearly(offices):
    client = _client(regulator())

    unknown = client.get(LIVENESS, {"state": "asleep"})
    malformed = client.get(LIVENESS, {"province": "xx"})

    assert unknown.status_code == 422
    assert "state" in unknown.json()["errors"]
    assert malformed.status_code == 422
    assert unknown["Content-Type"].startswith("application/problem+json")


def test_summary_counts_per_province(offices):
    body = _client(regulator()).get(SUMMARY).json()

    assert body["total"]["online"] == 1
    assert body["total"]["offline"] == 2
    assert body["total"]["total"] == 3
    provinces = {row["province"]: row for row in body["provinces"]}
    assert provinces[TEHRAN_PROVINCE]["online"] == 1
    assert provinces[ISFAHAN_PROVINCE]["offline"] == 1
    assert body["quiet_minutes"] == 10
    assert body["offline_minutes"] == 30


def test_a_directorate_reads_its_province_only(offices):
    client = _client(directorate(ISFAHAN_PROVINCE))

    listed = client.get(LIVENESS).json()
    summary = client.get(SUMMARY).json()

    assert [item["code"] for item in listed["items"]] == [offices["isfahan"].code]
    assert [row["province"] for row in summary["provinces"]] == [ISFAHAN_PROVINCE]
    assert client.get(LIVENESS, {"province": TEHRAN_PROVINCE}).status_code == 403


def test_signed_out_and_office_operators_are_refused(offices):
    from tests.accounts.factories import UserFactory

    operator = UserFactory(role="office_operator", jurisdiction_code=offices["heard"].code)

    assert Client().get(SUMMARY).status_code == 401
    assert _client(operator).get(LIVENESS).status_code == 403

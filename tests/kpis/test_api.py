"""The KPI API: the measures read from the rollups, each caller within its jurisdiction, and every bad
input a 4xx problem."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.catalogue.services import VisitRow, visit_reports_submit
from pishkhan.common.calendar import TEHRAN, jalali_date
from pishkhan.kpis.services import rollups_update
from tests.offices.factories import (
    ISFAHAN_PROVINCE,
    TEHRAN_PROVINCE,
    make_service,
)
from tests.offices.pages_data import signed_in
from tests.transactions.conftest import TARIFF
from tests.transactions.factories import make_transaction

TRIPS = "/api/v1/kpis/trips"


def _by(body):
    return {row["code"]: (row["trips_avoided"], row["transactions_completed"]) for row in body["by"]}


def test_the_regulator_sees_the_nation_by_province(work):
    client = signed_in("cra", "regulator")

    body = client.get(TRIPS, {"level": "national"}).json()

    assert (body["trips_avoided"], body["transactions_completed"]) == (6, 6)
    assert _by(body) == {TEHRAN_PROVINCE: (4, 4), ISFAHAN_PROVINCE: (2, 2)}
    assert body["place"]["level"] == "national"
    by_service = client.get(TRIPS, {"level": "national", "by": "service"}).json()
    assert _by(by_service) == {"sabt.birth-copy": (1, 1), "tamin.pension-statement": (5, 5)}
    by_month = client.get(TRIPS, {"level": "national", "by": "month"}).json()
    today = jalali_date(timezone.now().astimezone(TEHRAN).date())
    assert _by(by_month) == {f"{today.year}-{today.month:02d}": (6, 6)}


def test_a_period_without_work_and_a_comparison_period(work):
    client = signed_in("cra", "regulator")
    long_ago = {"from": "2020-01-01", "to": "2020-01-31", "compare_from": "2026-01-01"}
    long_ago["compare_to"] = timezone.localdate().isoformat()

    body = client.get(TRIPS, long_ago).json()

    assert (body["trips_avoided"], body["by"]) == (0, [])
    assert (body["place"]["from"], body["place"]["to"]) == ("2020-01-01", "2020-01-31")
    assert body["previous"] == {"trips_avoided": 6, "transactions_completed": 6}


def test_a_directorate_sees_its_province_only(work):
    client = signed_in("tehran-ict", "directorate", TEHRAN_PROVINCE)

    own = client.get(TRIPS, {"level": "province", "code": TEHRAN_PROVINCE})
    assert own.status_code == 200
    assert own.json()["trips_avoided"] == 4
    assert client.get(TRIPS, {"level": "province", "code": ISFAHAN_PROVINCE}).status_code == 404
    assert client.get(TRIPS, {"level": "county", "code": "1001"}).status_code == 404
    assert client.get(TRIPS, {"level": "national"}).status_code == 403
    # An agency seen from the province: the province's share of it only.
    tamin = client.get(TRIPS, {"level": "agency", "code": "tamin"}).json()
    assert tamin["trips_avoided"] == 3


def test_an_agency_sees_its_own_services_only(work):
    client = signed_in("tamin-staff", "agency_staff", "tamin")

    body = client.get(TRIPS, {"level": "national"}).json()
    assert (body["trips_avoided"], _by(body)) == (5, {TEHRAN_PROVINCE: (3, 3), ISFAHAN_PROVINCE: (2, 2)})
    assert client.get(TRIPS, {"level": "agency", "code": "sabt"}).status_code == 404
    own = client.get(TRIPS, {"level": "agency", "code": "tamin"}).json()
    assert _by(own) == {"tamin.pension-statement": (5, 5)}


def test_an_office_operator_sees_its_office_only(work):
    office = work["office"]
    client = signed_in("operator", "office_operator", office.code)

    body = client.get(TRIPS, {"level": "office", "code": office.code}).json()
    assert body["trips_avoided"] == 3
    assert client.get(TRIPS, {"level": "office", "code": work["isfahan"].code}).status_code == 404
    assert client.get(TRIPS, {"level": "province", "code": TEHRAN_PROVINCE}).status_code == 404
    assert client.get(TRIPS, {"level": "national"}).status_code == 403


def test_roles_without_kpis_and_strangers_are_refused(work, client):
    assert client.get(TRIPS).status_code == 401
    licensee = signed_in("holder", "licensee")
    assert licensee.get(TRIPS).status_code == 403


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"level": "planet"}, 422, "level"),
        ({"level": "province"}, 422, "code"),
        ({"level": "province", "code": "99"}, 404, None),
        ({"level": "agency", "code": "nobody"}, 404, None),
        ({"from": "2026-02-30"}, 422, "from"),
        ({"from": "yesterday"}, 422, "from"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, 422, "to"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, 422, "to"),
        ({"by": "galaxy"}, 422, "by"),
        ({"compare_from": "2026-01-01"}, 422, "compare_to"),
    ],
)
def test_bad_input_is_a_problem(work, query, status, field):
    client = signed_in("cra", "regulator")

    response = client.get(TRIPS, query)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    if field:
        assert field in response.json()["errors"]


def test_the_service_figures(work):
    client = signed_in("cra", "regulator")
    today = timezone.now().astimezone(TEHRAN).date()

    body = client.get("/api/v1/kpis/service", {"from": str(today), "to": str(today)}).json()

    assert (body["transactions"], body["completed"], body["rejected"], body["failed"]) == (8, 6, 1, 0)
    assert body["completion_rate"] == pytest.approx(6 / 7)
    assert body["rejection_rate"] == pytest.approx(1 / 7)
    assert body["per_day"] == 8
    assert (body["overcharges"], body["overcharged"]) == (1, 40_000)
    assert body["fees_charged"] == 7 * TARIFF + 40_000 + 15_000
    assert body["delivery_minutes"] is not None
    assert body["delivery_minutes"] >= 0
    tehran = next(row for row in body["by"] if row["code"] == TEHRAN_PROVINCE)
    assert (tehran["transactions"], tehran["completed"]) == (6, 4)


def test_the_visits_against_the_target(work):
    year = jalali_date(timezone.localdate()).year
    last_year = [VisitRow(year - 1, month, TEHRAN_PROVINCE, 1000) for month in range(1, 13)]
    this_year = [VisitRow(year, 1, TEHRAN_PROVINCE, 800)]
    visit_reports_submit(agency=work["agency"], rows=last_year + this_year, actor=None)
    client = signed_in("cra", "regulator")

    body = client.get("/api/v1/kpis/visits", {"year": year}).json()

    assert (body["visits"], body["previous_same_months"], body["previous_year"]) == (800, 1000, 12_000)
    assert body["reduction"] == pytest.approx(0.2)
    assert body["projected"] == 9600
    assert body["target"] == 10_500
    assert body["on_track"] is True
    assert [row["code"] for row in body["by"]] == ["tamin"]
    directorate = signed_in("isfahan-ict", "directorate", ISFAHAN_PROVINCE)
    isfahan = directorate.get("/api/v1/kpis/visits", {"level": "province", "code": ISFAHAN_PROVINCE}).json()
    assert (isfahan["visits"], isfahan["on_track"]) == (0, None)


def test_outsourcing_conversions_and_network_answer_within_jurisdiction(work):
    make_service(work["sabt"], "passport", outsourcing="prohibited")
    client = signed_in("cra", "regulator")

    outsourcing = client.get("/api/v1/kpis/outsourcing").json()
    sabt = next(row for row in outsourcing["by"] if row["code"] == "sabt")
    assert (sabt["outsourced"], sabt["prohibited"]) == (1, 1)
    assert sabt["prohibited_services"][0]["code"] == "sabt.passport"
    assert sabt["prohibited_services"][0]["legal_basis"]
    assert sabt["office_transactions"] == 1
    assert sabt["office_share"] == 1.0
    assert {row["rank"] for row in outsourcing["by"]} == {1, 2}

    conversions = client.get("/api/v1/kpis/conversions").json()
    assert {row["code"] for row in conversions["by_organisation"]} == {
        "e_city", "social_security", "health_insurance", "ict",
    }  # fmt: skip

    network = client.get("/api/v1/kpis/network").json()
    assert network["offices"] == 3
    assert network["active"] == 3
    tehran = next(row for row in network["by"] if row["code"] == TEHRAN_PROVINCE)
    assert tehran["offices"] == 2
    assert tehran["per_100k"] > 0
    assert tehran["transactions"] == 6
    assert network["top_volume"][0]["code"] == work["office"].code

    agency = signed_in("tamin-staff", "agency_staff", "tamin")
    assert [row["code"] for row in agency.get("/api/v1/kpis/outsourcing").json()["by"]] == ["tamin"]
    assert agency.get("/api/v1/kpis/network").status_code == 403
    directorate = signed_in("tehran-ict", "directorate", TEHRAN_PROVINCE)
    assert (
        directorate.get("/api/v1/kpis/network", {"level": "province", "code": TEHRAN_PROVINCE}).json()[
            "offices"
        ]
        == 2
    )
    assert directorate.get("/api/v1/kpis/outsourcing").status_code == 403


def test_days_are_tehran_days_of_recording(work):
    """A transaction recorded just after midnight in Tehran (still the previous day in UTC) counts on
    the Tehran day."""
    now = timezone.now().astimezone(TEHRAN)
    midnight = now.replace(hour=0, minute=10, second=0, microsecond=0)
    if midnight > now - dt.timedelta(minutes=6):
        pytest.skip("too close to Tehran midnight")
    make_transaction(work["office"], recorded_at=midnight.isoformat())
    while rollups_update():
        pass
    client = signed_in("cra", "regulator")

    today = client.get("/api/v1/kpis/service", {"from": str(now.date()), "to": str(now.date())}).json()

    assert today["transactions"] == 9

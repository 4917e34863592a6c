"""The catalogue API at /api/v1/: public reads, writes by the agency's own staff or the regulator,
stable pagination and problem bodies on every refusal."""

import datetime as dt

import pytest

from pishkhan.catalogue.models import Service, Tariff
from tests.catalogue.factories import ServiceFactory, TariffFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
JSON = "application/json"


def _service_payload(**changes):
    return {
        "agency": "sabt",
        "code": "smart-card",
        "title_fa": "ثبت‌نام کارت ملی هوشمند",
        "title_en": "Smart national ID card registration",
        "trips_saved": 2,
        "target_minutes": 20,
        "office_kinds": ["pishkhan"],
        "required_documents": ["اصل شناسنامه"],
    } | changes


def test_the_catalogue_is_public(anon_client, sabt):
    service = ServiceFactory(agency=sabt, code="smart-card", office_kinds=["ict", "pishkhan"])
    TariffFactory(service=service, jalali_year=1404)

    listed = anon_client.get("/api/v1/services")
    one = anon_client.get("/api/v1/services/sabt.smart-card")
    history = anon_client.get("/api/v1/services/sabt.smart-card/tariffs")

    assert listed.status_code == one.status_code == history.status_code == 200
    assert listed.json()["count"] == 1
    assert one.json()["agency"] == "sabt"
    assert one.json()["office_kinds"] == ["pishkhan", "ict"]
    assert history.json() == [
        {
            "service": "sabt.smart-card",
            "jalali_year": 1404,
            "government_fee": 500_000,
            "office_fee": 150_000,
            "total": 650_000,
            "effective_from": "2025-03-21",
        }
    ]


def test_agencies_are_public_without_their_back_end_settings(anon_client, sabt):
    body = anon_client.get("/api/v1/agencies/sabt").json()

    assert body["name_fa"] == "سازمان ثبت احوال کشور"
    assert "base_url" not in body


def test_pages_are_stable_and_cover_every_service_once(anon_client, sabt, tamin):
    for number in range(7):
        ServiceFactory(agency=tamin if number % 2 else sabt, code=f"s{number}")

    pages = [anon_client.get("/api/v1/services", {"page": page, "page_size": 3}).json() for page in (1, 2, 3)]
    again = anon_client.get("/api/v1/services", {"page": 2, "page_size": 3}).json()

    codes = [item["code"] for page in pages for item in page["items"]]
    assert codes == ["sabt.s0", "sabt.s2", "sabt.s4", "sabt.s6", "tamin.s1", "tamin.s3", "tamin.s5"]
    assert [page["count"] for page in pages] == [7, 7, 7]
    assert again == pages[1]


def test_the_search_over_the_api_folds_arabic_letters(anon_client, sabt):
    ServiceFactory(agency=sabt, code="smart-card", title_fa="ثبت‌نام کارت ملی هوشمند")

    body = anon_client.get("/api/v1/services", {"q": "ثبتنام كارت ملي"}).json()

    assert [item["code"] for item in body["items"]] == ["sabt.smart-card"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"office_kind": "bank"}, "office_kind"),
        ({"outsourcing": "maybe"}, "outsourcing"),
        ({"q": "x" * 10_000}, "q"),
        ({"page": 0}, "page"),
        ({"page": 10**30}, "page"),
    ],
)
def test_bad_filters_are_a_422_problem(anon_client, query, field):
    response = anon_client.get("/api/v1/services", query)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert field in response.json()["errors"]


def test_an_unknown_service_is_a_404_problem(anon_client):
    response = anon_client.get("/api/v1/services/sabt.nothing")

    assert response.status_code == 404
    assert response.json()["type"] == "urn:pishkhan:problem:not-found"


def test_agency_staff_publish_their_own_agencys_service(client, sabt_key):
    response = client.post("/api/v1/services", _service_payload(), content_type=JSON, **sabt_key)

    assert response.status_code == 201
    assert response.json()["code"] == "sabt.smart-card"
    assert Service.objects.get().agency.code == "sabt"


def test_another_agencys_staff_cannot_publish_or_change_its_services(client, sabt, tamin_key):
    ServiceFactory(agency=sabt, code="smart-card")

    created = client.post("/api/v1/services", _service_payload(code="other"), content_type=JSON, **tamin_key)
    changed = client.patch(
        "/api/v1/services/sabt.smart-card", {"title_en": "Hijacked"}, content_type=JSON, **tamin_key
    )
    priced = client.post(
        "/api/v1/tariffs",
        {"service": "sabt.smart-card", "jalali_year": 1404, "government_fee": 1, "office_fee": 1,
         "effective_from": "2025-03-21"},
        content_type=JSON,
        **tamin_key,
    )  # fmt: skip

    assert [created.status_code, changed.status_code, priced.status_code] == [403, 403, 403]
    assert changed["Content-Type"] == PROBLEM
    assert changed.json()["type"] == "urn:pishkhan:problem:permission-denied"
    assert Service.objects.get().title_en.startswith("Test service")
    assert not Tariff.objects.exists()


def test_the_regulator_may_change_any_agencys_service(regulator_browser, sabt):
    ServiceFactory(agency=sabt, code="smart-card")

    response = regulator_browser.patch(
        "/api/v1/services/sabt.smart-card",
        {"outsourcing": "prohibited", "legal_basis": "قانون آزمایشی"},
        content_type=JSON,
    )

    assert response.status_code == 200
    assert (response.json()["outsourcing"], response.json()["legal_basis"]) == ("prohibited", "قانون آزمایشی")


def test_a_stranger_may_not_write(client, sabt):
    response = client.post("/api/v1/services", _service_payload(), content_type=JSON)

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_a_service_for_no_office_kind_is_a_422_problem(client, sabt_key):
    response = client.post(
        "/api/v1/services", _service_payload(office_kinds=[]), content_type=JSON, **sabt_key
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "office_kinds": ["A service must be deliverable by at least one kind of office."]
    }
    assert not Service.objects.exists()


def test_a_second_tariff_for_a_year_is_a_409_problem(client, sabt, sabt_key):
    service = ServiceFactory(agency=sabt, code="smart-card")
    body = {"service": "sabt.smart-card", "jalali_year": 1404, "government_fee": 700_000,
            "office_fee": 200_000, "effective_from": "2025-03-21"}  # fmt: skip

    first = client.post("/api/v1/tariffs", body, content_type=JSON, **sabt_key)
    second = client.post(
        "/api/v1/tariffs", body | {"effective_from": "2025-08-01"}, content_type=JSON, **sabt_key
    )

    assert (first.status_code, second.status_code) == (201, 409)
    assert first.json()["total"] == 900_000
    assert second["Content-Type"] == PROBLEM
    assert second.json()["type"] == "urn:pishkhan:problem:conflict"
    assert "jalali_year" in second.json()["errors"]
    assert Tariff.objects.get(service=service).effective_from == dt.date(2025, 3, 21)


def test_tariffs_in_force_on_a_day(anon_client, sabt):
    for code in ("a", "b"):
        service = ServiceFactory(agency=sabt, code=code)
        TariffFactory(service=service, jalali_year=1404, office_fee=100_000)
        TariffFactory(service=service, jalali_year=1405, office_fee=130_000)
    ServiceFactory(agency=sabt, code="c")  # no tariff

    body = anon_client.get("/api/v1/tariffs/in-force", {"on": "2026-03-20"}).json()

    assert [(t["service"], t["jalali_year"], t["office_fee"]) for t in body] == [
        ("sabt.a", 1404, 100_000),
        ("sabt.b", 1404, 100_000),
    ]


def test_the_regulator_registers_an_agency_but_agency_staff_cannot(client, regulator_browser, sabt_key):
    payload = {"code": "post", "name_fa": "شرکت ملی پست", "name_en": "Iran Post", "kind": "company"}

    by_staff = client.post("/api/v1/agencies", payload, content_type=JSON, **sabt_key)
    by_regulator = regulator_browser.post("/api/v1/agencies", payload, content_type=JSON)
    again = regulator_browser.post("/api/v1/agencies", payload, content_type=JSON)

    assert (by_staff.status_code, by_regulator.status_code, again.status_code) == (403, 201, 409)
    assert by_regulator.json()["adapter"] == "sandbox"


def test_agency_staff_change_their_back_end_settings(client, sabt_key):
    response = client.patch(
        "/api/v1/agencies/sabt",
        {"adapter": "http", "base_url": "https://api.sabt.example/v1"},
        content_type=JSON,
        **sabt_key,
    )

    assert response.status_code == 200
    assert response.json()["base_url"] == "https://api.sabt.example/v1"


def test_an_agency_reports_its_visits_in_bulk(client, geo_loaded, sabt_key, tamin_key):
    rows = [{"jalali_year": 1403, "jalali_month": month, "province": "23", "visits": 1000 * month}
            for month in range(1, 13)]  # fmt: skip

    mine = client.post("/api/v1/agencies/sabt/visit-reports", {"rows": rows}, content_type=JSON, **sabt_key)
    theirs = client.post(
        "/api/v1/agencies/sabt/visit-reports", {"rows": rows}, content_type=JSON, **tamin_key
    )
    listed = client.get("/api/v1/agencies/sabt/visit-reports", {"jalali_month": 12}, **sabt_key)

    assert mine.status_code == 200
    assert mine.json() == {"created": 12, "updated": 0, "unchanged": 0}
    assert theirs.status_code == 403
    assert [(r["province"], r["visits"]) for r in listed.json()["items"]] == [("23", 12_000)]


def test_a_bad_visit_row_is_a_422_problem_naming_the_row(client, geo_loaded, sabt_key):
    rows = [{"jalali_year": 1403, "jalali_month": 1, "province": "23", "visits": 1},
            {"jalali_year": 1403, "jalali_month": 1, "province": "77", "visits": 1}]  # fmt: skip

    response = client.post(
        "/api/v1/agencies/sabt/visit-reports", {"rows": rows}, content_type=JSON, **sabt_key
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["rows[1].province"]


@pytest.mark.parametrize("change", [{"active": None}, {"title_fa": None}, {"office_kinds": None}])
def test_a_null_never_quietly_blanks_a_field(client, sabt, sabt_key, change):
    ServiceFactory(agency=sabt, code="smart-card")

    response = client.patch("/api/v1/services/sabt.smart-card", change, content_type=JSON, **sabt_key)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(change)
    assert Service.objects.get().active is True

"""The catalogue pages: public browse, search and service pages (Persian by default), and the edit
forms that only the agency's own staff and the regulator may use."""

import re

import pytest

from pishkhan.catalogue.models import Service, Tariff
from tests.catalogue.factories import ServiceFactory, TariffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(sabt):
    """A sabt service with tariffs for 1404 and 1405."""
    service = ServiceFactory(
        agency=sabt,
        code="smart-card",
        title_fa="ثبت‌نام کارت ملی هوشمند",
        title_en="Smart national ID card registration",
        office_kinds=["pishkhan", "ict"],
        trips_saved=2,
        target_minutes=20,
    )
    TariffFactory(service=service, jalali_year=1404, government_fee=500_000, office_fee=150_000)
    TariffFactory(service=service, jalali_year=1405, government_fee=650_000, office_fee=200_000)
    return service


def _text(response):
    return response.content.decode()


def test_the_catalogue_is_persian_and_right_to_left_for_everyone(anon_client, card):
    response = anon_client.get("/services/")

    assert response.status_code == 200
    assert re.search(r'<html lang="fa" dir="rtl">', _text(response))
    assert "ثبت‌نام کارت ملی هوشمند" in _text(response)


@pytest.mark.parametrize("typed", ["ثبتنام كارت ملي", "ثبت نام کارت", "smart card"])
def test_the_search_page_finds_a_service_however_it_is_typed(anon_client, card, tamin, typed):
    ServiceFactory(agency=tamin, title_fa="دریافت سابقه بیمه", title_en="Insurance record")

    page = _text(anon_client.get("/services/", {"q": typed}))

    assert "/services/sabt.smart-card/" in page
    assert "سابقه بیمه" not in page


def test_the_search_page_filters_by_kind_and_agency(anon_client, card, tamin):
    ServiceFactory(
        agency=tamin, code="record", title_fa="دریافت سابقه بیمه", office_kinds=["social_security"]
    )

    by_kind = _text(anon_client.get("/services/", {"kind": "social_security"}))
    by_agency = _text(anon_client.get("/services/", {"agency": "sabt"}))

    assert ("tamin.record" in by_kind, "sabt.smart-card" in by_kind) == (True, False)
    assert ("tamin.record" in by_agency, "sabt.smart-card" in by_agency) == (False, True)


def test_a_bad_filter_is_a_form_error_not_a_failure(anon_client, card):
    response = anon_client.get("/services/", {"kind": "bank", "q": "x" * 10_000})

    assert response.status_code == 200
    assert 'class="errorlist"' in _text(response)
    assert "/services/sabt.smart-card/" not in _text(response)


def test_the_service_page_shows_its_facts_and_tariff_history_in_persian(anon_client, card):
    page = _text(anon_client.get("/services/sabt.smart-card/"))

    assert "ثبت‌نام کارت ملی هوشمند" in page
    # years newest first, fees with Persian digits and separators
    assert page.index("۱۴۰۵") < page.index("۱۴۰۴")
    assert "۸۵۰٬۰۰۰ ریال" in page  # 1405 total
    assert "۶۵۰٬۰۰۰ ریال" in page  # 1404 total
    assert "/services/sabt.smart-card/edit/" not in page  # a stranger is offered no edit link


def test_the_service_page_in_english(english, card):
    page = _text(english.get("/services/sabt.smart-card/"))

    assert "Smart national ID card registration" in page
    assert "<li>Government e-service counter office (Pishkhan)</li><li>Rural ICT office</li>" in page
    assert "850,000 rials" in page


def test_an_unknown_service_page_is_not_found(anon_client):
    assert anon_client.get("/services/sabt.nothing/").status_code == 404


def test_the_agency_pages_list_agencies_and_their_services(anon_client, card, tamin):
    agencies = _text(anon_client.get("/agencies/"))
    agency = _text(anon_client.get("/agencies/sabt/"))

    assert "/agencies/sabt/" in agencies
    assert "/agencies/tamin/" in agencies
    assert "/services/sabt.smart-card/" in agency
    assert anon_client.get("/agencies/nobody/").status_code == 404


def test_a_stranger_is_sent_to_sign_in_before_editing(anon_client, card):
    response = anon_client.get("/services/sabt.smart-card/edit/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_agencys_staff_get_403_and_change_nothing(tamin_browser, card):
    shown = tamin_browser.get("/services/sabt.smart-card/edit/")
    posted = tamin_browser.post(
        "/services/sabt.smart-card/edit/",
        {"title_fa": "ربوده", "title_en": "Hijacked", "trips_saved": 1, "target_minutes": 5,
         "office_kinds": ["pishkhan"], "outsourcing": "outsourced"},
    )  # fmt: skip
    priced = tamin_browser.post(
        "/services/sabt.smart-card/tariffs/new/",
        {"jalali_year": 1406, "government_fee": 1, "office_fee": 1, "effective_from": "1406/01/01"},
    )

    assert (shown.status_code, posted.status_code, priced.status_code) == (403, 403, 403)
    card.refresh_from_db()
    assert card.title_en == "Smart national ID card registration"
    assert Tariff.objects.filter(service=card).count() == 2


def _edit_form(**changes):
    return {
        "title_fa": "ثبت‌نام کارت ملی هوشمند",
        "title_en": "Smart national ID card registration",
        "description_fa": "",
        "description_en": "",
        "required_documents": "اصل شناسنامه\r\nکارت ملی قبلی",
        "trips_saved": "۲",
        "target_minutes": "25",
        "office_kinds": ["pishkhan", "ict"],
        "outsourcing": "outsourced",
        "legal_basis": "",
        "legal_date": "",
        "active": "on",
        "reason": "",
    } | changes


def test_the_agencys_own_staff_change_their_service(sabt_browser, card):
    form = sabt_browser.get("/services/sabt.smart-card/edit/")
    saved = sabt_browser.post("/services/sabt.smart-card/edit/", _edit_form(target_minutes="25"))

    assert form.status_code == 200
    assert saved.status_code == 302
    assert saved["Location"] == "/services/sabt.smart-card/"
    card.refresh_from_db()
    assert (card.target_minutes, card.required_documents) == (25, ["اصل شناسنامه", "کارت ملی قبلی"])


def test_the_regulator_changes_any_agencys_service_with_a_jalali_legal_date(regulator_browser, card):
    response = regulator_browser.post(
        "/services/sabt.smart-card/edit/",
        _edit_form(outsourcing="pending", legal_basis="در انتظار تفاهم‌نامه", legal_date="۱۴۰۴/۰۲/۱۰"),
    )

    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.outsourcing, card.legal_date.isoformat()) == ("pending", "2025-04-30")


def test_a_refused_change_comes_back_as_a_form_error(sabt_browser, card):
    response = sabt_browser.post("/services/sabt.smart-card/edit/", _edit_form(office_kinds=[]))

    assert response.status_code == 200
    assert 'id="id_office_kinds_error"' in _text(response)
    assert Service.objects.get(pk=card.pk).office_kinds == ["pishkhan", "ict"]


def test_staff_publish_next_years_tariff_and_a_taken_year_is_a_form_error(sabt_browser, card):
    form = sabt_browser.get("/services/sabt.smart-card/tariffs/new/")
    published = sabt_browser.post(
        "/services/sabt.smart-card/tariffs/new/",
        {
            "jalali_year": "۱۴۰۶",
            "government_fee": "۸۰۰٬۰۰۰",
            "office_fee": "250,000",
            "effective_from": "1406/01/01",
        },
    )
    taken = sabt_browser.post(
        "/services/sabt.smart-card/tariffs/new/",
        {"jalali_year": "1405", "government_fee": "1", "office_fee": "1", "effective_from": "1405/06/01"},
    )

    assert form.status_code == 200
    assert published.status_code == 302
    tariff = Tariff.objects.get(service=card, jalali_year=1406)
    assert (tariff.government_fee, tariff.office_fee, tariff.effective_from.isoformat()) == (
        800_000,
        250_000,
        "2027-03-21",
    )
    assert taken.status_code == 200
    assert "errorlist" in _text(taken)
    assert Tariff.objects.get(service=card, jalali_year=1405).government_fee == 650_000


def test_a_day_that_is_not_in_the_jalali_calendar_is_a_form_error(sabt_browser, card):
    response = sabt_browser.post(
        "/services/sabt.smart-card/tariffs/new/",
        {"jalali_year": "1406", "government_fee": "1", "office_fee": "1", "effective_from": "1406/07/31"},
    )

    assert response.status_code == 200
    assert not Tariff.objects.filter(jalali_year=1406).exists()

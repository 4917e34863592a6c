"""The office pages behind sign-in: the directory and an office (scoped to the caller's jurisdiction),
and the conversions board with its decisions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from pishkhan.accounts.services import user_create
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.services import conversion_request, office_set_status, staff_add
from pishkhan.offices.states import ConversionState
from tests.offices.factories import (
    ARDESTAN_CITY,
    ARDESTAN_COUNTY,
    DAMAVAND_COUNTY,
    ISFAHAN_PROVINCE,
    make_office,
    national_id,
)
from tests.offices.pages_data import PASSWORD, network_build, rows, signed_in


@pytest.fixture
def network(geo_loaded):
    return network_build()


@pytest.fixture
def regulator(db):
    return signed_in("regulator", "regulator")


@pytest.fixture
def tehran_directorate(db):
    return signed_in("dir23", "directorate", "23")


@pytest.fixture
def isfahan_directorate(db):
    return signed_in("dir10", "directorate", "10")


# --- Who may see what ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/offices/", "/offices/P23-0001/", "/offices/conversions/"])
def test_a_stranger_is_sent_to_sign_in_from_the_protected_pages(anon_client, network, path):
    response = anon_client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", ["/offices/", "/offices/P23-0001/", "/offices/conversions/"])
def test_agency_staff_may_not_see_the_office_registry(network, path):
    staff = signed_in("sabt-staff", "agency_staff", "sabt")

    assert staff.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/find/", "/offices/P23-0001/rates/", "/find/counties/?province=23"])
def test_the_public_pages_open_without_signing_in(anon_client, network, path):
    assert anon_client.get(path).status_code == 200


# --- The directory -------------------------------------------------------------------------------


def test_the_regulator_sees_every_office_in_the_directory_and_on_the_map(regulator, network):
    response = regulator.get("/offices/")

    assert response.status_code == 200
    assert rows(response, "offices") == ["P10-0001", "P23-0001", "P23-0002", "P23-0003", "S23-0001"]
    html = response.content.decode()
    assert 'data-kind="pishkhan" data-count="4"' in html
    assert 'data-kind="social_security" data-count="1"' in html
    credits = re.search(r'<ul class="credits".*?</ul>', html, re.S).group(0)
    assert "OpenStreetMap" in credits
    assert "ODbL" in credits
    assert html.count('<path class="outline') == 31


def test_a_directorate_sees_only_its_own_provinces_offices(tehran_directorate, isfahan_directorate, network):
    tehran = tehran_directorate.get("/offices/")
    isfahan = isfahan_directorate.get("/offices/")

    assert rows(tehran, "offices") == ["P23-0001", "P23-0002", "P23-0003", "S23-0001"]
    assert rows(isfahan, "offices") == ["P10-0001"]
    assert 'data-kind="pishkhan" data-count="1"' in isfahan.content.decode()
    # Its map is zoomed on its province, which is the one outlined as the focus.
    assert 'class="outline outline--focus" data-code="10"' in isfahan.content.decode()


@pytest.mark.parametrize("query", ["province=10", "county=1001", "province=۱۰", "province=23&county=1001"])
def test_a_directorate_asking_for_another_province_is_refused(tehran_directorate, network, query):
    response = tehran_directorate.get(f"/offices/?{query}")

    assert response.status_code == 403
    assert "P10-0001" not in response.content.decode()


def test_the_directory_filters_by_county_kind_status_and_name(regulator, network):
    office_set_status(office=network["rudehen"], status="suspended", actor=None)

    by_county = regulator.get("/offices/?province=23&county=" + DAMAVAND_COUNTY)
    by_kind = regulator.get("/offices/?kind=social_security")
    by_status = regulator.get("/offices/?status=suspended")
    by_name = regulator.get("/offices/?q=" + "دماوند")
    by_code = regulator.get("/offices/?q=p10-0001")

    assert rows(by_county, "offices") == ["P23-0002", "P23-0003"]
    assert rows(by_kind, "offices") == ["S23-0001"]
    assert rows(by_status, "offices") == ["P23-0003"]
    assert rows(by_name, "offices") == ["P23-0002"]
    assert rows(by_code, "offices") == ["P10-0001"]


def test_the_directory_offers_the_counties_of_the_chosen_province(regulator, network):
    response = regulator.get("/offices/?province=23")

    county_select = re.search(r'<select name="county".*?</select>', response.content.decode(), re.S).group(0)
    assert 'value="2302"' in county_select
    assert 'value="1001"' not in county_select


@pytest.mark.parametrize(
    "query", ["kind=castle", "status=sleeping", "province=99", "province=23&county=1001", "county=abcd"]
)
def test_bad_filters_are_form_errors_not_failures(regulator, network, query):
    response = regulator.get(f"/offices/?{query}")

    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert rows(response, "offices") == []


def test_the_directory_is_paginated(regulator, network, monkeypatch):
    monkeypatch.setattr("pishkhan.offices.views.directory.PAGE_SIZE", 2)

    first = regulator.get("/offices/")
    third = regulator.get("/offices/?page=3")

    assert rows(first, "offices") == ["P10-0001", "P23-0001"]
    assert rows(third, "offices") == ["S23-0001"]
    assert 'rel="next" href="?page=2"' in first.content.decode()


# --- An office ------------------------------------------------------------------------------------


def test_an_office_page_shows_its_details_hours_operator_masked_and_staff(tehran_directorate, network):
    office = network["tehran"]
    clerk_user = user_create(
        username="clerk1",
        password=PASSWORD,
        role="office_operator",
        jurisdiction_code=office.code,
        actor=None,
    )
    staff_add(office=office, user=clerk_user, position="clerk", actor=None)

    response = tehran_directorate.get("/offices/P23-0001/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "دفتر پیشخوان آزادی" in html
    full_id = national_id(1234 + 1)
    assert full_id not in html
    assert "".join("۰۱۲۳۴۵۶۷۸۹"[int(d)] for d in full_id) not in html
    assert "clerk1" in html
    week = re.search(r'<table class="data week">.*?</table>', html, re.S).group(0)
    days = re.findall(r'<th scope="row">([^<]+)', week)
    # The Iranian week: Saturday first, Friday last (names from the Persian catalogue).
    assert len(days) == 7
    assert (days[0].strip(), days[6].strip()) == ("شنبه", "جمعه")
    assert week.count('class="today"') == 1
    assert 'href="/offices/P23-0001/rates/"' in html


def test_an_office_outside_the_directorates_province_is_not_found(isfahan_directorate, network):
    assert isfahan_directorate.get("/offices/P23-0001/").status_code == 404
    assert isfahan_directorate.get("/offices/P10-0001/").status_code == 200


@pytest.mark.parametrize("code", ["P23-9999", "nonsense", "P99-0001"])
def test_an_unknown_or_malformed_office_code_is_not_found(regulator, network, code):
    assert regulator.get(f"/offices/{code}/").status_code == 404


def test_an_office_operator_sees_only_its_own_office(network):
    operator = signed_in("op1", "office_operator", "P23-0001")

    assert rows(operator.get("/offices/"), "offices") == ["P23-0001"]
    assert operator.get("/offices/P23-0001/").status_code == 200
    assert operator.get("/offices/P23-0002/").status_code == 404


# --- Conversions ----------------------------------------------------------------------------------


@pytest.fixture
def conversions(network):
    """An open case within its deadline for the Social Security office, and one long overdue."""
    late = make_office(6, name="کارگزاری قدیمی", kind=OfficeKind.SOCIAL_SECURITY, organisation="tamin")
    make_office(7, name="کارگزاری اصفهان", kind=OfficeKind.SOCIAL_SECURITY, organisation="tamin",
                province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=ARDESTAN_CITY)  # fmt: skip
    pending = conversion_request(office=network["tamin"], actor=None, reason="قانون")
    overdue = conversion_request(
        office=late, actor=None, now=timezone.now() - dt.timedelta(days=400), reason="قانون"
    )
    return {"pending": pending, "overdue": overdue}


def _board_row(response, organisation: str, kind: str) -> dict[str, str]:
    html = response.content.decode()
    row = re.search(rf'<tr data-organisation="{organisation}" data-kind="{kind}".*?</tr>', html, re.S)
    assert row, f"no board row for {organisation}/{kind}"
    return dict(re.findall(r'data-count="(\w+)">([^<]*)<', row.group(0)))


def test_the_board_counts_each_organisations_cases_and_shows_overdue(tehran_directorate, conversions):
    response = tehran_directorate.get("/offices/conversions/")

    assert response.status_code == 200
    counts = _board_row(response, "tamin", "social_security")
    # Persian digits on a Persian page; Tehran's directorate sees its two Social Security offices only.
    assert counts == {"converted": "۰", "pending": "۱", "overdue": "۱", "refused": "۰", "remaining": "۲"}
    html = response.content.decode()
    open_cases = re.findall(r'<tr data-conversion="(\d+)"( class="overdue")?', html)
    assert open_cases == [
        (str(conversions["overdue"].pk), ' class="overdue"'),
        (str(conversions["pending"].pk), ""),
    ]


def test_the_regulator_sees_the_whole_countrys_board(regulator, conversions):
    response = regulator.get("/offices/conversions/")

    assert _board_row(response, "tamin", "social_security")["remaining"] == "۳"


def test_a_directorate_decides_a_conversion_and_the_office_becomes_a_pishkhan_office(
    tehran_directorate, conversions
):
    case = conversions["pending"]
    page = tehran_directorate.get(f"/offices/conversions/{case.pk}/")
    assert 'value="review"' in page.content.decode()

    review = tehran_directorate.post(f"/offices/conversions/{case.pk}/", {"action": "review"})
    response = tehran_directorate.post(
        f"/offices/conversions/{case.pk}/", {"action": "converted", "basis": "مصوبه"}
    )

    assert review.status_code == 302
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == ConversionState.CONVERTED
    assert Office.objects.get(code="S23-0001").kind == OfficeKind.PISHKHAN


def test_a_decision_on_a_case_already_decided_is_a_conflict_shown_on_the_form(
    tehran_directorate, conversions
):
    case = conversions["pending"]
    tehran_directorate.post(f"/offices/conversions/{case.pk}/", {"action": "refused", "reason": "نقص مدارک"})

    response = tehran_directorate.post(f"/offices/conversions/{case.pk}/", {"action": "converted"})

    assert response.status_code == 409
    assert 'class="notice notice--error" role="alert"' in response.content.decode()
    assert Conversion.objects.get(pk=case.pk).state == ConversionState.REFUSED


def test_a_refusal_without_a_reason_is_a_form_error(tehran_directorate, conversions):
    case = conversions["pending"]

    response = tehran_directorate.post(f"/offices/conversions/{case.pk}/", {"action": "refused"})

    assert response.status_code == 422
    assert 'id="id_reason_error"' in response.content.decode()
    assert Conversion.objects.get(pk=case.pk).state == ConversionState.REQUESTED


def test_who_may_only_view_gets_no_decision_form_and_may_not_post(network, conversions):
    inspector = signed_in("inspector23", "inspector", "23")
    case = conversions["pending"]

    page = inspector.get(f"/offices/conversions/{case.pk}/")
    post = inspector.post(f"/offices/conversions/{case.pk}/", {"action": "converted"})

    assert page.status_code == 200
    assert '<form class="form" method="post"' not in page.content.decode()
    assert post.status_code == 403
    assert Conversion.objects.get(pk=case.pk).state == ConversionState.REQUESTED


def test_another_provinces_conversion_is_not_found(isfahan_directorate, conversions):
    assert isfahan_directorate.get(f"/offices/conversions/{conversions['pending'].pk}/").status_code == 404


def test_an_office_s_address_uses_the_page_s_digits_and_its_code_stays_latin(tehran_directorate, geo_loaded):
    office = make_office(5, address="خیابان آزادی، پلاک 143")

    html = tehran_directorate.get(f"/offices/{office.code}/").content.decode()

    assert "خیابان آزادی، پلاک ۱۴۳" in html
    assert "پلاک 143" not in html
    assert f'<span class="code">{office.code}</span>' in html

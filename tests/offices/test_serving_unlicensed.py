"""An office of a kind the regulator licenses serves citizens only once licensed: registered, it is
"unlicensed" (not offered by /find/ or /api/v1/offices/near), and the registry's office page says why."""

from __future__ import annotations

import pytest
from django.apps import apps

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.offices.models import Office
from pishkhan.offices.services import (
    conversion_decide,
    conversion_request,
    conversion_review,
    office_serving_set,
)
from tests.offices.factories import DAMAVAND_CITY, DAMAVAND_COUNTY, make_office
from tests.offices.pages_data import network_build, result_codes, signed_in

NEAR_DAMAVAND = {"service": "sabt.birth-copy", "lat": "35.72", "lon": "52.07"}


@pytest.fixture
def network(geo_loaded):
    return network_build()


def _unlicensed(n: int = 6) -> Office:
    return make_office(n, name="دفتر تازه", county=DAMAVAND_COUNTY, place=DAMAVAND_CITY, licensed=False)


def test_a_pishkhan_office_is_registered_unlicensed_and_a_parallel_one_serves(geo_loaded):
    pishkhan = make_office(1, licensed=False)
    rural = make_office(2, kind=OfficeKind.ICT, licensed=False)
    tamin = make_office(3, kind=OfficeKind.SOCIAL_SECURITY, organisation=None, licensed=False)

    stored = dict(Office.objects.values_list("code", "serving_hold"))
    assert stored == {pishkhan.code: "unlicensed", rural.code: "unlicensed", tamin.code: ""}
    assert not Office.objects.get(pk=pishkhan.pk).serving


def test_find_and_near_me_do_not_offer_an_office_without_a_licence(anon_client, network):
    office = _unlicensed()

    found = anon_client.get("/find/", NEAR_DAMAVAND)
    near = anon_client.get("/api/v1/offices/near", NEAR_DAMAVAND)

    assert found.status_code == near.status_code == 200
    assert office.code not in result_codes(found)
    assert "P23-0002" in result_codes(found)  # the licensed offices are still offered
    codes = [row["code"] for row in near.json()]
    assert office.code not in codes
    assert "P23-0002" in codes


def test_once_licensing_says_it_serves_the_office_is_offered(anon_client, network):
    office = _unlicensed()

    office_serving_set(office=office, hold="", source="L-23-1405-00009", actor="licensing")

    assert office.code in result_codes(anon_client.get("/find/", NEAR_DAMAVAND))
    near = anon_client.get("/api/v1/offices/near", NEAR_DAMAVAND).json()
    assert office.code in [row["code"] for row in near]


def test_the_registry_office_page_says_why_it_is_not_serving(network):
    office = _unlicensed()
    staff = signed_in("cra", "regulator")

    page = staff.get(f"/offices/{office.code}/")

    assert page.status_code == 200
    assert 'data-hold="unlicensed"' in page.content.decode()
    assert "No licence" in page.content.decode() or "بدون مجوز" in page.content.decode()


def test_a_conversion_into_a_pishkhan_office_waits_for_its_licence(geo_loaded):
    office = make_office(1, kind=OfficeKind.E_CITY, licensed=False)
    assert office.serving_hold == ""
    conversion = conversion_review(conversion=conversion_request(office=office, actor="cra"), actor="cra")

    conversion_decide(conversion=conversion, outcome="converted", actor="cra", basis="تبدیل")

    stored = Office.objects.get(pk=office.pk)
    assert (stored.kind, stored.serving_hold, stored.serving) == ("pishkhan", "unlicensed", False)


def test_the_migration_marks_existing_offices_without_any_licence(geo_loaded):
    from importlib import import_module

    backfill = import_module("pishkhan.offices.migrations.0004_unlicensed_backfill").backfill
    never_licensed = make_office(1)  # serving as the rows were before the rule
    ended = make_office(2)
    office_serving_set(office=ended, hold="revoked", actor="cra")
    tamin = make_office(3, kind=OfficeKind.SOCIAL_SECURITY, organisation=None)

    backfill(apps, None)

    holds = dict(Office.objects.values_list("code", "serving_hold"))
    assert holds == {never_licensed.code: "unlicensed", ended.code: "revoked", tamin.code: ""}

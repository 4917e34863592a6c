"""Fixtures of the counter: two Tehran offices and one in Isfahan with active licences, a deliverable
service with a tariff, and API keys of an office and an agency, all made through the domain services."""

from __future__ import annotations

import pytest

from pishkhan.accounts.services import apikey_create
from pishkhan.common.identifiers import tracking_code_new
from pishkhan.gateway.services import submission_enqueue
from pishkhan.transactions.services import writer
from tests.licensing.factories import imported
from tests.offices.factories import (
    ARDESTAN,
    ARDESTAN_COUNTY,
    ISFAHAN_PROVINCE,
    make_agency,
    make_office,
    make_service,
    make_tariff_since,
)

GOVERNMENT_FEE, OFFICE_FEE = 500_000, 150_000
TARIFF = GOVERNMENT_FEE + OFFICE_FEE


@pytest.fixture
def counter(geo_loaded):
    """Offices, a service that Pishkhan offices may deliver (with a tariff in force), and keys."""
    agency = make_agency()
    service = make_service(agency, "pension-statement")
    make_tariff_since(service, days=60, government_fee=GOVERNMENT_FEE, office_fee=OFFICE_FEE)
    office = make_office(1)
    other = make_office(2)
    isfahan = make_office(
        3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )
    for licensed in (office, other, isfahan):
        imported(licensed, status="active")  # the regulator's licence, active: the office may serve
    _, office_key = apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    _, other_key = apikey_create(holder_kind="office", holder_code=other.code, actor=None)
    _, isfahan_key = apikey_create(holder_kind="office", holder_code=isfahan.code, actor=None)
    _, agency_key = apikey_create(holder_kind="agency", holder_code=agency.code, actor=None)
    return {
        "agency": agency,
        "service": service,
        "office": office,
        "other": other,
        "isfahan": isfahan,
        "office_key": office_key,
        "other_key": other_key,
        "isfahan_key": isfahan_key,
        "agency_key": agency_key,
    }


@pytest.fixture
def code_taken(counter, monkeypatch):
    """A tracking code another submission already holds as its outbox key, and drawn first by the
    counter's next new transaction (the rare clash of a random code); every later draw is fresh."""
    taken = tracking_code_new()
    submission_enqueue(agency=counter["agency"], idempotency_key=taken, payload={"any": 1}, actor=None)
    draws = iter([taken])
    monkeypatch.setattr(writer, "tracking_code_new", lambda: next(draws, None) or tracking_code_new())
    return taken

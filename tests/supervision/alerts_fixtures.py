"""Fixtures of supervision's alerts: offices open all day (so that only the rule under test fires),
a priced service, active licences, an office key; and helpers to post and evaluate."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from pishkhan.accounts.services import apikey_create
from pishkhan.supervision import tasks
from tests.licensing.factories import imported
from tests.offices.factories import (
    ARDESTAN,
    ARDESTAN_COUNTY,
    ISFAHAN_PROVINCE,
    make_agency,
    make_office,
    make_service,
    make_tariff_since,
    national_id,
)

GOVERNMENT_FEE, OFFICE_FEE = 500_000, 150_000
TARIFF = GOVERNMENT_FEE + OFFICE_FEE
SERVICE = "tamin.pension-statement"
ALL_DAY = {str(day): [["00:00", "24:00"]] for day in range(7)}


def office_key(office) -> str:
    """A new API key for the office's system."""
    _, key = apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    return key


@dataclass
class Shop:
    office: object  # Tehran, open all day, active licence
    other: object  # Tehran, same county, open all day, active licence
    isfahan: object  # Isfahan, open all day, active licence
    service: object
    key: str
    isfahan_key: str


@pytest.fixture
def shop(geo_loaded):
    agency = make_agency()
    service = make_service(agency, "pension-statement")
    make_tariff_since(service, days=60, government_fee=GOVERNMENT_FEE, office_fee=OFFICE_FEE)
    office = make_office(1, opening_hours=ALL_DAY)
    other = make_office(2, opening_hours=ALL_DAY)
    isfahan = make_office(
        3,
        province=ISFAHAN_PROVINCE,
        county=ARDESTAN_COUNTY,
        place=None,
        lat=ARDESTAN[0],
        lon=ARDESTAN[1],
        opening_hours=ALL_DAY,
    )
    for licensed in (office, other, isfahan):
        imported(licensed, status="active")
    return Shop(
        office=office,
        other=other,
        isfahan=isfahan,
        service=service,
        key=office_key(office),
        isfahan_key=office_key(isfahan),
    )


_references = iter(range(1, 1_000_000))


def post(key: str, *, fee: int = TARIFF, citizen: int = 777, **overrides):
    """Post a transaction as an office's system does, through the API; returns the answer."""
    number = next(_references)
    body = {
        "service": SERVICE,
        "national_id": national_id(citizen),
        "mobile": "09351112233",
        "fee_charged": fee,
        "office_reference": f"A-{number}",
        "clerk": "Clerk 7",
    } | overrides
    answer = Client().post(
        "/api/v1/transactions",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY=f"idem-{number}",
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def evaluate() -> int:
    """One round of the near-real-time job, as the worker runs it; how many transactions it read."""
    return tasks.alerts_evaluate(now=timezone.now())

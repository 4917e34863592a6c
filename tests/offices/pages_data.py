"""Data and helpers shared by the office page tests (each test module declares its own fixtures).

The network: agencies "sabt" and "tamin" with a service each for Pishkhan offices (and a prohibited
one), this year's and last year's tariffs, and five offices: P23-0001 (Tehran, always open),
P23-0002 (Damavand, never open), P23-0003 (Rudehen in Damavand county), S23-0001 (Social Security,
Tehran) and P10-0001 (Ardestan, Isfahan province).
"""

from __future__ import annotations

import re

import jdatetime
from django.test import Client
from django.utils import timezone

from pishkhan.accounts.services import user_create
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.calendar import jalali_year
from tests.offices.factories import (
    ARDESTAN_CITY,
    ARDESTAN_COUNTY,
    DAMAVAND_CITY,
    DAMAVAND_COUNTY,
    ISFAHAN_PROVINCE,
    RUDEHEN_CITY,
    make_agency,
    make_office,
    make_service,
    make_tariff,
)

PASSWORD = "a-Long-enough-passphrase-42"
ALWAYS_OPEN = {str(day): [["00:00", "24:00"]] for day in range(7)}
NEVER_OPEN: dict[str, list[list[str]]] = {}


def rows(response, table_id: str) -> list[str]:
    """The ``data-code`` of each row of a table on the page, in order."""
    html = response.content.decode()
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    return re.findall(r'<tr data-code="([^"]+)"', table.group(0)) if table else []


def result_codes(response) -> list[str]:
    """The office codes of the results of the "find an office" page, in order."""
    return re.findall(r'<li class="result card" data-code="([^"]+)"', response.content.decode())


def signed_in(username: str, role: str, code: str = "") -> Client:
    """A browser signed in as a new user with this role and jurisdiction."""
    user = user_create(username=username, password=PASSWORD, role=role, jurisdiction_code=code, actor=None)
    client = Client()
    client.force_login(user)
    return client


def network_build() -> dict:
    """Two agencies and their services with this year's tariffs; offices in Tehran and Isfahan."""
    sabt = make_agency("sabt", "National Organization for Civil Registration")
    tamin = make_agency("tamin", "Social Security Organization")
    birth = make_service(sabt, "sabt.birth-copy", kinds=(OfficeKind.PISHKHAN, OfficeKind.ICT))
    pension = make_service(tamin, "tamin.pension", kinds=(OfficeKind.SOCIAL_SECURITY, OfficeKind.PISHKHAN))
    make_service(sabt, "sabt.passport", outsourcing="prohibited")
    year = jalali_year(timezone.localdate())
    make_tariff(
        birth,
        year=year - 1,
        effective_from=jdatetime.date(year - 1, 1, 1).togregorian(),
        government_fee=100_000,
        office_fee=60_000,
    )
    make_tariff(
        birth,
        year=year,
        effective_from=jdatetime.date(year, 1, 1).togregorian(),
        government_fee=150_000,
        office_fee=85_000,
    )
    make_tariff(
        pension,
        year=year,
        effective_from=jdatetime.date(year, 1, 1).togregorian(),
        government_fee=0,
        office_fee=120_000,
    )
    offices = {
        "tehran": make_office(1, name="دفتر پیشخوان آزادی", opening_hours=ALWAYS_OPEN),
        "damavand": make_office(
            2, name="دفتر دماوند", county=DAMAVAND_COUNTY, place=DAMAVAND_CITY, opening_hours=NEVER_OPEN
        ),
        "rudehen": make_office(
            3, name="دفتر رودهن", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY, opening_hours=ALWAYS_OPEN
        ),
        "tamin": make_office(4, name="کارگزاری تامین", kind=OfficeKind.SOCIAL_SECURITY, organisation="tamin"),
        "ardestan": make_office(
            5,
            name="دفتر اردستان",
            province=ISFAHAN_PROVINCE,
            county=ARDESTAN_COUNTY,
            place=ARDESTAN_CITY,
            opening_hours=ALWAYS_OPEN,
        ),
    }
    assert [office.code for office in offices.values()] == [
        "P23-0001",
        "P23-0002",
        "P23-0003",
        "S23-0001",
        "P10-0001",
    ]
    return offices

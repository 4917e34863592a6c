"""Builders of offices tests: drafts with valid identifiers, offices and a small catalogue, all made
through the domain services (so what a test starts from is what the rules allow)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import jdatetime
from django.utils import timezone

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.services import agency_create, service_create, tariff_set
from pishkhan.offices.services import (
    OfficeDraft,
    OperatorDraft,
    ServingChange,
    office_register,
    office_register_many,
    office_serving_set,
    offices_serving_set_many,
)
from pishkhan.offices.states import ServingHold

# Real places of the loaded geography.
TEHRAN_PROVINCE, TEHRAN_COUNTY, TEHRAN_CITY = "23", "2301", "1576"  # Tehran city: 35.69439, 51.42151
DAMAVAND_COUNTY, DAMAVAND_CITY = "2302", "1578"  # Damavand city: 35.71842, 52.06958
RUDEHEN_CITY = "1579"  # in Damavand county: 35.73338, 51.90587
DAMAVAND_VILLAGE_UNLOCATED = "2302020004259294"  # ابزه: no coordinates in the data
ISFAHAN_PROVINCE, ARDESTAN_COUNTY, ARDESTAN_CITY = "10", "1001", "1395"  # 33.37939, 52.36981
TEHRAN = (35.69439, 51.42151)
DAMAVAND = (35.71842, 52.06958)
ARDESTAN = (33.37939, 52.36981)


def national_id(n: int) -> str:
    """A valid national ID (correct check digit) made from a number."""
    body = f"{n:09d}"[-9:]
    if len(set(body)) == 1:
        body = "1" + body[1:]
    remainder = sum(int(digit) * (10 - i) for i, digit in enumerate(body)) % 11
    return body + str(remainder if remainder < 2 else 11 - remainder)


def operator_draft(n: int = 1, **overrides: object) -> OperatorDraft:
    """A person holding an office, with a valid national ID and mobile number."""
    values = {
        "kind": "person",
        "name": f"اپراتور {n}",
        "mobile": f"0912{n:07d}",
        "national_id": national_id(1234 + n),
    }
    return OperatorDraft(**(values | overrides))  # type: ignore[arg-type]


def office_draft(n: int = 1, **overrides: object) -> OfficeDraft:
    """A Pishkhan office in Tehran city, at the city's point, unless told otherwise."""
    values = {
        "name": f"دفتر پیشخوان {n}",
        "kind": OfficeKind.PISHKHAN,
        "province": TEHRAN_PROVINCE,
        "county": TEHRAN_COUNTY,
        "place": TEHRAN_CITY,
        "operator": operator_draft(n),
        "postal_code": "1315763111",
        "address": "خیابان آزادی",
    }
    return OfficeDraft(**(values | overrides))  # type: ignore[arg-type]


_REGISTRATION_ONLY = ("location_estimated", "status", "created_at")  # what office_register does not take


def make_office(n: int = 1, *, licensed: bool = True, **overrides: object):
    """Register an office through the service. An office of a kind the regulator licenses starts
    unlicensed (not serving); ``licensed`` then has the registry told what licensing tells it of an
    active licence (it serves), unless the test wants the office as registered."""
    draft = office_draft(n, **overrides)
    values = {
        f.name: getattr(draft, f.name) for f in dataclasses.fields(draft) if f.name not in _REGISTRATION_ONLY
    }
    office = office_register(**values, actor=None)
    if licensed and office.serving_hold == ServingHold.UNLICENSED:
        office_serving_set(office=office, hold="", source="an active licence", actor=None)
    return office


def make_offices(rows, *, licensed: bool = True):
    """Register many offices through the bulk service; ``licensed`` as :func:`make_office`."""
    offices = office_register_many(rows=rows, actor=None)
    if licensed:
        changes = [ServingChange(o.pk) for o in offices if o.serving_hold == ServingHold.UNLICENSED]
        offices_serving_set_many(changes=changes, actor=None, source="active licences")
        for office in offices:
            office.serving_hold = ""
    return offices


def make_agency(code: str = "tamin", name_en: str = "Social Security Organization"):
    """An agency through the catalogue's service."""
    return agency_create(
        code=code, name_fa=f"سازمان {code}", name_en=name_en, kind="organisation", actor=None
    )


def make_service(
    agency, slug: str, *, kinds=(OfficeKind.PISHKHAN,), outsourcing: str = "outsourced", **extra
):
    """A service through the catalogue's service (a prohibited one cites a law)."""
    if outsourcing == "prohibited":
        extra.setdefault("legal_basis", "قانون نمونه، ماده ۱")
    return service_create(
        agency=agency,
        code=slug,
        title_fa=f"خدمت {slug}",
        title_en=f"Service {slug}",
        trips_saved=1,
        target_minutes=30,
        office_kinds=list(kinds),
        outsourcing=outsourcing,
        actor=None,
        **extra,
    )


def make_tariff(service, *, year: int, effective_from: dt.date, government_fee: int, office_fee: int):
    """A tariff through the catalogue's service."""
    return tariff_set(
        service=service,
        jalali_year=year,
        government_fee=government_fee,
        office_fee=office_fee,
        effective_from=effective_from,
        actor=None,
    )


def make_tariff_since(service, *, days: int, government_fee: int, office_fee: int):
    """A tariff in force since ``days`` days ago, in the Jalali year of that day (the counter refuses
    a service without a tariff in force)."""
    since = timezone.localdate() - dt.timedelta(days=days)
    year = jdatetime.date.fromgregorian(date=since).year
    return make_tariff(
        service, year=year, effective_from=since, government_fee=government_fee, office_fee=office_fee
    )

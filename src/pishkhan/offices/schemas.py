"""API shapes of the office registry. An operator's national ID leaves the server only masked."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.selectors import NEAR_MAX_LIMIT, NearOffice, RateLine

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Hours = dict[str, list[list[str]]]


class OperatorOut(Schema):
    """Who holds the office; a person's national ID and mobile number masked."""

    kind: str = Field(description="person or company")
    name: str
    identifier: str = Field(
        description="a person's national ID masked (001*****78), or a company's (001******78)"
    )
    mobile: str = Field(description="masked")


def _operator(office: Office) -> OperatorOut | None:
    operator = getattr(office, "operator", None)
    if operator is None:
        return None
    return OperatorOut(
        kind=operator.kind,
        name=operator.name,
        identifier=operator.identifier_masked,
        mobile=operator.mobile_masked,
    )


class OfficeOut(Schema):
    """An office of the registry."""

    code: str = Field(description="kind letter (as registered), province, number: P23-0001; never changes")
    name: str
    kind: str = Field(description="pishkhan, ict, e_city, social_security or health_insurance")
    status: str = Field(description="active, suspended or closed")
    serving_hold: str = Field(
        description="blank when the office serves citizens; else why not: unlicensed (a kind the "
        "regulator licenses, no licence yet), not_yet_active, suspended, revoked, expired or surrendered "
        "(its licence)"
    )
    serving_hold_until: dt.date | None = Field(description="the last day of the licence's suspension")
    province_code: str
    county_code: str
    place_code: str | None = Field(description="official code of the city or village (or SCI city code)")
    place_name_fa: str | None
    lat: float
    lon: float
    location_estimated: bool = Field(
        description="a point inside the county: the village's position is unknown"
    )
    setting: str = Field(description="urban or rural")
    address: str
    postal_code: str
    counters: int
    opening_hours: Hours = Field(description='weekday (0 = Saturday … 6 = Friday) → [["08:00", "16:00"]]')
    phone: str
    organisation: str | None = Field(description="code of the agency that runs its network, if any")
    operator: OperatorOut | None
    created_at: dt.datetime

    @staticmethod
    def resolve_province_code(office: Office) -> str:
        return office.province.code

    @staticmethod
    def resolve_county_code(office: Office) -> str:
        return office.county.code

    @staticmethod
    def resolve_place_code(office: Office) -> str | None:
        return (office.place.code or office.place.city_code) if office.place_id else None

    @staticmethod
    def resolve_place_name_fa(office: Office) -> str | None:
        return office.place.name_fa if office.place_id else None

    @staticmethod
    def resolve_organisation(office: Office) -> str | None:
        return office.organisation.code if office.organisation_id else None

    @staticmethod
    def resolve_operator(office: Office) -> OperatorOut | None:
        return _operator(office)


class OfficeListIn(Schema):
    """Filters of the office list."""

    province: ShortText | None = Field(None, description="province code, two digits")
    county: ShortText | None = Field(None, description="county code, four digits")
    kind: ShortText | None = None
    status: ShortText | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = Field(
        None, description="part of the name or the code, typed any way"
    )


class OperatorIn(Schema):
    """The holder of an office."""

    kind: Literal["person", "company"]
    name: Text
    mobile: ShortText
    national_id: ShortText = Field("", description="a person's national ID (ten digits with check digit)")
    company_id: ShortText = Field("", description="a company's national ID (eleven digits)")


class OfficeRegisterIn(Schema):
    """A new office. Without coordinates it stands at its place (or a point estimated in the county)."""

    name: Text
    kind: ShortText
    province: ShortText
    county: ShortText
    place: ShortText | None = Field(None, description="official code of a city or village, or SCI city code")
    lat: float | None = None
    lon: float | None = None
    setting: ShortText | None = Field(None, description="urban or rural; by default from the place")
    address: Text = ""
    postal_code: ShortText = ""
    counters: int = 1
    opening_hours: Hours | None = None
    phone: ShortText = ""
    organisation: ShortText | None = None
    code: ShortText | None = Field(None, description="the next free code when left out")
    operator: OperatorIn


class OfficeUpdateIn(Schema):
    """Changes to an office; only the fields sent change."""

    name: Text | None = None
    county: ShortText | None = None
    place: ShortText | None = None
    lat: float | None = None
    lon: float | None = None
    setting: ShortText | None = None
    address: Text | None = None
    postal_code: ShortText | None = None
    phone: ShortText | None = None
    organisation: ShortText | None = None
    operator: OperatorIn | None = None


class NearIn(Schema):
    """A citizen's search: a service and where they are."""

    service: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9.\-]{1,64}$")] = (
        Field(description="service code, e.g. sabt.birth-certificate-copy")
    )
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    limit: int = Field(10, ge=1, le=NEAR_MAX_LIMIT)
    open_only: bool = Field(False, description="only offices open now")


class NearOfficeOut(Schema):
    """An office near the citizen."""

    code: str
    name: str
    kind: str
    address: str
    phone: str
    place_name_fa: str | None
    county_code: str
    lat: float
    lon: float
    distance_km: float
    open_now: bool
    opening_hours: Hours

    @staticmethod
    def of(near: NearOffice) -> NearOfficeOut:
        office = near.office
        return NearOfficeOut(
            code=office.code,
            name=office.name,
            kind=office.kind,
            address=office.address,
            phone=office.phone,
            place_name_fa=office.place.name_fa if office.place_id else None,
            county_code=office.county.code,
            lat=office.lat,
            lon=office.lon,
            distance_km=near.distance_km,
            open_now=near.open_now,
            opening_hours=office.opening_hours,
        )


class RateLineOut(Schema):
    """A service on the rate board and its tariff in force (fees null when none is in force)."""

    service_code: str
    agency_code: str
    title_fa: str
    title_en: str
    jalali_year: int | None
    government_fee: int | None = Field(description="rials, to the agency")
    office_fee: int | None = Field(description="rials, the office's share")
    total: int | None = Field(description="rials, what the citizen pays")

    @staticmethod
    def of(line: RateLine) -> RateLineOut:
        return RateLineOut(
            service_code=line.service.code,
            agency_code=line.service.agency.code,
            title_fa=line.service.title_fa,
            title_en=line.service.title_en,
            jalali_year=line.tariff.jalali_year if line.tariff else None,
            government_fee=line.government_fee,
            office_fee=line.office_fee,
            total=line.total,
        )


class RateBoardOut(Schema):
    """What an office may charge today, for its wall."""

    office_code: str
    office_name: str
    kind: str
    on: dt.date
    lines: list[RateLineOut]


class ConversionOut(Schema):
    """A conversion of a parallel or ICT office into a Pishkhan office."""

    id: int
    office_code: str
    office_name: str
    province_code: str
    organisation: str | None
    from_kind: str
    to_kind: str
    state: str = Field(description="requested, under_review, converted, refused or overdue")
    requested_at: dt.datetime
    requested_by: str
    deadline: dt.datetime
    reviewed_at: dt.datetime | None
    decided_at: dt.datetime | None
    decided_by: str
    reason: str
    basis: str

    @staticmethod
    def resolve_office_code(conversion: Conversion) -> str:
        return conversion.office.code

    @staticmethod
    def resolve_office_name(conversion: Conversion) -> str:
        return conversion.office.name

    @staticmethod
    def resolve_province_code(conversion: Conversion) -> str:
        return conversion.office.province.code

    @staticmethod
    def resolve_organisation(conversion: Conversion) -> str | None:
        office = conversion.office
        return office.organisation.code if office.organisation_id else None


class ConversionListIn(Schema):
    """Filters of the conversion list."""

    state: ShortText | None = None
    kind: ShortText | None = Field(None, description="the kind converted from")
    organisation: ShortText | None = Field(None, description="agency code")
    office: ShortText | None = Field(None, description="office code")
    province: ShortText | None = None


class ConversionRequestIn(Schema):
    """Ask for an office to become a Pishkhan office."""

    office: ShortText = Field(description="office code")
    reason: LongText = ""
    basis: LongText = Field("", description="legal basis")


class ConversionDecideIn(Schema):
    """The decision on a conversion."""

    outcome: Literal["converted", "refused"]
    reason: LongText = Field("", description="required for a refusal")
    basis: LongText = Field("", description="legal basis")


class ConversionBoardRowOut(Schema):
    """One organisation's network of one kind and its conversions."""

    organisation_code: str
    organisation_name_fa: str
    organisation_name_en: str
    kind: str
    remaining: int = Field(description="its offices still of this kind (not closed)")
    converted: int
    pending: int = Field(description="open cases within their deadline")
    overdue: int = Field(description="open cases past their deadline")
    refused: int

"""Shapes of the catalogue API: agencies, services, tariffs and visit reports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.models import AgencyKind, BackendAdapter, OutsourcingStatus, Service, Tariff
from pishkhan.catalogue.services import MAX_VISIT_ROWS
from pishkhan.common.calendar import Day
from pishkhan.common.money import Rials
from pishkhan.common.pagination import Pagination

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


# The API's pagination, under the name the catalogue's operations know it by.
CataloguePagination = Pagination


# --- Agencies -------------------------------------------------------------------------------------


class AgencyOut(Schema):
    """An agency, as anyone may see it."""

    code: str = Field(description="short Latin slug, also the jurisdiction code of its staff")
    name_fa: str
    name_en: str
    kind: AgencyKind
    email: str
    phone: str
    website: str
    active: bool


class AgencyStaffOut(AgencyOut):
    """An agency with its back-end connection settings, shown to those who may change them."""

    adapter: BackendAdapter
    base_url: str
    timeout_seconds: int


class AgencyListIn(Schema):
    """Filters of the agency list."""

    q: SearchText | None = Field(None, description="part of the Persian or English name, typed any way")


class AgencyCreateIn(Schema):
    """A new agency (the regulator registers agencies)."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
    name_fa: Name
    name_en: Name
    kind: AgencyKind
    email: Name = ""
    phone: Annotated[str, StringConstraints(max_length=32)] = ""
    website: Name = ""
    adapter: BackendAdapter = BackendAdapter.SANDBOX
    base_url: Name = ""
    timeout_seconds: int = Field(10, ge=1, le=120)
    active: bool = True


class AgencyUpdateIn(Schema):
    """Changes to an agency; fields left out stay as they are."""

    name_fa: Name | None = None
    name_en: Name | None = None
    kind: AgencyKind | None = None
    email: Name | None = None
    phone: Annotated[str, StringConstraints(max_length=32)] | None = None
    website: Name | None = None
    adapter: BackendAdapter | None = None
    base_url: Name | None = None
    timeout_seconds: int | None = Field(None, ge=1, le=120)
    active: bool | None = None
    reason: Annotated[str, StringConstraints(max_length=1000)] = ""


# --- Services -------------------------------------------------------------------------------------


class ServiceOut(Schema):
    """A service of an agency: who may deliver it, what it saves, whether it is outsourced."""

    code: str
    agency: str = Field(description="the agency's code")
    agency_name_fa: str
    agency_name_en: str
    title_fa: str
    title_en: str
    description_fa: str
    description_en: str
    required_documents: list[str]
    trips_saved: int = Field(description="visits to the agency a citizen no longer makes, per delivery")
    target_minutes: int = Field(description="target completion time (SLA), in minutes")
    office_kinds: list[OfficeKind] = Field(description="the kinds of office that may deliver it")
    outsourcing: OutsourcingStatus
    legal_basis: str
    legal_date: dt.date | None
    active: bool

    @staticmethod
    def resolve_agency(service: Service) -> str:
        return service.agency.code

    @staticmethod
    def resolve_agency_name_fa(service: Service) -> str:
        return service.agency.name_fa

    @staticmethod
    def resolve_agency_name_en(service: Service) -> str:
        return service.agency.name_en


class ServiceListIn(Schema):
    """Filters of the service list."""

    q: SearchText | None = Field(None, description="part of a title or agency name, typed any way")
    agency: Annotated[str, StringConstraints(max_length=16)] | None = Field(None, description="agency code")
    office_kind: OfficeKind | None = Field(None, description="only services this kind of office may deliver")
    outsourcing: OutsourcingStatus | None = None


class ServiceCreateIn(Schema):
    """A new service of an agency."""

    agency: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
    code: Code = Field(description="the agency's code, a dot and a slug; or the slug alone")
    title_fa: Name
    title_en: Name
    description_fa: LongText = ""
    description_en: LongText = ""
    required_documents: list[Name] = Field(default_factory=list, max_length=30)
    trips_saved: int = Field(ge=0, le=20)
    target_minutes: int = Field(ge=1, le=129_600)
    office_kinds: list[OfficeKind] = Field(max_length=10)
    outsourcing: OutsourcingStatus = OutsourcingStatus.OUTSOURCED
    legal_basis: LongText = ""
    legal_date: Day | None = None
    active: bool = True


class ServiceUpdateIn(Schema):
    """Changes to a service; fields left out stay as they are. A new outsourcing status needs
    ``legal_basis``."""

    title_fa: Name | None = None
    title_en: Name | None = None
    description_fa: LongText | None = None
    description_en: LongText | None = None
    required_documents: list[Name] | None = Field(None, max_length=30)
    trips_saved: int | None = Field(None, ge=0, le=20)
    target_minutes: int | None = Field(None, ge=1, le=129_600)
    office_kinds: list[OfficeKind] | None = Field(None, max_length=10)
    outsourcing: OutsourcingStatus | None = None
    legal_basis: LongText | None = None
    legal_date: Day | None = None
    active: bool | None = None
    reason: Annotated[str, StringConstraints(max_length=1000)] = ""


# --- Tariffs --------------------------------------------------------------------------------------


class TariffOut(Schema):
    """A service's fees for a Jalali year, in whole rials."""

    service: str = Field(description="the service's code")
    jalali_year: int
    government_fee: int = Field(description="the agency's fee, rials")
    office_fee: int = Field(description="the office's fee, rials")
    total: int = Field(description="what the citizen pays, rials")
    effective_from: Day

    @staticmethod
    def resolve_service(tariff: Tariff) -> str:
        return tariff.service.code


class TariffListIn(Schema):
    """Filters of the tariff list."""

    service: Code | None = Field(None, description="service code")
    agency: Annotated[str, StringConstraints(max_length=16)] | None = Field(None, description="agency code")
    jalali_year: int | None = Field(None, ge=1300, le=1600)


class TariffsInForceIn(Schema):
    """Which services' tariffs in force to list, and on what day."""

    on: Day | None = Field(None, description="the day (default: today in Tehran)")
    agency: Annotated[str, StringConstraints(max_length=16)] | None = None
    office_kind: OfficeKind | None = None


class TariffSetIn(Schema):
    """A service's tariff for a Jalali year, in force from a day of that year."""

    service: Code
    jalali_year: int = Field(ge=1300, le=1600)
    government_fee: Rials = Field(description="rials")
    office_fee: Rials = Field(description="rials")
    effective_from: Day


# --- Visit reports --------------------------------------------------------------------------------


class VisitRowIn(Schema):
    """In-person visits to the agency in one province in one Jalali month."""

    jalali_year: int = Field(ge=1300, le=1600)
    jalali_month: int = Field(ge=1, le=12)
    province: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8)]
    visits: int = Field(ge=0)


class VisitReportsSubmitIn(Schema):
    """A batch of visit figures; a month and province already reported is replaced."""

    rows: list[VisitRowIn] = Field(min_length=1, max_length=MAX_VISIT_ROWS)


class VisitSubmissionOut(Schema):
    """What a submission did."""

    created: int
    updated: int
    unchanged: int


class VisitReportOut(Schema):
    """One reported month and province."""

    agency: str
    jalali_year: int
    jalali_month: int
    province: str
    visits: int
    reported_at: dt.datetime
    reported_by: str

    @staticmethod
    def resolve_agency(report: object) -> str:
        return report.agency.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_province(report: object) -> str:
        return report.province.code  # type: ignore[attr-defined]


class VisitReportListIn(Schema):
    """Filters of an agency's visit reports."""

    jalali_year: int | None = Field(None, ge=1300, le=1600)
    jalali_month: int | None = Field(None, ge=1, le=12)
    province: Annotated[str, StringConstraints(max_length=8)] | None = None

"""API shapes of licensing. An applicant's or holder's identifier leaves the server only masked, and the
public view of a licence names no holder at all."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from pishkhan.audit.models import AuditEntry
from pishkhan.common.calendar import Day
from pishkhan.licensing.models import ApplicationDocument, CountyQuota, Licence, LicenceApplication

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


# --- Applications ---------------------------------------------------------------------------------


class ApplicantIn(Schema):
    """Who applies: a person (national ID) or a company (its eleven-digit national company ID)."""

    kind: Literal["person", "company"]
    name: Text = Field(description="the person's full name, or the company's registered name")
    mobile: ShortText
    national_id: ShortText = Field(
        "",
        description=(
            "a person's national ID (ten digits with check digit): the one verified for the applying "
            "account (empty: that one; another is refused 403 identity-mismatch)"
        ),
    )
    company_id: ShortText = Field("", description="a company's national ID (eleven digits with check digit)")


class ApplicationSubmitIn(Schema):
    """An application for a licence for a proposed office (or for the applicant's existing ``office``)."""

    applicant: ApplicantIn
    office_kind: ShortText = Field(description="pishkhan or ict (the kinds the regulator licenses)")
    province: ShortText = Field(description="province code, two digits")
    county: ShortText = Field(description="county code, four digits, in the province")
    office_name: Text = ""
    place: ShortText | None = Field(
        None, description="official code of the city or village (or SCI city code)"
    )
    lat: float | None = None
    lon: float | None = None
    address: Text = ""
    postal_code: ShortText = ""
    phone: ShortText = ""
    office: ShortText | None = Field(
        None, description="code of the applicant's existing office, to license it"
    )


class DocumentOut(Schema):
    """A document of an application (its content at ``/documents/{id}``, for reviewers)."""

    id: int
    kind: str = Field(description="identity, premises, education, clearance or other")
    original_name: str
    content_type: str = Field(description="application/pdf, image/png or image/jpeg, read from the content")
    size: int
    sha256: str
    expires_on: dt.date | None
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_id(document: ApplicationDocument) -> int:
        return document.pk


class ApplicationOut(Schema):
    """A licence application and where it stands."""

    number: str = Field(description="A-<province>-<Jalali year>-<sequence>")
    status: str = Field(
        description="submitted, under_review, recommended, not_recommended, approved, refused or withdrawn"
    )
    applicant_kind: str
    applicant_name: str
    applicant_identifier: str = Field(description="masked")
    applicant_mobile: str = Field(description="masked")
    office_kind: str
    province_code: str
    county_code: str
    place_code: str | None
    lat: float | None
    lon: float | None
    office_name: str
    address: str
    postal_code: str
    phone: str
    office_code: str | None = Field(description="the existing office named by the application, if any")
    submitted_at: dt.datetime
    taken_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    review_reason: str
    decided_at: dt.datetime | None
    decision_reason: str
    decision_basis: str
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str
    licence_number: str | None = Field(description="the licence issued on approval")
    documents: list[DocumentOut]

    @staticmethod
    def resolve_applicant_identifier(application: LicenceApplication) -> str:
        return application.applicant_masked

    @staticmethod
    def resolve_applicant_mobile(application: LicenceApplication) -> str:
        return application.mobile_masked

    @staticmethod
    def resolve_province_code(application: LicenceApplication) -> str:
        return application.province.code

    @staticmethod
    def resolve_county_code(application: LicenceApplication) -> str:
        return application.county.code

    @staticmethod
    def resolve_place_code(application: LicenceApplication) -> str | None:
        place = application.place
        return (place.code or place.city_code) if place is not None else None

    @staticmethod
    def resolve_office_code(application: LicenceApplication) -> str | None:
        return application.office.code if application.office_id else None

    @staticmethod
    def resolve_licence_number(application: LicenceApplication) -> str | None:
        licence = getattr(application, "licence", None)
        return licence.number if licence is not None else None

    @staticmethod
    def resolve_documents(application: LicenceApplication) -> list[Any]:
        return list(application.documents.all())


class ApplicationListIn(Schema):
    """Filters of the application list."""

    status: ShortText | None = None
    province: ShortText | None = Field(None, description="province code, two digits")
    county: ShortText | None = Field(None, description="county code, four digits")


class ReasonIn(Schema):
    """A step's reason, and its legal basis where one applies."""

    reason: LongText = ""
    basis: LongText = ""


class ApplicationReviewIn(Schema):
    """The directorate's review: recommend or not, with the reason."""

    outcome: Literal["recommended", "not_recommended"]
    reason: LongText = Field(description="required")
    basis: LongText = ""


class ApplicationDecideIn(Schema):
    """The regulator's decision: approve (issues the licence) or refuse, with the reason."""

    outcome: Literal["approved", "refused"]
    reason: LongText = Field(description="required")
    basis: LongText = ""


# --- Licences -------------------------------------------------------------------------------------


class LicenceOut(Schema):
    """A licence: its office, holder (identifier masked), dates and status."""

    number: str = Field(description="L-<province>-<Jalali year>-<sequence>")
    status: str = Field(description="issued, active, suspended, revoked, expired or surrendered")
    kind: str = Field(description="the office kind licensed: pishkhan or ict")
    office_code: str
    office_name: str
    province_code: str
    county_code: str
    holder_kind: str
    holder_name: str
    holder_identifier: str = Field(description="masked")
    issued_on: dt.date
    expires_on: dt.date
    first_signal_at: dt.datetime | None = Field(description="the office system's first sign of life")
    activated_at: dt.datetime | None
    suspended_until: dt.date | None = Field(description="last day of the suspension, while suspended")
    ended_at: dt.datetime | None = Field(description="when it was revoked, expired or surrendered")
    application_number: str | None

    @staticmethod
    def resolve_office_code(licence: Licence) -> str:
        return licence.office.code

    @staticmethod
    def resolve_office_name(licence: Licence) -> str:
        return licence.office.name

    @staticmethod
    def resolve_province_code(licence: Licence) -> str:
        return licence.office.province.code

    @staticmethod
    def resolve_county_code(licence: Licence) -> str:
        return licence.office.county.code

    @staticmethod
    def resolve_holder_identifier(licence: Licence) -> str:
        return licence.holder_masked

    @staticmethod
    def resolve_application_number(licence: Licence) -> str | None:
        return licence.application.number if licence.application_id else None


class LicenceListIn(Schema):
    """Filters of the licence list."""

    status: ShortText | None = None
    province: ShortText | None = Field(None, description="province code, two digits")
    county: ShortText | None = Field(None, description="county code, four digits")
    kind: ShortText | None = None
    office: ShortText | None = Field(None, description="office code")


class LicenceSuspendIn(Schema):
    """A suspension: its last day (in the future), reason and legal basis (both required)."""

    until: Day
    reason: LongText = ""
    basis: LongText = ""


class TimelineEntryOut(Schema):
    """One step of a licence's history: an entry of the audit log."""

    seq: int = Field(description="the audit entry's number")
    at: dt.datetime
    action: str = Field(description="licence.issue, licence.activate, licence.suspend, …")
    actor: str
    before: Any
    after: Any
    reason: str
    basis: str

    @staticmethod
    def resolve_actor(entry: AuditEntry) -> str:
        return entry.actor_label


class PublicOfficeOut(Schema):
    """The office a licence is for, as its signboard would show it."""

    code: str
    name: str
    kind: str
    address: str
    province_code: str
    county_code: str
    place_name_fa: str | None


class LicencePublicOut(Schema):
    """What anyone may know of a licence: the office, the licence's status and dates, the services."""

    number: str
    status: str
    kind: str
    issued_on: dt.date
    expires_on: dt.date
    suspended_until: dt.date | None
    office: PublicOfficeOut
    services: list[str] = Field(description="codes of the services the office may deliver")

    @staticmethod
    def of(licence: Licence, services: list[str]) -> LicencePublicOut:
        office = licence.office
        return LicencePublicOut(
            number=licence.number,
            status=licence.status,
            kind=licence.kind,
            issued_on=licence.issued_on,
            expires_on=licence.expires_on,
            suspended_until=licence.suspended_until,
            office=PublicOfficeOut(
                code=office.code,
                name=office.name,
                kind=office.kind,
                address=office.address,
                province_code=office.province.code,
                county_code=office.county.code,
                place_name_fa=office.place.name_fa if office.place_id else None,
            ),
            services=services,
        )


# --- Quotas ---------------------------------------------------------------------------------------


class CountyQuotaOut(Schema):
    """The most licensed offices of a kind a county may have in force."""

    county_code: str
    province_code: str
    office_kind: str
    maximum: int
    set_at: dt.datetime
    reason: str
    basis: str

    @staticmethod
    def resolve_county_code(quota: CountyQuota) -> str:
        return quota.county.code

    @staticmethod
    def resolve_province_code(quota: CountyQuota) -> str:
        return quota.county.province.code


class CountyQuotaSetIn(Schema):
    """A county's quota as its working group decided it (the reason is required)."""

    county: ShortText = Field(description="county code, four digits")
    office_kind: ShortText = Field(description="pishkhan or ict")
    maximum: int = Field(ge=0, le=100_000)
    reason: LongText
    basis: LongText = ""


class CountyQuotaListIn(Schema):
    """Filters of the quota list."""

    province: ShortText | None = Field(None, description="province code, two digits")

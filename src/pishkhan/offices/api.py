"""The office registry API (mounted at ``/api/v1/``): ``offices`` and ``conversions``.

Lists narrow to the caller's jurisdiction, and one office or conversion outside it is a 404 (a
province's directorate cannot tell another province's office from a missing one). The rate board
and the "near me" search are public. Operators' national IDs leave only masked.

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module (``QueryParams is not fully defined``).
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.pagination import Pagination
from pishkhan.common.persian import to_latin_digits
from pishkhan.offices import selectors, services
from pishkhan.offices.schemas import (
    ConversionBoardRowOut,
    ConversionDecideIn,
    ConversionListIn,
    ConversionOut,
    ConversionRequestIn,
    NearIn,
    NearOfficeOut,
    OfficeListIn,
    OfficeOut,
    OfficeRegisterIn,
    OfficeUpdateIn,
    OperatorIn,
    RateBoardOut,
    RateLineOut,
)
from pishkhan.offices.services import OperatorDraft

# Named explicitly rather than inherited from the NinjaAPI, so the router is never open by accident.
router = Router(auth=api_auth, tags=["offices"])

PAGE_SIZE = 50


def _principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _operator(payload: OperatorIn) -> OperatorDraft:
    return OperatorDraft(**payload.model_dump())


@router.get("/offices", response=list[OfficeOut], summary="Offices in your jurisdiction")
@paginate(Pagination, page_size=PAGE_SIZE)
def office_list(request: HttpRequest, filters: Query[OfficeListIn]):
    """Offices by code, filtered by province, county, kind, status and a name or code search."""
    principal = _principal(request)
    require(principal, "offices.view")
    return selectors.office_list(scope=principal.scope, **filters.model_dump())


@router.get("/offices/near", response=list[NearOfficeOut], auth=None, summary="Offices near me for a service")
def offices_near(request: HttpRequest, filters: Query[NearIn]) -> list[NearOfficeOut]:
    """The nearest active offices that may deliver a service, nearest first, with whether they are open now.

    A point outside Iran is a 422; an unknown service a 404; a service whose outsourcing is
    prohibited by law has no office.
    """
    found = selectors.offices_near(
        service_code=filters.service,
        lat=filters.lat,
        lon=filters.lon,
        limit=filters.limit,
        open_only=filters.open_only,
    )
    return [NearOfficeOut.of(near) for near in found]


@router.get("/offices/{code}", response=OfficeOut, summary="One office")
def office_detail(request: HttpRequest, code: str) -> object:
    """One office; 404 when it does not exist or lies outside your jurisdiction."""
    principal = _principal(request)
    require(principal, "offices.view")
    return selectors.office_get(code=code, scope=principal.scope)


@router.post("/offices", response={201: OfficeOut}, summary="Register an office")
def office_register(request: HttpRequest, payload: OfficeRegisterIn) -> Status:
    """Register an office with its operator (a directorate only in its own province)."""
    principal = _principal(request)
    require(principal, "offices.edit", province=to_latin_digits(payload.province))
    fields = payload.model_dump(exclude={"operator"})
    office = services.office_register(**fields, operator=_operator(payload.operator), actor=principal)
    return Status(201, selectors.office_get(code=office.code))


@router.patch("/offices/{code}", response=OfficeOut, summary="Change an office's details")
def office_update(request: HttpRequest, code: str, payload: OfficeUpdateIn) -> object:
    """Change the fields sent; checked as at registration. The code, province and kind never change here."""
    principal = _principal(request)
    require(principal, "offices.view")
    office = selectors.office_get(code=code, scope=principal.scope)
    require(principal, "offices.edit", province=office.province.code, office=office.code)
    changes = payload.model_dump(exclude_unset=True, exclude={"operator"})
    if payload.operator is not None:
        changes["operator"] = _operator(payload.operator)
    services.office_update(office=office, actor=principal, **changes)
    return selectors.office_get(code=office.code)


@router.get("/offices/{code}/rate-board", response=RateBoardOut, auth=None, summary="An office's rate board")
def office_rate_board(request: HttpRequest, code: str) -> RateBoardOut:
    """The services the office may deliver with today's tariffs: government fee, office fee, total (rials)."""
    office = selectors.office_get(code=code)
    board = selectors.office_rate_board(office=office, on=timezone.localdate())
    return RateBoardOut(
        office_code=office.code,
        office_name=office.name,
        kind=office.kind,
        on=board.on,
        lines=[RateLineOut.of(line) for line in board.lines],
    )


@router.get("/conversions", response=list[ConversionOut], summary="Conversions in your jurisdiction")
@paginate(Pagination, page_size=PAGE_SIZE)
def conversion_list(request: HttpRequest, filters: Query[ConversionListIn]):
    """Conversions of parallel and ICT offices into Pishkhan offices, the newest request first."""
    principal = _principal(request)
    require(principal, "offices.view")
    return selectors.conversion_list(scope=principal.scope, **filters.model_dump())


@router.get(
    "/conversions/board", response=list[ConversionBoardRowOut], summary="Conversions per organisation"
)
def conversion_board(request: HttpRequest) -> list:
    """Per organisation and kind: offices left to convert; cases converted, pending, overdue, refused."""
    principal = _principal(request)
    require(principal, "offices.view")
    return selectors.conversion_board(scope=principal.scope, now=timezone.now())


@router.post("/conversions", response={201: ConversionOut}, summary="Request a conversion")
def conversion_request(request: HttpRequest, payload: ConversionRequestIn) -> Status:
    """Ask for an office to become a Pishkhan office; 409 if it already is one or has a case open."""
    principal = _principal(request)
    require(principal, "conversions.request")
    office = selectors.office_get(code=payload.office, scope=principal.scope)
    require(principal, "conversions.request", province=office.province.code, office=office.code)
    conversion = services.conversion_request(
        office=office, reason=payload.reason, basis=payload.basis, actor=principal
    )
    return Status(201, selectors.conversion_get(pk=conversion.pk))


def _conversion_to_decide(principal: Principal, pk: int) -> object:
    require(principal, "conversions.decide")
    conversion = selectors.conversion_get(pk=pk, scope=principal.scope)
    office = conversion.office
    require(principal, "conversions.decide", province=office.province.code, office=office.code)
    return conversion


@router.post("/conversions/{pk}/review", response=ConversionOut, summary="Start reviewing a conversion")
def conversion_review(request: HttpRequest, pk: int) -> object:
    """Move a requested conversion under review; 409 from any other state."""
    principal = _principal(request)
    conversion = _conversion_to_decide(principal, pk)
    services.conversion_review(conversion=conversion, actor=principal)  # type: ignore[arg-type]
    return selectors.conversion_get(pk=pk)


@router.post("/conversions/{pk}/decide", response=ConversionOut, summary="Decide a conversion")
def conversion_decide(request: HttpRequest, pk: int, payload: ConversionDecideIn) -> object:
    """Convert (the office becomes a Pishkhan office, same code) or refuse (with a reason); 409 if decided."""
    principal = _principal(request)
    conversion = _conversion_to_decide(principal, pk)
    services.conversion_decide(
        conversion=conversion,  # type: ignore[arg-type]
        outcome=payload.outcome,
        reason=payload.reason,
        basis=payload.basis,
        actor=principal,
    )
    return selectors.conversion_get(pk=pk)

"""The catalogue API: agencies, services, tariffs and agencies' visit reports.

What agencies offer and what it costs is public information, so reading the catalogue needs no
credentials (``auth=None``). Changing it needs ``catalogue.edit`` for the agency concerned: an
agency's own staff or the regulator. Mounted at the API's root (``/api/v1/agencies``, ...).

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module (``QueryParams is not fully defined``).
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from pishkhan.accounts.permissions import require
from pishkhan.catalogue import selectors, services
from pishkhan.catalogue.schemas import (
    AgencyCreateIn,
    AgencyListIn,
    AgencyOut,
    AgencyStaffOut,
    AgencyUpdateIn,
    CataloguePagination,
    ServiceCreateIn,
    ServiceListIn,
    ServiceOut,
    ServiceUpdateIn,
    TariffListIn,
    TariffOut,
    TariffSetIn,
    TariffsInForceIn,
    VisitReportListIn,
    VisitReportOut,
    VisitReportsSubmitIn,
    VisitSubmissionOut,
)
from pishkhan.catalogue.services import VisitRow

router = Router()

AGENCIES, SERVICES, TARIFFS = ["agencies"], ["services"], ["tariffs"]


# --- Agencies -------------------------------------------------------------------------------------


@router.get("/agencies", response=list[AgencyOut], auth=None, tags=AGENCIES, summary="Agencies")
@paginate(CataloguePagination)
def agency_list(request: HttpRequest, filters: Query[AgencyListIn]) -> object:
    """The active agencies by code, optionally those whose name contains ``q`` (typed any way)."""
    return selectors.agency_list(q=filters.q)


@router.get("/agencies/{code}", response=AgencyOut, auth=None, tags=AGENCIES, summary="One agency")
def agency_detail(request: HttpRequest, code: str) -> object:
    """An agency by its code."""
    return selectors.agency_get(code=code)


@router.post(
    "/agencies", response={201: AgencyStaffOut}, tags=AGENCIES, summary="Register an agency (regulator)"
)
def agency_create(request: HttpRequest, payload: AgencyCreateIn) -> Status:
    """Register an agency. Only a national holder of ``catalogue.edit`` (the regulator) may."""
    require(request.auth, "catalogue.edit", agency=payload.code.lower())
    return Status(201, services.agency_create(**payload.model_dump(), actor=request.auth))


@router.patch("/agencies/{code}", response=AgencyStaffOut, tags=AGENCIES, summary="Change an agency")
def agency_update(request: HttpRequest, code: str, payload: AgencyUpdateIn) -> object:
    """Change an agency's names, contact or back-end settings (its staff or the regulator)."""
    agency = selectors.agency_get(code=code)
    require(request.auth, "catalogue.edit", agency=agency.code)
    return services.agency_update(agency=agency, actor=request.auth, **payload.model_dump(exclude_unset=True))


@router.post(
    "/agencies/{code}/visit-reports",
    response=VisitSubmissionOut,
    tags=AGENCIES,
    summary="Report in-person visits",
)
def visit_reports_submit(request: HttpRequest, code: str, payload: VisitReportsSubmitIn) -> object:
    """Report the agency's in-person visits per Jalali month and province; a period already reported
    is replaced. All rows are checked before any is written."""
    agency = selectors.agency_get(code=code)
    require(request.auth, "catalogue.report_visits", agency=agency.code)
    rows = [VisitRow(**row.model_dump()) for row in payload.rows]
    return services.visit_reports_submit(agency=agency, rows=rows, actor=request.auth)


@router.get(
    "/agencies/{code}/visit-reports",
    response=list[VisitReportOut],
    tags=AGENCIES,
    summary="An agency's visit reports",
)
@paginate(CataloguePagination)
def visit_report_list(request: HttpRequest, code: str, filters: Query[VisitReportListIn]) -> object:
    """The agency's reported visits by period and province (its staff or the regulator)."""
    agency = selectors.agency_get(code=code)
    require(request.auth, "catalogue.report_visits", agency=agency.code)
    return selectors.visit_report_list(agency=agency, **filters.model_dump())


# --- Services -------------------------------------------------------------------------------------


@router.get("/services", response=list[ServiceOut], auth=None, tags=SERVICES, summary="Services")
@paginate(CataloguePagination)
def service_list(request: HttpRequest, filters: Query[ServiceListIn]) -> object:
    """Active services, by agency and code; with ``q``, the best matches first.

    ``q`` finds a title however it was typed: Arabic ي/ك or Persian ی/ک, with a zero-width
    non-joiner, a space or nothing between the parts of a word.
    """
    return selectors.service_list(**filters.model_dump())


@router.get("/services/{code}", response=ServiceOut, auth=None, tags=SERVICES, summary="One service")
def service_detail(request: HttpRequest, code: str) -> object:
    """A service by its code."""
    return selectors.service_get(code=code)


@router.get(
    "/services/{code}/tariffs",
    response=list[TariffOut],
    auth=None,
    tags=SERVICES,
    summary="A service's tariff history",
)
def service_tariffs(request: HttpRequest, code: str) -> list:
    """Every tariff of the service, the newest year first."""
    service = selectors.service_get(code=code)
    return [_with_service(tariff, service) for tariff in selectors.tariff_history(service=service)]


@router.post("/services", response={201: ServiceOut}, tags=SERVICES, summary="Publish a service")
def service_create(request: HttpRequest, payload: ServiceCreateIn) -> Status:
    """Publish a service of an agency (its staff or the regulator)."""
    agency = selectors.agency_get(code=payload.agency)
    require(request.auth, "catalogue.edit", agency=agency.code)
    values = payload.model_dump(exclude={"agency"})
    return Status(201, services.service_create(agency=agency, actor=request.auth, **values))


@router.patch("/services/{code}", response=ServiceOut, tags=SERVICES, summary="Change a service")
def service_update(request: HttpRequest, code: str, payload: ServiceUpdateIn) -> object:
    """Change a service (its agency's staff or the regulator). A new outsourcing status needs
    ``legal_basis``."""
    service = selectors.service_get(code=code)
    require(request.auth, "catalogue.edit", agency=service.agency.code)
    return services.service_update(
        service=service, actor=request.auth, **payload.model_dump(exclude_unset=True)
    )


# --- Tariffs --------------------------------------------------------------------------------------


def _with_service(tariff: object, service: object) -> object:
    tariff.service = service  # type: ignore[attr-defined]  # already loaded: spare a query per row
    return tariff


@router.get("/tariffs", response=list[TariffOut], auth=None, tags=TARIFFS, summary="Tariffs")
@paginate(CataloguePagination)
def tariff_list(request: HttpRequest, filters: Query[TariffListIn]) -> object:
    """Tariffs by service code, the newest year first."""
    return selectors.tariff_list(**filters.model_dump())


@router.get(
    "/tariffs/in-force",
    response=list[TariffOut],
    auth=None,
    tags=TARIFFS,
    summary="Tariffs in force on a day",
)
def tariffs_in_force(request: HttpRequest, filters: Query[TariffsInForceIn]) -> list:
    """The tariff in force on a day (today in Tehran by default) of each active service, by service
    code; services without a tariff in force are left out."""
    day = filters.on or timezone.localdate()
    catalogue = list(selectors.service_list(agency=filters.agency, office_kind=filters.office_kind))
    in_force = selectors.tariffs_in_force(services=catalogue, on=day)
    return [_with_service(in_force[service.pk], service) for service in catalogue if service.pk in in_force]


@router.post("/tariffs", response={201: TariffOut}, tags=TARIFFS, summary="Set a tariff")
def tariff_set(request: HttpRequest, payload: TariffSetIn) -> Status:
    """Publish a service's tariff for a Jalali year (its agency's staff or the regulator). A year that
    already has a tariff is a 409."""
    service = selectors.service_get(code=payload.service)
    require(request.auth, "catalogue.edit", agency=service.agency.code)
    values = payload.model_dump(exclude={"service"})
    return Status(201, services.tariff_set(service=service, actor=request.auth, **values))

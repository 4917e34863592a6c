"""Reads of the catalogue: agencies, services (with the Persian-normalised search), tariffs in force,
tariff histories and visit reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.models import Agency, OutsourcingStatus, Service, Tariff, VisitReport
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.persian import search_key

# A query longer than this is no name anyone types; it is cut before folding so a 10 kB string costs
# nothing. More words than this add nothing either.
QUERY_MAX_LENGTH = 200
QUERY_MAX_WORDS = 8


def kinds_key(kinds: Iterable[str]) -> str:
    """The stored ``office_kinds_key`` of a list of office kinds: ``|ict|pishkhan|``."""
    return "|" + "|".join(sorted(kinds)) + "|"


def query_words(q: str | None) -> tuple[str, list[str]]:
    """What a search for ``q`` matches: its whole folded key, and the folded key of each word.

    Both are folded like the stored names, so Arabic ي/ك, ZWNJ / space / nothing and any digits meet.
    """
    text = (q or "")[:QUERY_MAX_LENGTH]
    words = [key for key in (search_key(word) for word in text.split()) if key][:QUERY_MAX_WORDS]
    return search_key(text), words


# --- Agencies -------------------------------------------------------------------------------------


def agency_list(*, q: str | None = None, include_inactive: bool = False) -> QuerySet[Agency]:
    """Agencies by code; only active ones unless asked, optionally those whose name contains ``q``."""
    agencies = Agency.objects.all()
    if not include_inactive:
        agencies = agencies.filter(active=True)
    _whole, words = query_words(q)
    for word in words:
        agencies = agencies.filter(search_key__contains=word)
    return agencies.order_by("code")


def agency_list_with_counts() -> QuerySet[Agency]:
    """Active agencies by code, each with ``service_count``: how many active services it offers."""
    offered = Count("services", filter=Q(services__active=True))
    return Agency.objects.filter(active=True).annotate(service_count=offered).order_by("code")


def agency_get(*, code: str) -> Agency:
    """The agency with this code (active or not); ``NotFoundError`` when there is none."""
    agency = Agency.objects.filter(code=(code or "").strip().lower()).first()
    if agency is None:
        raise NotFoundError(_("No agency has the code %(code)s.") % {"code": code})
    return agency


def agency_code_exists(code: str) -> bool:
    """Whether an agency has this code (the jurisdiction resolver of accounts)."""
    return Agency.objects.filter(code=code).exists()


def agency_codes_existing(codes: Collection[str]) -> set[str]:
    """Those of ``codes`` that name an agency (the jurisdiction resolver of accounts)."""
    return set(Agency.objects.filter(code__in=list(codes)).values_list("code", flat=True))


# --- Services -------------------------------------------------------------------------------------


def _office_kind_clean(kind: str) -> str:
    if kind not in OfficeKind.values:
        message = _("Unknown office kind %(kind)s.") % {"kind": kind}
        raise ValidationError(message, fields={"office_kind": message})
    return kind


def service_list(
    *,
    q: str | None = None,
    agency: Agency | str | None = None,
    office_kind: str | None = None,
    outsourcing: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Service]:
    """Services with their agency, filtered; by agency code and service code, or best match first.

    ``q`` matches the Persian or English title or the agency's name however it was typed (every
    word must appear). ``agency`` is an agency or its code; ``office_kind`` keeps the services that
    kind of office may deliver; ``outsourcing`` an ``OutsourcingStatus`` value. An unknown kind or
    status is a ``ValidationError``; an unknown agency code simply matches nothing.
    """
    services = Service.objects.select_related("agency")
    if not include_inactive:
        services = services.filter(active=True, agency__active=True)
    if agency is not None:
        services = services.filter(agency__code=agency.code if isinstance(agency, Agency) else agency)
    if office_kind:
        services = services.filter(office_kinds_key__contains=f"|{_office_kind_clean(office_kind)}|")
    if outsourcing:
        if outsourcing not in OutsourcingStatus.values:
            message = _("Unknown outsourcing status %(status)s.") % {"status": outsourcing}
            raise ValidationError(message, fields={"outsourcing": message})
        services = services.filter(outsourcing=outsourcing)
    whole, words = query_words(q)
    if not words:
        return services.order_by("agency__code", "code")
    for word in words:
        services = services.filter(Q(search_key__contains=word) | Q(agency__search_key__contains=word))
    # Titles that hold the query as typed (all words together) before those that merely hold each word.
    return services.annotate(
        match=Case(When(search_key__contains=whole, then=Value(0)), default=Value(1))
    ).order_by("match", "agency__code", "code")


def service_get(*, code: str) -> Service:
    """The service with this code (active or not), with its agency; ``NotFoundError`` when none."""
    service = Service.objects.select_related("agency").filter(code=(code or "").strip().lower()).first()
    if service is None:
        raise NotFoundError(_("No service has the code %(code)s.") % {"code": code})
    return service


def service_undeliverable_why(*, service: Service, office_kind: str) -> str:
    """Why an office of ``office_kind`` may not deliver ``service`` (a translated sentence), or "" when
    it may: the law prohibits offices from delivering it, or it is not for offices of that kind.

    The one rule of which services an office may deliver (whether the service is still offered is the
    caller's question: history records services since withdrawn); :func:`services_deliverable_by` is
    its query.
    """
    if service.outsourcing == OutsourcingStatus.PROHIBITED:
        return _("The law does not allow this service to be delivered by offices.")
    if office_kind not in service.office_kinds:
        return _("Offices of this kind may not deliver this service.")
    return ""


def services_deliverable_by(*, kind: str) -> QuerySet[Service]:
    """The active services an office of ``kind`` may deliver: allowed for the kind and not prohibited
    (:func:`service_undeliverable_why` as a query)."""
    return (
        service_list(office_kind=kind)
        .exclude(outsourcing=OutsourcingStatus.PROHIBITED)
        .order_by("agency__code", "code")
    )


# --- Tariffs --------------------------------------------------------------------------------------


def tariff_in_force(*, service: Service, on: dt.date) -> Tariff | None:
    """The tariff of a service in force on a day: the latest that took effect on or before it."""
    return Tariff.objects.filter(service=service, effective_from__lte=on).order_by("-effective_from").first()


def tariffs_in_force(*, services: Iterable[Service] | QuerySet[Service], on: dt.date) -> dict[int, Tariff]:
    """The tariff in force on a day for each of many services, in one query, by service id.

    Services without a tariff in force are absent from the result.
    """
    if isinstance(services, QuerySet):
        wanted: QuerySet | list[int] = services.values("pk")
    else:
        wanted = [service.pk for service in services]
        if not wanted:
            return {}
    latest = (
        Tariff.objects.filter(service=OuterRef("service"), effective_from__lte=on)
        .order_by("-effective_from")
        .values("effective_from")[:1]
    )
    tariffs = Tariff.objects.filter(service__in=wanted, effective_from=Subquery(latest))
    return {tariff.service_id: tariff for tariff in tariffs}


def tariff_history(*, service: Service) -> QuerySet[Tariff]:
    """Every tariff of a service, the newest year first."""
    return Tariff.objects.filter(service=service).order_by("-effective_from")


def tariff_list(
    *, service: Service | str | None = None, agency: str | None = None, jalali_year: int | None = None
) -> QuerySet[Tariff]:
    """Tariffs with their service and agency, by service code then newest first."""
    tariffs = Tariff.objects.select_related("service__agency")
    if service is not None:
        tariffs = tariffs.filter(service__code=service.code if isinstance(service, Service) else service)
    if agency is not None:
        tariffs = tariffs.filter(service__agency__code=agency)
    if jalali_year is not None:
        tariffs = tariffs.filter(jalali_year=jalali_year)
    return tariffs.order_by("service__code", "-effective_from")


# --- Visit reports --------------------------------------------------------------------------------


def visit_report_list(
    *,
    agency: Agency | str | None = None,
    jalali_year: int | None = None,
    jalali_month: int | None = None,
    province: str | None = None,
) -> QuerySet[VisitReport]:
    """Visit reports with their agency and province, by agency, period and province code."""
    reports = VisitReport.objects.select_related("agency", "province").defer("province__boundary")
    if agency is not None:
        reports = reports.filter(agency__code=agency.code if isinstance(agency, Agency) else agency)
    if jalali_year is not None:
        reports = reports.filter(jalali_year=jalali_year)
    if jalali_month is not None:
        reports = reports.filter(jalali_month=jalali_month)
    if province is not None:
        reports = reports.filter(province__code=province)
    return reports.order_by("agency__code", "jalali_year", "jalali_month", "province__code")


def service_groupings(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What each of these services is grouped by, by id: ``{"pk", "agency_id", "trips_saved"}`` (the
    keys the KPI rollups and the waits' figures copy)."""
    rows = Service.objects.filter(pk__in=set(ids)).values("pk", "agency_id", "trips_saved")
    return {row["pk"]: row for row in rows}

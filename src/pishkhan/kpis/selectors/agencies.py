"""The agencies' measures: their in-person visits against the 12.5 % target, and their outsourcing
and compliance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import jdatetime
from django.db.models import Count, Min, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.catalogue.models import Agency, OutsourcingStatus, Service, VisitReport
from pishkhan.common.calendar import jalali_date
from pishkhan.common.errors import ValidationError
from pishkhan.kpis import formulas
from pishkhan.kpis.selectors.places import (
    PARALLEL_KINDS,
    REPORT_DUE_DAY,
    Jurisdiction,
    Period,
    Place,
    group_names,
    rollups_by_key,
    rollups_for,
)
from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.states import ConversionState, OfficeStatus

# --- Visits to agencies and the 12.5 % target ------------------------------------------------------------


@dataclass(frozen=True)
class VisitsRow:
    code: str
    name: str
    target: formulas.TripsTarget


@dataclass(frozen=True)
class VisitsMeasure:
    """Agencies' in-person visits in a Jalali year (the months reported so far) against the previous
    year and the 12.5 % target, with the projection to the year's end."""

    place: Place
    year: int
    totals: formulas.TripsTarget
    by: list[VisitsRow]
    months: dict[int, int] = field(default_factory=dict)  # {Jalali month: visits} of the year
    previous_months: dict[int, int] = field(default_factory=dict)  # of the previous year


def _visit_months(reports: QuerySet[VisitReport], key: str | None) -> dict[Any, dict[int, dict[int, int]]]:
    """``{group: {year: {month: visits}}}`` of the reports."""
    fields = ["jalali_year", "jalali_month"] + ([key] if key else [])
    found: dict[Any, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in reports.values(*fields).annotate(n=Sum("visits")).order_by():
        found[row[key] if key else None][row["jalali_year"]][row["jalali_month"]] = row["n"]
    return found


def visits_measure(
    *, place: Place, jurisdiction: Jurisdiction, year: int, through_month: int | None = None
) -> VisitsMeasure:
    """Visits per agency (the nation, a province) or per province (an agency) for a Jalali year.

    ``through_month`` judges the year as it stood at that month's end (a monthly report): the year's
    later months are left out, the previous year is whole."""
    if place.level in {"county", "office"}:
        message = _("Visits are reported per agency and province.")
        raise ValidationError(message, fields={"level": message})
    reports = VisitReport.objects.filter(jalali_year__in=[year, year - 1])
    if through_month is not None:
        reports = reports.exclude(jalali_year=year, jalali_month__gt=through_month)
    for name, value in (place.filters | jurisdiction.filters).items():
        if name in {"province_id", "agency_id"}:
            reports = reports.filter(**{name: value})
        elif name == "office_id":
            reports = reports.none()
    by = "province" if place.level == "agency" else "agency"
    key = f"{by}_id"
    totals = _visit_months(reports, None)[None]
    grouped = _visit_months(reports, key)
    names = group_names(by, grouped)
    rows = [
        VisitsRow(
            *names.get(pk, (str(pk), "")), formulas.trips_target(years.get(year, {}), years.get(year - 1, {}))
        )
        for pk, years in grouped.items()
    ]
    rows.sort(key=lambda row: row.code)
    return VisitsMeasure(
        place,
        year,
        formulas.trips_target(totals.get(year, {}), totals.get(year - 1, {})),
        rows,
        dict(totals.get(year, {})),
        dict(totals.get(year - 1, {})),
    )


# --- Outsourcing and agencies' compliance ------------------------------------------------------------


@dataclass(frozen=True)
class ProhibitedService:
    code: str
    name: str
    legal_basis: str


@dataclass(frozen=True)
class OutsourcingRow:
    code: str
    name: str
    outsourced: int
    pending: int
    prohibited: int
    prohibited_services: list[ProhibitedService]
    office_transactions: int  # completed at the offices in the period
    visits: int  # in-person visits reported for the Jalali months the period touches
    office_share: float | None  # of the agency's deliveries, those through the offices
    conversion_share: float | None  # of its parallel offices, those converted
    reporting_share: float | None  # of the months due this year, those reported on time
    compliance_score: float | None
    rank: int | None


@dataclass(frozen=True)
class OutsourcingMeasure:
    place: Place
    period: Period
    by: list[OutsourcingRow]


def _months_of(period: Period) -> set[tuple[int, int]]:
    months = set()
    day = period.first
    while day <= period.last:
        jalali = jalali_date(day)
        months.add((jalali.year, jalali.month))
        day += dt.timedelta(days=1)
    return months


def reporting_share(agency_id: int, today: dt.date) -> float | None:
    """The share of this Jalali year's months due (past their report day) whose visits the agency
    reported on time (by ``REPORT_DUE_DAY`` of the following month, Tehran)."""
    now = jalali_date(today)
    due: list[tuple[int, int, dt.datetime]] = []
    for month in range(1, now.month + 1):
        following = jdatetime.date(now.year + (month == 12), month % 12 + 1, REPORT_DUE_DAY)
        deadline = following.togregorian()
        if deadline < today:
            due.append((now.year, month, deadline))
    if not due:
        return None
    first_report = {
        (row["jalali_year"], row["jalali_month"]): row["first"]
        for row in VisitReport.objects.filter(agency_id=agency_id, jalali_year=now.year)
        .values("jalali_year", "jalali_month")
        .annotate(first=Min("reported_at"))
        .order_by()
    }
    on_time = sum(
        1
        for year, month, deadline in due
        if (year, month) in first_report
        and jalali_date(first_report[(year, month)]).togregorian() <= deadline
    )
    return on_time / len(due)


def outsourcing_measure(*, place: Place, jurisdiction: Jurisdiction, period: Period) -> OutsourcingMeasure:
    """Per agency: its services outsourced, pending and prohibited by law (with the legal basis), the
    share of its deliveries made at the offices, and its compliance score, ranked."""
    if place.level not in {"national", "province", "agency"}:
        message = _("Outsourcing is measured per agency: ask for the nation, a province or an agency.")
        raise ValidationError(message, fields={"level": message})
    # A province's figures: its offices' work, its visits and its parallel offices (the services'
    # statuses and the monthly reporting are the agency's, nationwide).
    province_id = place.filters.get("province_id") or jurisdiction.province_id
    within = {} if province_id is None else {"province_id": province_id}
    agencies = Agency.objects.filter(active=True).order_by("code")
    if place.level == "agency":
        agencies = agencies.filter(pk=place.filters["agency_id"])
    if jurisdiction.agency_id is not None:
        agencies = agencies.filter(pk=jurisdiction.agency_id)
    agency_ids = list(agencies.values_list("pk", flat=True))
    services: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in Service.objects.filter(agency_id__in=agency_ids).values(
        "agency_id", "code", "title_fa", "outsourcing", "legal_basis"
    ):
        services[row["agency_id"]].append(row)
    completed = {
        pk: row["n"]
        for pk, row in rollups_by_key(
            rollups_for({"agency_id__in": agency_ids, **within}, period), "agency_id", {"n": Sum("completed")}
        ).items()
    }
    months = _months_of(period)
    visits: dict[int, int] = defaultdict(int)
    for row in VisitReport.objects.filter(
        agency_id__in=agency_ids, jalali_year__in={year for year, _month in months}, **within
    ).values("agency_id", "jalali_year", "jalali_month", "visits"):
        if (row["jalali_year"], row["jalali_month"]) in months:
            visits[row["agency_id"]] += row["visits"]
    parallel: dict[int, dict[str, int]] = defaultdict(lambda: {"left": 0, "converted": 0})
    for row in (
        Office.objects.filter(organisation_id__in=agency_ids, kind__in=PARALLEL_KINDS, **within)
        .exclude(status=OfficeStatus.CLOSED)
        .values("organisation_id")
        .annotate(n=Count("pk"))
    ):
        parallel[row["organisation_id"]]["left"] = row["n"]
    for row in (
        Conversion.objects.filter(
            office__organisation_id__in=agency_ids,
            state=ConversionState.CONVERTED,
            **{f"office__{name}": value for name, value in within.items()},
        )
        .values("office__organisation_id")
        .annotate(n=Count("pk"))
    ):
        parallel[row["office__organisation_id"]]["converted"] = row["n"]
    today = timezone.localdate()
    rows = []
    for agency in agencies:
        offered = services.get(agency.pk, [])
        count = defaultdict(int)
        for service in offered:
            count[service["outsourcing"]] += 1
        allowed = count[OutsourcingStatus.OUTSOURCED] + count[OutsourcingStatus.PENDING]
        at_offices = completed.get(agency.pk) or 0
        networks = parallel.get(agency.pk, {"left": 0, "converted": 0})
        outsourcing_share = formulas.rate(count[OutsourcingStatus.OUTSOURCED], allowed)
        conversion_share = formulas.rate(networks["converted"], networks["left"] + networks["converted"])
        reported = reporting_share(agency.pk, today)
        rows.append(
            OutsourcingRow(
                code=agency.code,
                name=agency.name_fa,
                outsourced=count[OutsourcingStatus.OUTSOURCED],
                pending=count[OutsourcingStatus.PENDING],
                prohibited=count[OutsourcingStatus.PROHIBITED],
                prohibited_services=[
                    ProhibitedService(s["code"], s["title_fa"], s["legal_basis"])
                    for s in offered
                    if s["outsourcing"] == OutsourcingStatus.PROHIBITED
                ],
                office_transactions=at_offices,
                visits=visits.get(agency.pk, 0),
                office_share=formulas.rate(at_offices, at_offices + visits.get(agency.pk, 0)),
                conversion_share=conversion_share,
                reporting_share=reported,
                compliance_score=formulas.compliance_score(
                    outsourcing=outsourcing_share, conversion=conversion_share, reporting=reported
                ),
                rank=None,
            )
        )
    ranked = sorted(
        rows, key=lambda row: (row.compliance_score is None, -(row.compliance_score or 0), row.code)
    )
    result = []
    for position, row in enumerate(ranked, start=1):
        result.append(row if row.compliance_score is None else _with_rank(row, position))
    return OutsourcingMeasure(place, period, result)


def _with_rank(row: OutsourcingRow, rank: int) -> OutsourcingRow:
    return replace(row, rank=rank)


def agency_standing(*, place: Place, period: Period) -> tuple[OutsourcingRow | None, int]:
    """An agency's own outsourcing and compliance row, ranked among all the active agencies of the
    nation (an agency may know where it stands, not the others' figures), and how many were ranked."""
    if place.level != "agency":
        message = _("Ask for an agency.")
        raise ValidationError(message, fields={"level": message})
    national = Place("national", "", "")
    rows = outsourcing_measure(place=national, jurisdiction=Jurisdiction("national", {}), period=period).by
    own = next((row for row in rows if row.code == place.code), None)
    return own, sum(1 for row in rows if row.rank is not None)


@dataclass(frozen=True)
class ServiceStatus:
    """A service's outsourcing status and, where the law keeps it at the agency, the legal basis."""

    code: str
    name: str
    trips_saved: int
    outsourcing: str
    outsourcing_label: str
    legal_basis: str


def service_statuses(*, place: Place) -> dict[str, ServiceStatus]:
    """``{service code: status}`` of an agency's services (an agency's dashboard lists them all, even
    those without work in the period)."""
    if place.level != "agency":
        message = _("Ask for an agency.")
        raise ValidationError(message, fields={"level": message})
    labels = dict(OutsourcingStatus.choices)
    return {
        row["code"]: ServiceStatus(
            row["code"],
            row["title_fa"],
            row["trips_saved"],
            row["outsourcing"],
            str(labels.get(row["outsourcing"], row["outsourcing"])),
            row["legal_basis"],
        )
        for row in Service.objects.filter(agency_id=place.filters["agency_id"])
        .order_by("code")
        .values("code", "title_fa", "trips_saved", "outsourcing", "legal_basis")
    }

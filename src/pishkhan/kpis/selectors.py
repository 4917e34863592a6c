"""The KPI measures: one selector per measure, each returning typed rows, scoped by the caller's
jurisdiction, over a period (and, where it means something, against a comparison period).

Every figure of the counter's work is read from the daily rollups (``DailyRollup``), never from the
counter's table: a province's year is one GROUP BY over a few hundred thousand rows at most. The other
measures read the small tables of the domains below (visit reports, services, offices, conversions,
licences, scores). The arithmetic of targets, projections and scores is ``formulas`` (pure).

A *place* is where a measure looks (``level`` and ``code``: the nation, a province, a county, an
agency or an office); the caller's *jurisdiction* narrows every read further (``Jurisdiction``): a
directorate reads its province only, an agency its own services only, an office operator its office.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import jdatetime
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal
from pishkhan.catalogue.models import Agency, OutsourcingStatus, Service, VisitReport
from pishkhan.common.calendar import jalali_date
from pishkhan.common.errors import NotFoundError, PermissionDeniedError, ValidationError
from pishkhan.geo.models import County, Province
from pishkhan.kpis import formulas
from pishkhan.kpis.models import DailyRollup
from pishkhan.licensing.models import Licence
from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.states import OPEN_CONVERSION_STATES, ConversionState, OfficeStatus
from pishkhan.supervision.models import OfficeScore

LEVELS = ("national", "province", "county", "agency", "office")
GROUPS = ("province", "county", "office", "agency", "service", "month", "year")
# What a level is broken down by unless asked otherwise.
DEFAULT_BY = {
    "national": "province",
    "province": "county",
    "county": "office",
    "agency": "service",
    "office": "service",
}
PERIOD_MAX_DAYS = 3 * 366
PARALLEL_KINDS = ("e_city", "social_security", "health_insurance", "ict")
# A month's visit report is on time when made by this day of the following Jalali month.
REPORT_DUE_DAY = 10


# --- Places, jurisdictions and periods --------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The Tehran days [first, last], both included."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, first: dt.date, last: dt.date) -> Period:
        """A period, checked: in order and at most ``PERIOD_MAX_DAYS`` long (422 otherwise)."""
        if last < first:
            raise ValidationError(_("The period ends before it starts."), fields={"to": _("Before 'from'.")})
        if (last - first).days + 1 > PERIOD_MAX_DAYS:
            message = _("A period spans at most %(days)d days.") % {"days": PERIOD_MAX_DAYS}
            raise ValidationError(message, fields={"to": message})
        return cls(first, last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def before(self) -> Period:
        """The period of the same length just before this one: the default comparison."""
        return Period(self.first - dt.timedelta(days=self.days), self.first - dt.timedelta(days=1))


@dataclass(frozen=True)
class Place:
    """Where a measure looks: its level, code, name, and its filter on the rollups."""

    level: str
    code: str
    name: str
    filters: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Jurisdiction:
    """What a caller may read, as filters on the rollups (empty: the nation)."""

    kind: str
    filters: dict[str, int]
    province_id: int | None = None
    agency_id: int | None = None
    office_id: int | None = None


def jurisdiction_of(principal: Principal) -> Jurisdiction:
    """The caller's reach as rollup filters; a jurisdiction whose place no longer exists reaches
    nothing (a filter on id 0)."""
    kind, code = principal.jurisdiction_kind, principal.jurisdiction_code
    if principal.is_national:
        return Jurisdiction("national", {})
    if kind == "province":
        pk = Province.objects.filter(code=code).values_list("pk", flat=True).first() or 0
        return Jurisdiction(kind, {"province_id": pk}, province_id=pk)
    if kind == "agency":
        pk = Agency.objects.filter(code=code).values_list("pk", flat=True).first() or 0
        return Jurisdiction(kind, {"agency_id": pk}, agency_id=pk)
    row = Office.objects.filter(code=code).values("pk", "province_id").first() or {"pk": 0, "province_id": 0}
    return Jurisdiction(
        "office", {"office_id": row["pk"]}, province_id=row["province_id"], office_id=row["pk"]
    )


def place_resolve(*, level: str, code: str, jurisdiction: Jurisdiction) -> Place:
    """The place a caller asks for, checked: an unknown level or a missing code is a 422, an unknown
    place or one outside the caller's jurisdiction a 404, the nation asked by a caller whose
    jurisdiction is a province or an office a 403 (an agency's reach is its services nationwide)."""
    if level not in LEVELS:
        message = _("Choose a level among: %(levels)s.") % {"levels": ", ".join(LEVELS)}
        raise ValidationError(message, fields={"level": message})
    code = (code or "").strip()
    if level == "national":
        if jurisdiction.kind in {"province", "office"}:
            raise PermissionDeniedError(_("You may see your own jurisdiction only."))
        return Place("national", "", _("Iran"))
    if not code:
        message = _("Give the code of the place.")
        raise ValidationError(message, fields={"code": message})
    missing = NotFoundError(_("No such place in your jurisdiction."))
    if level == "province":
        row = Province.objects.filter(code=code).values("pk", "name_fa").first()
        if row is None or jurisdiction.province_id not in (None, row["pk"]) or jurisdiction.office_id:
            raise missing
        return Place(level, code, row["name_fa"], {"province_id": row["pk"]})
    if level == "county":
        row = County.objects.filter(code=code).values("pk", "name_fa", "province_id").first()
        if (
            row is None
            or jurisdiction.province_id not in (None, row["province_id"])
            or jurisdiction.office_id
        ):
            raise missing
        return Place(level, code, row["name_fa"], {"county_id": row["pk"]})
    if level == "agency":
        row = Agency.objects.filter(code=code).values("pk", "name_fa").first()
        if row is None or jurisdiction.agency_id not in (None, row["pk"]) or jurisdiction.office_id:
            raise missing
        return Place(level, code, row["name_fa"], {"agency_id": row["pk"]})
    row = Office.objects.filter(code=code).values("pk", "name", "province_id").first()
    if (
        row is None
        or jurisdiction.province_id not in (None, row["province_id"])
        or jurisdiction.office_id not in (None, row["pk"])
    ):
        raise missing
    return Place(level, code, row["name"], {"office_id": row["pk"]})


def group_check(by: str, place: Place) -> str:
    """The breakdown asked for (or the level's default), checked (422)."""
    by = by or DEFAULT_BY[place.level]
    if by not in GROUPS:
        message = _("Choose a breakdown among: %(groups)s.") % {"groups": ", ".join(GROUPS)}
        raise ValidationError(message, fields={"by": message})
    return by


def _rollups(place: Place, jurisdiction: Jurisdiction, period: Period) -> QuerySet[DailyRollup]:
    return DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last, **place.filters).filter(
        **jurisdiction.filters
    )


_GROUP_KEY = {
    "province": "province_id",
    "county": "county_id",
    "office": "office_id",
    "agency": "agency_id",
    "service": "service_id",
}


def _names(by: str, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{id: (code, name)}`` of the groups."""
    ids = set(ids)
    if by == "province":
        rows = Province.objects.filter(pk__in=ids).values_list("pk", "code", "name_fa")
    elif by == "county":
        rows = County.objects.filter(pk__in=ids).values_list("pk", "code", "name_fa")
    elif by == "office":
        rows = Office.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    elif by == "agency":
        rows = Agency.objects.filter(pk__in=ids).values_list("pk", "code", "name_fa")
    else:
        rows = Service.objects.filter(pk__in=ids).values_list("pk", "code", "title_fa")
    return {pk: (code, name) for pk, code, name in rows}


def _grouped(rollups: QuerySet[DailyRollup], by: str, sums: dict[str, Any]) -> list[tuple[str, str, dict]]:
    """The rollups summed per group: ``[(code, name, figures)]``, in code order (months and years in
    the Jalali calendar, coded ``1405-09`` and ``1405``)."""
    if by in _GROUP_KEY:
        key = _GROUP_KEY[by]
        rows = list(rollups.values(key).annotate(**sums).order_by())
        names = _names(by, (row[key] for row in rows))
        found = [(*names.get(row[key], (str(row[key]), "")), row) for row in rows]
        return sorted(found, key=lambda item: item[0])
    per_day = rollups.values("day").annotate(**sums).order_by()
    buckets: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(sums, 0))
    for row in per_day:
        day = jalali_date(row["day"])
        label = f"{day.year}-{day.month:02d}" if by == "month" else str(day.year)
        for name in sums:
            buckets[label][name] += row[name] or 0
    return [(label, label, figures) for label, figures in sorted(buckets.items())]


# --- Trips avoided ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TripsRow:
    code: str
    name: str
    trips_avoided: int
    transactions_completed: int


@dataclass(frozen=True)
class TripsMeasure:
    """Trips avoided = Σ completed transactions × the service's trips saved per delivery."""

    place: Place
    period: Period
    trips_avoided: int
    transactions_completed: int
    by: list[TripsRow]
    previous: TripsRow | None = None  # the comparison period's totals


_TRIPS = {"trips_avoided": Sum("trips_saved"), "transactions_completed": Sum("completed")}


def _totals(rollups: QuerySet[DailyRollup], sums: dict[str, Any]) -> dict[str, int]:
    return {name: value or 0 for name, value in rollups.aggregate(**sums).items()}


def trips_measure(
    *, place: Place, jurisdiction: Jurisdiction, period: Period, by: str, compare: Period | None = None
) -> TripsMeasure:
    """Trips avoided and transactions completed in the period, broken down ``by``."""
    rollups = _rollups(place, jurisdiction, period)
    totals = _totals(rollups, _TRIPS)
    rows = [
        TripsRow(code, name, figures["trips_avoided"] or 0, figures["transactions_completed"] or 0)
        for code, name, figures in _grouped(rollups, by, _TRIPS)
    ]
    previous = None
    if compare is not None:
        before = _totals(_rollups(place, jurisdiction, compare), _TRIPS)
        previous = TripsRow("", "", before["trips_avoided"], before["transactions_completed"])
    return TripsMeasure(
        place, period, totals["trips_avoided"], totals["transactions_completed"], rows, previous
    )


# --- Service --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceFigures:
    code: str
    name: str
    transactions: int
    per_day: float
    completed: int
    rejected: int
    failed: int
    completion_rate: float | None
    rejection_rate: float | None
    delivery_minutes: float | None  # mean, recording → completion
    fees_charged: int
    fees_tariff: int
    overcharges: int
    overcharged: int

    @classmethod
    def of(cls, code: str, name: str, figures: dict[str, int], days: int) -> ServiceFigures:
        total, completed, rejected = figures["total"], figures["completed"], figures["rejected"]
        finished = completed + rejected + figures["failed"]
        delivery = formulas.rate(figures["delivery_seconds"], completed)
        return cls(
            code=code,
            name=name,
            transactions=total,
            per_day=round(total / days, 2),
            completed=completed,
            rejected=rejected,
            failed=figures["failed"],
            completion_rate=formulas.rate(completed, finished),
            rejection_rate=formulas.rate(rejected, finished),
            delivery_minutes=round(delivery / 60, 1) if delivery is not None else None,
            fees_charged=figures["fees_charged"],
            fees_tariff=figures["fees_tariff"],
            overcharges=figures["overcharges"],
            overcharged=figures["overcharged"],
        )


@dataclass(frozen=True)
class ServiceMeasure:
    """The counter's work: volume, outcomes (rates among the finished), delivery time, fees."""

    place: Place
    period: Period
    totals: ServiceFigures
    by: list[ServiceFigures]
    previous: ServiceFigures | None = None


_SERVICE = {
    name: Sum(name)
    for name in (
        "total",
        "completed",
        "rejected",
        "failed",
        "delivery_seconds",
        "fees_charged",
        "fees_tariff",
        "overcharges",
        "overcharged",
    )
}


def service_measure(
    *, place: Place, jurisdiction: Jurisdiction, period: Period, by: str, compare: Period | None = None
) -> ServiceMeasure:
    """Transactions per day, completion and rejection rates, delivery time, fees and overcharges."""
    rollups = _rollups(place, jurisdiction, period)
    totals = ServiceFigures.of(place.code, place.name, _totals(rollups, _SERVICE), period.days)
    rows = [
        ServiceFigures.of(code, name, {k: v or 0 for k, v in figures.items()}, period.days)
        for code, name, figures in _grouped(rollups, by, _SERVICE)
    ]
    previous = None
    if compare is not None:
        before = _totals(_rollups(place, jurisdiction, compare), _SERVICE)
        previous = ServiceFigures.of(place.code, place.name, before, compare.days)
    return ServiceMeasure(place, period, totals, rows, previous)


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


def _visit_months(reports: QuerySet[VisitReport], key: str | None) -> dict[Any, dict[int, dict[int, int]]]:
    """``{group: {year: {month: visits}}}`` of the reports."""
    fields = ["jalali_year", "jalali_month"] + ([key] if key else [])
    found: dict[Any, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in reports.values(*fields).annotate(n=Sum("visits")).order_by():
        found[row[key] if key else None][row["jalali_year"]][row["jalali_month"]] = row["n"]
    return found


def visits_measure(*, place: Place, jurisdiction: Jurisdiction, year: int) -> VisitsMeasure:
    """Visits per agency (the nation, a province) or per province (an agency) for a Jalali year."""
    if place.level in {"county", "office"}:
        message = _("Visits are reported per agency and province.")
        raise ValidationError(message, fields={"level": message})
    reports = VisitReport.objects.filter(jalali_year__in=[year, year - 1])
    for name, value in (place.filters | jurisdiction.filters).items():
        if name in {"province_id", "agency_id"}:
            reports = reports.filter(**{name: value})
        elif name == "office_id":
            reports = reports.none()
    by = "province" if place.level == "agency" else "agency"
    key = f"{by}_id"
    totals = _visit_months(reports, None)[None]
    grouped = _visit_months(reports, key)
    names = _names(by, grouped)
    rows = [
        VisitsRow(
            *names.get(pk, (str(pk), "")), formulas.trips_target(years.get(year, {}), years.get(year - 1, {}))
        )
        for pk, years in grouped.items()
    ]
    rows.sort(key=lambda row: row.code)
    return VisitsMeasure(
        place, year, formulas.trips_target(totals.get(year, {}), totals.get(year - 1, {})), rows
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


def _reporting_share(agency_id: int, today: dt.date) -> float | None:
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
    if place.level not in {"national", "agency"}:
        message = _("Outsourcing is measured per agency: ask for the nation or an agency.")
        raise ValidationError(message, fields={"level": message})
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
    completed = dict(
        DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last, agency_id__in=agency_ids)
        .values("agency_id")
        .annotate(n=Sum("completed"))
        .order_by()
        .values_list("agency_id", "n")
    )
    months = _months_of(period)
    visits: dict[int, int] = defaultdict(int)
    for row in VisitReport.objects.filter(
        agency_id__in=agency_ids, jalali_year__in={year for year, _month in months}
    ).values("agency_id", "jalali_year", "jalali_month", "visits"):
        if (row["jalali_year"], row["jalali_month"]) in months:
            visits[row["agency_id"]] += row["visits"]
    parallel: dict[int, dict[str, int]] = defaultdict(lambda: {"left": 0, "converted": 0})
    for row in (
        Office.objects.filter(organisation_id__in=agency_ids, kind__in=PARALLEL_KINDS)
        .exclude(status=OfficeStatus.CLOSED)
        .values("organisation_id")
        .annotate(n=Count("pk"))
    ):
        parallel[row["organisation_id"]]["left"] = row["n"]
    for row in (
        Conversion.objects.filter(office__organisation_id__in=agency_ids, state=ConversionState.CONVERTED)
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
        reporting_share = _reporting_share(agency.pk, today)
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
                reporting_share=reporting_share,
                compliance_score=formulas.compliance_score(
                    outsourcing=outsourcing_share, conversion=conversion_share, reporting=reporting_share
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


# --- Parallel offices' conversion ---------------------------------------------------------------------


@dataclass(frozen=True)
class ConversionRow:
    code: str  # the organisation's network (office kind) or the province's code
    name: str
    remaining: int  # parallel offices of that network still not converted (closed ones aside)
    converted: int
    open: int  # conversions requested, under review or overdue
    overdue: int  # open past their legal deadline
    refused: int
    progress: float | None  # converted / (converted + remaining)


@dataclass(frozen=True)
class ConversionsMeasure:
    place: Place
    totals: ConversionRow
    by_organisation: list[ConversionRow]
    by: list[ConversionRow]  # per province (the nation) or county (a province)


def _conversion_rows(
    offices: QuerySet[Office],
    conversions: QuerySet[Conversion],
    office_key: str,
    conversion_key: str,
    now: dt.datetime,
) -> dict[Any, dict[str, int]]:
    rows: dict[Any, dict[str, int]] = defaultdict(
        lambda: {"remaining": 0, "converted": 0, "open": 0, "overdue": 0, "refused": 0}
    )
    for row in offices.values(office_key).annotate(n=Count("pk")).order_by():
        rows[row[office_key]]["remaining"] = row["n"]
    overdue = Q(state=ConversionState.OVERDUE) | Q(state__in=OPEN_CONVERSION_STATES, deadline__lt=now)
    for row in (
        conversions.values(conversion_key)
        .annotate(
            converted=Count("pk", filter=Q(state=ConversionState.CONVERTED)),
            open=Count("pk", filter=Q(state__in=OPEN_CONVERSION_STATES)),
            overdue=Count("pk", filter=overdue),
            refused=Count("pk", filter=Q(state=ConversionState.REFUSED)),
        )
        .order_by()
    ):
        for name in ("converted", "open", "overdue", "refused"):
            rows[row[conversion_key]][name] = row[name]
    return rows


def _conversion_row(code: str, name: str, figures: dict[str, int]) -> ConversionRow:
    return ConversionRow(
        code=code,
        name=name,
        **figures,
        progress=formulas.rate(figures["converted"], figures["converted"] + figures["remaining"]),
    )


def conversions_measure(*, place: Place, jurisdiction: Jurisdiction) -> ConversionsMeasure:
    """The conversion of the parallel networks (e-city, Social Security, Health Insurance, rural ICT)
    into Pishkhan offices: per organisation and per province (or county), with the overdue cases."""
    if place.level not in {"national", "province"}:
        message = _("Conversions are measured for the nation or a province.")
        raise ValidationError(message, fields={"level": message})
    if jurisdiction.kind in {"agency", "office"}:
        raise PermissionDeniedError(_("Conversions are the regulator's and the directorates' measure."))
    offices = Office.objects.filter(kind__in=PARALLEL_KINDS).exclude(status=OfficeStatus.CLOSED)
    conversions = Conversion.objects.all()
    province_id = place.filters.get("province_id") or jurisdiction.province_id
    if province_id is not None:
        offices, conversions = (
            offices.filter(province_id=province_id),
            conversions.filter(office__province_id=province_id),
        )
    now = timezone.now()
    kinds = dict(Office._meta.get_field("kind").choices)
    by_kind = _conversion_rows(offices, conversions, "kind", "from_kind", now)
    organisation = [
        _conversion_row(kind, str(kinds.get(kind, kind)), by_kind[kind]) for kind in PARALLEL_KINDS
    ]
    by = "county" if place.level == "province" else "province"
    grouped = _conversion_rows(offices, conversions, f"{by}_id", f"office__{by}_id", now)
    names = _names(by, grouped)
    rows = sorted(
        (_conversion_row(*names.get(pk, (str(pk), "")), figures) for pk, figures in grouped.items()),
        key=lambda row: row.code,
    )
    total = {
        name: sum(getattr(row, name) for row in organisation)
        for name in ("remaining", "converted", "open", "overdue", "refused")
    }
    return ConversionsMeasure(place, _conversion_row(place.code, place.name, total), organisation, rows)


# --- The network -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkRow:
    code: str
    name: str
    population: int | None
    offices: int  # Pishkhan and rural ICT offices, not closed
    serving: int  # of them, serving citizens now (open and licensed)
    per_100k: float | None  # offices per 100,000 people (2016 census)
    transactions: int  # recorded in the period


@dataclass(frozen=True)
class OfficeRank:
    code: str
    name: str
    value: float


@dataclass(frozen=True)
class NetworkMeasure:
    place: Place
    period: Period
    offices: int
    serving: int
    population: int | None
    per_100k: float | None
    licences: dict[str, int]  # licence state → count
    active: int  # offices that recorded a transaction in the period
    inactive: int  # serving offices that recorded none
    by: list[NetworkRow]
    top_volume: list[OfficeRank]
    bottom_volume: list[OfficeRank]
    top_score: list[OfficeRank]
    bottom_score: list[OfficeRank]


NETWORK_KINDS = ("pishkhan", "ict")
RANKED = 10


def network_measure(*, place: Place, jurisdiction: Jurisdiction, period: Period) -> NetworkMeasure:
    """The network of a place: offices per 100,000 people per province or county, licence states,
    offices active and inactive in the period, and the top and bottom offices by volume and score."""
    if place.level not in {"national", "province"}:
        message = _("The network is measured for the nation or a province.")
        raise ValidationError(message, fields={"level": message})
    if jurisdiction.kind in {"agency", "office"}:
        raise PermissionDeniedError(_("The network is the regulator's and the directorates' measure."))
    province_id = place.filters.get("province_id") or jurisdiction.province_id
    offices = Office.objects.filter(kind__in=NETWORK_KINDS).exclude(status=OfficeStatus.CLOSED)
    licences = Licence.objects.all()
    rollups = DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last)
    if province_id is not None:
        offices = offices.filter(province_id=province_id)
        licences = licences.filter(office__province_id=province_id)
        rollups = rollups.filter(province_id=province_id)
    serving = Q(status=OfficeStatus.ACTIVE, serving_hold="")
    by = "county" if province_id is not None else "province"
    key = f"{by}_id"
    counts = {
        row[key]: row
        for row in offices.values(key).annotate(n=Count("pk"), serving=Count("pk", filter=serving)).order_by()
    }
    volume = dict(rollups.values(key).annotate(n=Sum("total")).order_by().values_list(key, "n"))
    if by == "province":
        places = Province.objects.values_list("pk", "code", "name_fa", "population_2016")
    else:
        places = County.objects.filter(province_id=province_id).values_list(
            "pk", "code", "name_fa", "population_2016"
        )
    rows = []
    for pk, code, name, population in places:
        found = counts.get(pk, {"n": 0, "serving": 0})
        rows.append(
            NetworkRow(
                code,
                name,
                population,
                found["n"],
                found["serving"],
                formulas.per_100k(found["n"], population or 0),
                volume.get(pk) or 0,
            )
        )
    rows.sort(key=lambda row: row.code)
    per_office = dict(
        rollups.values("office_id").annotate(n=Sum("total")).order_by().values_list("office_id", "n")
    )
    serving_ids = set(offices.filter(serving).values_list("pk", flat=True))
    office_names = {
        pk: (code, name)
        for pk, code, name in Office.objects.filter(pk__in=per_office).values_list("pk", "code", "name")
    }
    by_volume = sorted(per_office.items(), key=lambda item: (-item[1], office_names.get(item[0], ("",))[0]))
    ranks = [OfficeRank(*office_names[pk], float(n)) for pk, n in by_volume if pk in office_names]
    month = jalali_date(period.last)
    scores = OfficeScore.objects.filter(year=month.year, month=month.month).select_related("office")
    if province_id is not None:
        scores = scores.filter(province_id=province_id)
    scored = [
        OfficeRank(s.office.code, s.office.name, s.score) for s in scores.order_by("-score", "office__code")
    ]
    population = sum(row.population or 0 for row in rows) or None
    total_offices = sum(row.offices for row in rows)
    return NetworkMeasure(
        place=place,
        period=period,
        offices=total_offices,
        serving=sum(row.serving for row in rows),
        population=population,
        per_100k=formulas.per_100k(total_offices, population or 0),
        licences=dict(
            licences.values("status").annotate(n=Count("pk")).order_by().values_list("status", "n")
        ),
        active=len(set(per_office) & set(offices.values_list("pk", flat=True))),
        inactive=len(serving_ids - set(per_office)),
        by=rows,
        top_volume=ranks[:RANKED],
        bottom_volume=ranks[::-1][:RANKED],
        top_score=scored[:RANKED],
        bottom_score=scored[::-1][:RANKED],
    )

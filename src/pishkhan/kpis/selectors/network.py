"""The network's measures: the parallel offices' conversion, and offices per 100,000 people, licences,
activity and rankings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.common.calendar import jalali_date
from pishkhan.common.errors import PermissionDeniedError, ValidationError
from pishkhan.geo.models import County, Province
from pishkhan.kpis import formulas
from pishkhan.kpis.selectors.places import (
    PARALLEL_KINDS,
    Jurisdiction,
    Period,
    Place,
    group_names,
    rollups_by_key,
    rollups_for,
)
from pishkhan.licensing.models import Licence
from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.states import OPEN_CONVERSION_STATES, ConversionState, OfficeStatus
from pishkhan.supervision.models import OfficeScore

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
    names = group_names(by, grouped)
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
    within = {}
    if province_id is not None:
        offices = offices.filter(province_id=province_id)
        licences = licences.filter(office__province_id=province_id)
        within = {"province_id": province_id}
    rollups = rollups_for(within, period)
    serving = Q(status=OfficeStatus.ACTIVE, serving_hold="")
    by = "county" if province_id is not None else "province"
    key = f"{by}_id"
    counts = {
        row[key]: row
        for row in offices.values(key).annotate(n=Count("pk"), serving=Count("pk", filter=serving)).order_by()
    }
    volume = {pk: row["n"] for pk, row in rollups_by_key(rollups, key, {"n": Sum("total")}).items()}
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
        rollups.daily.values("office_id").annotate(n=Sum("total")).order_by().values_list("office_id", "n")
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

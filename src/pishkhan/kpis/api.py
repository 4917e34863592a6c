"""The KPIs in the API: ``GET /kpis/trips``, ``/kpis/service``, ``/kpis/visits``,
``/kpis/outsourcing``, ``/kpis/conversions``, ``/kpis/network`` and ``/kpis/waits``.

Every measure takes the place (``level`` = national, province, county, agency or office, and its
``code``) and, where it is counted over days, the period ``from``/``to`` (Tehran days). Readers hold
``kpis.view`` and read within their jurisdiction: a directorate its province, an agency its own
services, an office operator its office. A place outside it is a 404, a malformed input a 422
(problem+json, ``docs/api.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.calendar import date_parse, jalali_date
from pishkhan.common.errors import ValidationError
from pishkhan.kpis import formulas, selectors
from pishkhan.kpis.schemas import (
    ConversionsOut,
    MeasureIn,
    NetworkOut,
    OutsourcingOut,
    ServiceFiguresOut,
    TripsOut,
    VisitsIn,
    VisitsOut,
    WaitsOut,
)

router = Router(auth=api_auth)


def _day(text: str, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return date_parse(text).day
    except ValidationError as error:
        raise ValidationError(str(error), fields={name: str(error)}) from None


def _inputs(
    request: HttpRequest, filters: MeasureIn
) -> tuple[selectors.Place, selectors.Jurisdiction, selectors.Period, selectors.Period | None]:
    principal: Principal = request.auth  # type: ignore[attr-defined]
    require(principal, "kpis.view")
    jurisdiction = selectors.jurisdiction_of(principal)
    place = selectors.place_resolve(level=filters.level, code=filters.code, jurisdiction=jurisdiction)
    today = timezone.localdate()
    first = _day(filters.first, "from") or jalali_date(today).replace(month=1, day=1).togregorian()
    last = _day(filters.last, "to") or today
    period = selectors.Period.of(first, last)
    compare_first, compare_last = (
        _day(filters.compare_from, "compare_from"),
        _day(filters.compare_to, "compare_to"),
    )
    if (compare_first is None) != (compare_last is None):
        message = _("Give both ends of the comparison period.")
        raise ValidationError(message, fields={"compare_to": message})
    compare = selectors.Period.of(compare_first, compare_last) if compare_first and compare_last else None
    return place, jurisdiction, period, compare


def _place(place: selectors.Place, period: selectors.Period) -> dict[str, Any]:
    return {
        "level": place.level,
        "code": place.code,
        "name": place.name,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
    }


@router.get("/kpis/trips", response=TripsOut, by_alias=True, summary="Trips avoided")
def trips(request: HttpRequest, filters: Query[MeasureIn]) -> dict:
    """Trips avoided (Σ completed transactions × the service's trips saved) and transactions
    completed in the period, broken down ``by`` (default: a level below the place)."""
    place, jurisdiction, period, compare = _inputs(request, filters)
    by = selectors.group_check(filters.by, place)
    measure = selectors.trips_measure(
        place=place, jurisdiction=jurisdiction, period=period, by=by, compare=compare
    )
    return {
        "place": _place(place, period),
        "trips_avoided": measure.trips_avoided,
        "transactions_completed": measure.transactions_completed,
        "by": measure.by,
        "previous": measure.previous,
    }


@router.get("/kpis/service", response=ServiceFiguresOut, by_alias=True, summary="Service figures")
def service(request: HttpRequest, filters: Query[MeasureIn]) -> dict:
    """Transactions per day, completion and rejection rates (among the finished), mean delivery time
    from recording to completion, fees charged against the tariff and overcharges."""
    place, jurisdiction, period, compare = _inputs(request, filters)
    by = selectors.group_check(filters.by, place)
    measure = selectors.service_measure(
        place=place, jurisdiction=jurisdiction, period=period, by=by, compare=compare
    )
    return vars(measure.totals) | {
        "place": _place(place, period),
        "by": measure.by,
        "previous": measure.previous,
    }


@router.get("/kpis/visits", response=VisitsOut, summary="Trips to agencies against the 12.5 % target")
def visits(request: HttpRequest, filters: Query[VisitsIn]) -> dict:
    """Agencies' reported in-person visits in a Jalali year (months so far) against the previous
    year: the reduction, the projection to the year's end and whether it meets the 12.5 % target; per
    agency (the nation, a province) or per province (an agency)."""
    principal: Principal = request.auth  # type: ignore[attr-defined]
    require(principal, "kpis.view")
    jurisdiction = selectors.jurisdiction_of(principal)
    place = selectors.place_resolve(level=filters.level, code=filters.code, jurisdiction=jurisdiction)
    year = filters.year or jalali_date(timezone.localdate()).year
    measure = selectors.visits_measure(place=place, jurisdiction=jurisdiction, year=year)
    return vars(measure.totals) | {
        "level": place.level,
        "code": place.code,
        "name": place.name,
        "year": year,
        "target_reduction": formulas.TARGET_REDUCTION,
        "by": [vars(row.target) | {"code": row.code, "name": row.name} for row in measure.by],
    }


@router.get("/kpis/outsourcing", response=OutsourcingOut, by_alias=True, summary="Outsourcing and compliance")
def outsourcing(request: HttpRequest, filters: Query[MeasureIn]) -> dict:
    """Per agency: services outsourced, pending and prohibited by law (with the legal basis), the
    share of its deliveries made at the offices in the period, and its compliance score, ranked."""
    place, jurisdiction, period, _compare = _inputs(request, filters)
    measure = selectors.outsourcing_measure(place=place, jurisdiction=jurisdiction, period=period)
    return {"place": _place(place, period), "by": measure.by}


@router.get("/kpis/conversions", response=ConversionsOut, summary="Parallel offices' conversion")
def conversions(request: HttpRequest, filters: Query[MeasureIn]) -> dict:
    """The conversion of the parallel networks into Pishkhan offices, per organisation and per
    province (or county of a province), with the overdue cases."""
    place, jurisdiction, _period, _compare = _inputs(request, filters)
    measure = selectors.conversions_measure(place=place, jurisdiction=jurisdiction)
    return vars(measure.totals) | {
        "level": place.level,
        "by_organisation": measure.by_organisation,
        "by": measure.by,
    }


@router.get("/kpis/network", response=NetworkOut, by_alias=True, summary="The network of offices")
def network(request: HttpRequest, filters: Query[MeasureIn]) -> dict:
    """Offices per 100,000 people per province (or county), licence states, offices active and
    inactive in the period, and the top and bottom offices by volume and by score."""
    place, jurisdiction, period, _compare = _inputs(request, filters)
    measure = selectors.network_measure(place=place, jurisdiction=jurisdiction, period=period)
    return {name: value for name, value in vars(measure).items() if name not in {"place", "period"}} | {
        "place": _place(place, period)
    }


@router.get("/kpis/waits", response=WaitsOut, by_alias=True, summary="Queue waits and service times")
def waits(request: HttpRequest, filters: Query[MeasureIn]) -> dict:
    """The queue tickets' mean waiting time (issued → called) and service time (called → served),
    with the tickets called, served and no-shows, in the period, broken down ``by`` (default: a level
    below the place; an office by service)."""
    place, jurisdiction, period, _compare = _inputs(request, filters)
    by = selectors.group_check(filters.by, place)
    measure = selectors.waits_measure(place=place, jurisdiction=jurisdiction, period=period, by=by)
    return vars(measure.totals) | {"place": _place(place, period), "by": measure.by}

"""The measures of the counter's work, read from the daily rollups: trips avoided and the service
figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from pishkhan.kpis import formulas
from pishkhan.kpis.selectors.places import (
    Jurisdiction,
    Period,
    Place,
    rollups_grouped,
    rollups_in,
    rollups_totals,
)

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


def trips_measure(
    *, place: Place, jurisdiction: Jurisdiction, period: Period, by: str, compare: Period | None = None
) -> TripsMeasure:
    """Trips avoided and transactions completed in the period, broken down ``by``."""
    rollups = rollups_in(place, jurisdiction, period)
    totals = rollups_totals(rollups, _TRIPS)
    rows = [
        TripsRow(code, name, figures["trips_avoided"] or 0, figures["transactions_completed"] or 0)
        for code, name, figures in rollups_grouped(rollups, by, _TRIPS)
    ]
    previous = None
    if compare is not None:
        before = rollups_totals(rollups_in(place, jurisdiction, compare), _TRIPS)
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
    rollups = rollups_in(place, jurisdiction, period)
    totals = ServiceFigures.of(place.code, place.name, rollups_totals(rollups, _SERVICE), period.days)
    rows = [
        ServiceFigures.of(code, name, {k: v or 0 for k, v in figures.items()}, period.days)
        for code, name, figures in rollups_grouped(rollups, by, _SERVICE)
    ]
    previous = None
    if compare is not None:
        before = rollups_totals(rollups_in(place, jurisdiction, compare), _SERVICE)
        previous = ServiceFigures.of(place.code, place.name, before, compare.days)
    return ServiceMeasure(place, period, totals, rows, previous)

"""The queue's wait and service times as KPIs, per office, county and province: read from the front
office's daily wait figures (``frontoffice.selectors.wait_days_in``), grouped as the counter's
rollups are (the same keys: province, county, office, agency, service, day)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from pishkhan.frontoffice.selectors import wait_days_in
from pishkhan.kpis import formulas
from pishkhan.kpis.selectors.places import Jurisdiction, Period, Place, rollups_grouped, rollups_totals


@dataclass(frozen=True)
class WaitFigures:
    code: str
    name: str
    called: int  # tickets called (each with a wait)
    wait_minutes: float | None  # mean, issued → called
    served: int
    service_minutes: float | None  # mean, called → served
    no_shows: int

    @classmethod
    def of(cls, code: str, name: str, figures: dict[str, int | None]) -> WaitFigures:
        sums = {key: value or 0 for key, value in figures.items()}
        wait = formulas.rate(sums["wait_seconds"], sums["called"])
        service = formulas.rate(sums["service_seconds"], sums["served"])
        return cls(
            code=code,
            name=name,
            called=sums["called"],
            wait_minutes=round(wait / 60, 1) if wait is not None else None,
            served=sums["served"],
            service_minutes=round(service / 60, 1) if service is not None else None,
            no_shows=sums["no_shows"],
        )


@dataclass(frozen=True)
class WaitsMeasure:
    """Mean waiting time (issued → called) and service time (called → served) of the queue's tickets
    in the period, with the tickets counted, broken down ``by``."""

    place: Place
    period: Period
    totals: WaitFigures
    by: list[WaitFigures]


_WAITS = {name: Sum(name) for name in ("called", "wait_seconds", "served", "service_seconds", "no_shows")}


def waits_measure(*, place: Place, jurisdiction: Jurisdiction, period: Period, by: str) -> WaitsMeasure:
    """The queue's waits and service times in the period, within the caller's jurisdiction."""
    rows = wait_days_in(first=period.first, last=period.last, **place.filters).filter(**jurisdiction.filters)
    totals = WaitFigures.of(place.code, place.name, rollups_totals(rows, _WAITS))
    grouped = [
        WaitFigures.of(code, name, figures) for code, name, figures in rollups_grouped(rows, by, _WAITS)
    ]
    return WaitsMeasure(place, period, totals, grouped)

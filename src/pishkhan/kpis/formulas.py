"""The KPI formulas, pure: numbers in, numbers out, no Django (import-linter holds it so).

The government's target is to cut citizens' in-person visits to agencies by 12.5 % a year. An agency
(or a province) is measured on the visits its buildings reported, Jalali month by month, against the
previous Jalali year: the reduction so far compares the same months of both years; the projection to
the year's end scales the previous year's total by this year's ratio so far (which keeps the seasons:
Nowruz and summer months weigh as they did), or, with no previous year, extends the monthly mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

TARGET_REDUCTION = 0.125
MONTHS = range(1, 13)
# The agency's compliance score, out of 100: how much of each duty it met, weighted.
COMPLIANCE_WEIGHTS = {"outsourcing": 0.5, "conversion": 0.3, "reporting": 0.2}


def rate(part: float, whole: float) -> float | None:
    """``part / whole``, or None when the whole is 0 (no rate, not a zero rate)."""
    return part / whole if whole else None


def per_100k(count: int, population: int) -> float | None:
    """How many per 100,000 people; None for a place without population."""
    return count * 100_000 / population if population > 0 else None


def reduction(current: float, previous: float) -> float | None:
    """The fall from ``previous`` to ``current`` as a share of ``previous`` (negative: a rise); None
    without a previous figure."""
    return (previous - current) / previous if previous > 0 else None


def projection_year_end(months: Mapping[int, int], previous: Mapping[int, int]) -> int | None:
    """The year's total projected from the months reported so far (``{month: visits}``), with the
    previous year's months as the seasons' shape; None when no month is reported."""
    if not months:
        return None
    so_far = sum(months.values())
    if len(months) == len(MONTHS):
        return so_far
    previous_same = sum(previous.get(month, 0) for month in months)
    previous_total = sum(previous.get(month, 0) for month in MONTHS)
    # Seasonal scaling only when the previous year covers the same months and the whole year.
    if previous_same > 0 and all(month in previous for month in MONTHS):
        return round(previous_total * so_far / previous_same)
    return round(so_far / len(months) * len(MONTHS))


@dataclass(frozen=True)
class TripsTarget:
    """Visits of one Jalali year against the previous one and the 12.5 % target."""

    visits: int  # this year, the months reported so far
    previous_same_months: int  # the previous year, the same months
    previous_year: int  # the previous year, all months reported
    reduction: float | None  # so far, against the same months
    projected: int | None  # this year's total, projected
    target: int | None  # the most visits the year may have to meet the target
    on_track: bool | None  # None: nothing to judge (no previous year or no month this year)


def trips_target(
    months: Mapping[int, int], previous: Mapping[int, int], *, target_reduction: float = TARGET_REDUCTION
) -> TripsTarget:
    """How a year's visits (``{month: visits}``, months so far) stand against the previous year's and
    the target: on track when the projected year stays at or below the previous year less the target
    reduction."""
    visits = sum(months.values())
    previous_same = sum(previous.get(month, 0) for month in months)
    previous_year = sum(previous.values())
    projected = projection_year_end(months, previous)
    target = round(previous_year * (1 - target_reduction)) if previous_year > 0 else None
    on_track = None if projected is None or target is None else projected <= target
    return TripsTarget(
        visits=visits,
        previous_same_months=previous_same,
        previous_year=previous_year,
        reduction=reduction(visits, previous_same),
        projected=projected,
        target=target,
        on_track=on_track,
    )


def compliance_score(
    *, outsourcing: float | None, conversion: float | None, reporting: float | None
) -> float | None:
    """An agency's compliance out of 100 from the shares (0–1) of its duties met: services outsourced
    of those the law allows, its parallel offices converted, its monthly reports made on time. A duty
    that does not apply (None) leaves the others' weights to carry the score; None when none does."""
    parts = {"outsourcing": outsourcing, "conversion": conversion, "reporting": reporting}
    weighed = {name: share for name, share in parts.items() if share is not None}
    total = sum(COMPLIANCE_WEIGHTS[name] for name in weighed)
    if not weighed or total <= 0:
        return None
    score = sum(COMPLIANCE_WEIGHTS[name] * min(max(share, 0.0), 1.0) for name, share in weighed.items())
    return round(100 * score / total, 1)

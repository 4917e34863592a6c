"""Planning's scheduled job, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.common.calendar import TEHRAN
from pishkhan.geo.selectors import geo_is_loaded
from pishkhan.planning.coverage import coverage_compute
from pishkhan.planning.demand import demand_build
from pishkhan.planning.models import CoverageRun, DemandPoint


def coverage_compute_daily(*, now: dt.datetime) -> int:
    """Once a Tehran day: rebuild demand (use rates follow the history) and recompute coverage and
    plans. Always 0 for the worker: one round a day is enough."""
    latest = CoverageRun.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    if latest is not None and latest.astimezone(TEHRAN).date() == now.astimezone(TEHRAN).date():
        return 0
    if not DemandPoint.objects.exists() and not geo_is_loaded():
        return 0
    demand_build(now=now)
    coverage_compute(now=now)
    return 0

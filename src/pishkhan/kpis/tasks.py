"""The KPI domain's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.kpis.services import rollups_update


def rollups_advance(*, now: dt.datetime) -> int:
    """Bring the daily rollups up to the counter's newest events (one bounded batch); how many events
    were read (the worker runs it again at once while there are more)."""
    return rollups_update(now=now)

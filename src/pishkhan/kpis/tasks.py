"""The KPI domain's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.kpis.services import rollups_update


def rollups_advance(*, now: dt.datetime) -> int:
    """Bring the daily rollups nearer the counter's newest events: one bounded round; how many events
    it read. The job is paced (settings): it waits its interval even after a full round, so that under
    a steady stream a round reads a couple of seconds' events at once rather than a few each, and
    during a burst it takes a bounded share of the machine from the counter and catches up after."""
    return rollups_update(now=now)

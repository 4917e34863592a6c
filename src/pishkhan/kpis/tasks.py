"""The KPI domain's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.kpis.services import BATCH, rollups_update


def rollups_advance(*, now: dt.datetime) -> int:
    """Bring the daily rollups up to the counter's newest events (one bounded batch). Returns how many
    events were read when the batch was full (the worker then runs it again at once: more are waiting),
    else 0: the job waits its interval, so that under a steady stream of transactions a round reads a
    couple of seconds' events at once rather than a few each, and its fixed cost (the cursor's lock,
    the cells' keys, the cursor's update) is shared by more of them."""
    read = rollups_update(now=now)
    return read if read >= BATCH else 0

"""The counter's scheduled job, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.transactions.services import notifications_enqueue_due


def notifications_enqueue(*, now: dt.datetime) -> int:
    """Put the citizens' messages of their transactions' new steps in the outbox; how many."""
    return notifications_enqueue_due(now=now)

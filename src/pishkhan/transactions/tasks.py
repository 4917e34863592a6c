"""The counter's scheduled job, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.transactions.services import notifications_send_due


def notifications_send(*, now: dt.datetime) -> int:
    """Text the citizens whose transactions finished; how many messages went."""
    return notifications_send_due(now=now)

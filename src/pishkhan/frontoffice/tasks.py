"""The front office's scheduled job, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.frontoffice.tickets import tickets_mobiles_erase_stale


def tickets_mobiles_erase(*, now: dt.datetime) -> int:
    """Erase the mobiles that tickets of earlier days still hold; how many."""
    return tickets_mobiles_erase_stale(now=now)

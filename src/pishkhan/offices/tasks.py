"""The office registry's scheduled job, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.offices.services import conversions_mark_overdue


def conversions_overdue(*, now: dt.datetime) -> int:
    """Mark conversions past their legal deadline as overdue; how many."""
    return conversions_mark_overdue(now=now, actor="worker:conversions_overdue")

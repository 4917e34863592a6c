"""The gateway's scheduled job, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.gateway.services import DeliveryReport, outbox_deliver_due


def outbox_deliver(*, now: dt.datetime) -> DeliveryReport | None:
    """Deliver one round of due requests; the report when it claimed any (so it runs again at once)."""
    report = outbox_deliver_due(now=now)
    return report if report.claimed else None

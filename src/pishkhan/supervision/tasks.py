"""Supervision's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.supervision.selectors import campaign_open
from pishkhan.supervision.services import campaign_conclude, campaign_notices_send, sanction_notices_send

ACTOR = "worker:campaigns_advance"
# Cases one round concludes; the worker runs the job again at once while it finds work (ADR 0006).
CONCLUDE_BATCH = 200


def campaigns_advance(*, now: dt.datetime) -> int:
    """Send the open campaign's notices still unsent, and conclude its cases once its grace period is
    over; how many notices and cases were done."""
    served = campaign_notices_send(now=now)
    campaign = campaign_open()
    decided = 0
    if campaign is not None and campaign.respond_by <= now:
        decided = campaign_conclude(campaign=campaign, actor=ACTOR, now=now, limit=CONCLUDE_BATCH).decided
    return served + decided


def sanction_notices_due(*, now: dt.datetime) -> int:
    """Send the sanction cases' notice SMS still unsent; how many were served (ADR 0010)."""
    return sanction_notices_send(now=now)

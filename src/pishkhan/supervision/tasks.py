"""Supervision's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.supervision.selectors import campaign_open
from pishkhan.supervision.services import campaign_conclude, campaign_notices_send, scores_compute_due

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


SCORES_ACTOR = "worker:scores"


def scores_compute(*, now: dt.datetime) -> int:
    """Close the previous month's scores if not yet final, and compute this month's provisional
    scores once a day; how many months were computed (0 when all is up to date)."""
    return len(scores_compute_due(now=now, actor=SCORES_ACTOR))

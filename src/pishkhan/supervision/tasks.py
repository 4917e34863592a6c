"""Supervision's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.supervision.selectors import campaign_open
from pishkhan.supervision.services import (
    campaign_conclude,
    campaign_notices_send,
    complaint_answers_send,
    complaint_refunds_flag_overdue,
    complaints_escalate,
)

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


COMPLAINTS_ACTOR = "worker:complaints_advance"


def complaints_advance(*, now: dt.datetime) -> int:
    """Text the answers not yet texted, escalate to the regulator the complaints unanswered past their
    deadline (``PISHKHAN_COMPLAINT_ANSWER_DAYS``), and flag the refunds the office has not confirmed in
    time (``PISHKHAN_COMPLAINT_REFUND_HOURS``); how many of the three were done."""
    return (
        complaint_answers_send(now=now)
        + complaints_escalate(now=now, actor=COMPLAINTS_ACTOR)
        + complaint_refunds_flag_overdue(now=now, actor=COMPLAINTS_ACTOR)
    )

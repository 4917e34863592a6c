"""Supervision's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.supervision import services
from pishkhan.supervision.selectors import campaign_open
from pishkhan.supervision.services import (
    campaign_conclude,
    campaign_notices_send,
    complaint_answers_send,
    complaint_refunds_flag_overdue,
    complaints_escalate,
    sanction_notices_send,
    scores_compute_due,
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


def alerts_evaluate(*, now: dt.datetime) -> int:
    """The near-real-time alert rules on the counter's new transactions (one bounded batch after the
    evaluator's cursor); how many transactions were read (the worker runs it again at once while
    there are more)."""
    return services.alerts_evaluate(now=now)


def alerts_periodic(*, now: dt.datetime) -> int:
    """The heavy alert rules (abnormal volume, offices offline in their hours), every few
    minutes; how many alerts were raised or folded. Always 0 for the worker: one round is enough."""
    services.alerts_evaluate_periodic(now=now)
    return 0


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


def sanction_notices_due(*, now: dt.datetime) -> int:
    """Send the sanction cases' notice SMS still unsent; how many were served (ADR 0010)."""
    return sanction_notices_send(now=now)


SCORES_ACTOR = "worker:scores"


def scores_compute(*, now: dt.datetime) -> int:
    """Close the previous month's scores if not yet final, and compute this month's provisional
    scores once a day; how many months were computed (0 when all is up to date)."""
    return len(scores_compute_due(now=now, actor=SCORES_ACTOR))

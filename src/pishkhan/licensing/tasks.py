"""Licensing's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``).

Each takes a batch and returns how many it changed, so the worker runs it again at once while work is
left (ADR 0006). Rows are claimed with ``SKIP LOCKED`` on PostgreSQL, so several workers may run.
"""

from __future__ import annotations

import datetime as dt

from pishkhan.licensing.services import (
    licences_expire_ended,
    licences_issue_for_conversions,
    licences_reinstate_ended,
)
from pishkhan.licensing.services.notices import renewal_reminders_send


def licences_reinstate_due(*, now: dt.datetime) -> int:
    """Reinstate the licences whose suspension has ended; how many."""
    return licences_reinstate_ended(now=now, actor="worker:licences_reinstate_due")


def licences_expire_due(*, now: dt.datetime) -> int:
    """Expire the licences whose term has ended; how many."""
    return licences_expire_ended(now=now, actor="worker:licences_expire_due")


def conversions_licence_due(*, now: dt.datetime) -> int:
    """Issue the Pishkhan licences of converted offices still lacking one; how many."""
    return licences_issue_for_conversions(now=now, actor="worker:conversions_licence_due")


def renewal_reminders(*, now: dt.datetime) -> int:
    """Remind holders to renew 60 and 30 days before their licences expire; how many reminders."""
    return renewal_reminders_send(now=now)

"""The audit log's scheduled job, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt
import logging

from pishkhan.audit.checkpoints import checkpoint_take

logger = logging.getLogger(__name__)


def checkpoint_append(*, now: dt.datetime) -> int:
    """Verify what the chain gained since the last checkpoint and append a signed checkpoint of its head
    to the checkpoint file (ADR 0011); 1 when one was written. A chain that does not hold is logged as
    an error and gets no checkpoint."""
    outcome = checkpoint_take()
    if not outcome.verdict.intact:
        verdict = outcome.verdict
        logger.error(
            "audit log broken at entry #%s (%s): %s", verdict.bad_seq, verdict.problem, verdict.detail
        )
        return 0
    return int(outcome.written)

"""The states of a counter transaction and the moves between them, as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pishkhan.common.transitions import TransitionTable


class TransactionState(models.TextChoices):
    """Where a counter transaction stands on its way to the agency and back."""

    RECEIVED = "received", _("Received")
    SUBMITTED = "submitted", _("Submitted to the agency")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected by the agency")
    FAILED = "failed", _("Failed")


# Received by Pishkhan, then handed to the agency's back-end, which completes or rejects it. A
# delivery that never gets through fails (from either state: a received transaction whose agency
# cannot be reached at all never becomes submitted). The three outcomes are final.
TRANSACTION_TRANSITIONS = TransitionTable.of(
    "transaction",
    {
        TransactionState.RECEIVED: {TransactionState.SUBMITTED, TransactionState.FAILED},
        TransactionState.SUBMITTED: {
            TransactionState.COMPLETED,
            TransactionState.REJECTED,
            TransactionState.FAILED,
        },
        TransactionState.COMPLETED: set(),
        TransactionState.REJECTED: set(),
        TransactionState.FAILED: set(),
    },
)

FINAL_STATES = frozenset({TransactionState.COMPLETED, TransactionState.REJECTED, TransactionState.FAILED})

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
# cannot be reached at all never becomes submitted). Completed and rejected are final; failed is final
# unless the agency's answer arrives after all (its late callback, or a replay of the delivery an
# official ordered): the agency did the work, and its answer is the truth.
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
        TransactionState.FAILED: {TransactionState.COMPLETED, TransactionState.REJECTED},
    },
)

FINAL_STATES = frozenset({TransactionState.COMPLETED, TransactionState.REJECTED, TransactionState.FAILED})

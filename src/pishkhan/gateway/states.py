"""The states of an outbound request to an agency, and the moves between them, as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pishkhan.common.transitions import TransitionTable


class OutboundState(models.TextChoices):
    """Where a request to an agency's back-end stands."""

    PENDING = "pending", _("Pending")
    IN_FLIGHT = "in_flight", _("In flight")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead (needs a replay)")


# in_flight → in_flight: a worker that died mid-delivery leaves its lease to expire, and another worker
# claims the row again. pending/dead → delivered: the agency's callback is the truth even when our own
# attempt timed out or gave up (the agency did the work). delivered is final: a result applies once.
OUTBOUND_TRANSITIONS = TransitionTable.of(
    "outbound request",
    {
        OutboundState.PENDING: {OutboundState.IN_FLIGHT, OutboundState.DELIVERED},
        OutboundState.IN_FLIGHT: {
            OutboundState.IN_FLIGHT,
            OutboundState.PENDING,
            OutboundState.DELIVERED,
            OutboundState.DEAD,
        },
        OutboundState.DEAD: {OutboundState.PENDING, OutboundState.DELIVERED},
        OutboundState.DELIVERED: set(),
    },
)


class AttemptOutcome(models.TextChoices):
    """How one delivery attempt ended."""

    RUNNING = "running", _("Running")
    ANSWERED = "answered", _("Answered")
    RETRY = "retry", _("Failed, will retry")
    FAILED = "failed", _("Failed for good")
    ABANDONED = "abandoned", _("Abandoned (worker lost)")


class AgencyAnswer(models.TextChoices):
    """What an agency's back-end says about a request."""

    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    # The agency took the request; its result comes later by callback.
    ACCEPTED = "accepted", _("Accepted, result to follow")


FINAL_ANSWERS = frozenset({AgencyAnswer.COMPLETED, AgencyAnswer.REJECTED})

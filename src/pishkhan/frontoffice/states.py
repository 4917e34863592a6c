"""The states of a queue ticket and the moves between them, as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pishkhan.common.transitions import TransitionTable


class TicketState(models.TextChoices):
    """Where a queue ticket stands in the office's waiting room."""

    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("No-show")


# Issued waiting; a counter calls it; the citizen is served or did not come. A called ticket may be
# transferred to another counter: it waits again, for that counter only, keeping its place in line.
TICKET_TRANSITIONS = TransitionTable.of(
    "ticket",
    {
        TicketState.WAITING: {TicketState.CALLED},
        TicketState.CALLED: {TicketState.SERVED, TicketState.NO_SHOW, TicketState.WAITING},
        TicketState.SERVED: set(),
        TicketState.NO_SHOW: set(),
    },
)

FINAL_STATES = frozenset({TicketState.SERVED, TicketState.NO_SHOW})


class AppointmentState(models.TextChoices):
    """Where an appointment stands: booked, cancelled by the citizen, turned into a ticket, or missed
    (its day ended with the citizen never at the kiosk: ``appointments.appointments_missed_mark``)."""

    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ARRIVED = "arrived", _("Arrived")
    MISSED = "missed", _("Missed")

"""The front office's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.frontoffice.appointments import appointments_remind
from pishkhan.frontoffice.tickets import tickets_mobiles_erase_stale


def tickets_mobiles_erase(*, now: dt.datetime) -> int:
    """Erase the mobiles that tickets of earlier days still hold; how many."""
    return tickets_mobiles_erase_stale(now=now)


def appointments_reminders(*, now: dt.datetime) -> int:
    """Text tomorrow's booked citizens their reminder, once each; how many were put in the outbox."""
    return appointments_remind(now=now)

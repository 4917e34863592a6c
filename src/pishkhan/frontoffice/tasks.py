"""The front office's scheduled jobs, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.frontoffice.appointments import appointments_missed_mark, appointments_remind
from pishkhan.frontoffice.tickets import tickets_mobiles_erase_stale
from pishkhan.frontoffice.waits import waits_behind, waits_update


def tickets_mobiles_erase(*, now: dt.datetime) -> int:
    """Erase the mobiles that tickets of earlier days still hold; how many."""
    return tickets_mobiles_erase_stale(now=now)


def appointments_reminders(*, now: dt.datetime) -> int:
    """Text tomorrow's booked citizens their reminder, once each; how many were put in the outbox."""
    return appointments_remind(now=now)


def appointments_missed(*, now: dt.datetime) -> int:
    """Mark missed the bookings of past days never attended; how many."""
    return appointments_missed_mark(now=now)


def waits_advance(*, now: dt.datetime) -> bool:
    """Bring the wait and service figures up to the tickets called and ended since the last round
    (``waits.waits_update``, at most ``waits.SPAN`` of them). True while it is still behind (a worker
    that was down catches up at once); otherwise the worker waits the job's interval, as the figures
    trail the tickets by ``waits.SETTLE`` anyway."""
    waits_update(now=now)
    return waits_behind(now=now)

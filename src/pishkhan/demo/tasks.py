"""The demo's scheduled jobs, registered in ``PISHKHAN_JOBS`` only in demo mode (``config/settings``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.demo.heartbeats import heartbeats_beat
from pishkhan.demo.network import DEFAULT_SEED
from pishkhan.demo.queues import queues_step


def demo_heartbeats(*, now: dt.datetime) -> None:
    """The demo's offices send their heartbeats, as their systems would while the demo runs.

    Returns nothing: the worker then waits the job's interval (two minutes, well inside the
    ten after which an office turns quiet) before the next round,
    rather than running it again at once.
    """
    heartbeats_beat(seed=DEFAULT_SEED, now=now)


def demo_queues(*, now: dt.datetime) -> None:
    """The queues of a sample of the demo's offices move: tickets issued, called and served through
    the front office's services (``demo/queues.py``), so the waiting-room displays change live and
    the wait figures fill in. Returns nothing: the worker waits the job's interval between rounds."""
    queues_step(seed=DEFAULT_SEED, now=now)

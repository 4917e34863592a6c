"""The demo's scheduled job, registered in ``PISHKHAN_JOBS`` only in demo mode (``config/settings``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.demo.heartbeats import heartbeats_beat
from pishkhan.demo.network import DEFAULT_SEED


def demo_heartbeats(*, now: dt.datetime) -> None:
    """The demo's offices send their heartbeats, as their systems would while the demo runs.

    Returns nothing: the worker then waits the job's interval (two minutes, well inside the
    ten after which an office turns quiet) before the next round,
    rather than running it again at once.
    """
    heartbeats_beat(seed=DEFAULT_SEED, now=now)

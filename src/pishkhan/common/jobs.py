"""Scheduled jobs, as data, and the loop that runs them: what ``pishkhan worker`` does.

``settings.PISHKHAN_JOBS`` lists each job's name, the dotted path of a function called as
``func(now=...)`` and how often to run it. A job that finds work to do returns a true value and runs
again at once (unless it is ``paced``); one that found nothing waits its interval. The work itself is
durable in the database (the gateway's outbox, transactions waiting for their SMS, conversions past
their deadline), so a worker that stops loses nothing: the next one finds the same rows. Several
workers may run: every job claims its rows with ``select_for_update(skip_locked=True)`` or does
idempotent work. Why no separate
queue library: ADR 0006.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from pishkhan.common.outage import database_unreachable

logger = logging.getLogger("pishkhan.worker")


@dataclass(frozen=True)
class Job:
    """One scheduled job: a name, the function's dotted path, and the pause when it finds nothing.
    A ``paced`` job waits its interval even when it found work: background upkeep that must yield the
    machine to the counter during a burst, and catches up after it (its rounds are bounded)."""

    name: str
    path: str
    every: dt.timedelta
    paced: bool = False

    @classmethod
    def of(cls, spec: dict[str, Any]) -> Job:
        return cls(
            name=spec["name"],
            path=spec["path"],
            every=dt.timedelta(seconds=float(spec["every"])),
            paced=bool(spec.get("paced", False)),
        )


def jobs_configured() -> list[Job]:
    """The jobs named in ``settings.PISHKHAN_JOBS``."""
    return [Job.of(spec) for spec in settings.PISHKHAN_JOBS]


@dataclass
class Schedule:
    """When each job runs next; a job with work left runs again at the next tick."""

    jobs: list[Job]
    next_run: dict[str, dt.datetime] = field(default_factory=dict)
    _functions: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def run_due(self, now: dt.datetime) -> list[tuple[Job, Any]]:
        """Run every job due at ``now``; each (job, what it returned or the exception it raised)."""
        ran: list[tuple[Job, Any]] = []
        for job in self.jobs:
            if self.next_run.get(job.name, now) > now:
                continue
            if not connection.in_atomic_block:  # (a test's transaction wraps everything)
                close_old_connections()  # a connection the database dropped is replaced, not reused
            try:
                function = self._functions.get(job.path) or import_string(job.path)
                self._functions[job.path] = function
                outcome = function(now=now)
            except Exception as error:  # a job's failure must not stop the others
                if database_unreachable(error):  # an outage, not the job's fault: no traceback
                    logger.warning("job %s: the database is unreachable; next round: %s", job.name, error)
                else:
                    logger.exception("job %s failed", job.name)
                outcome = error
                self.next_run[job.name] = now + job.every
            else:
                self.next_run[job.name] = now if outcome and not job.paced else now + job.every
            ran.append((job, outcome))
        return ran

    def busy(self, now: dt.datetime) -> bool:
        """Whether some job is due again at once (it had more work)."""
        return any(self.next_run.get(job.name, now) <= now for job in self.jobs)


def run_once(jobs: Iterable[Job] | None = None) -> list[tuple[Job, Any]]:
    """Run every job once, now (``pishkhan worker --once``; tests)."""
    return Schedule(list(jobs if jobs is not None else jobs_configured())).run_due(timezone.now())

"""``pishkhan worker [--once] [--concurrency N] [--only JOB]``: run the scheduled jobs (gateway
deliveries, SMS, deadlines).

``--concurrency N`` runs N processes sharing the gateway's outbox (ADR 0012): this one runs every job,
and N-1 more, started and restarted by it, deliver only. Each claims its own batch of due rows under
a lease (``SKIP LOCKED`` on PostgreSQL), so no row is delivered by two of them. On SQLite, which lets
one writer in at a time, more processes would only queue for the lock: it runs one.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from pishkhan.common.jobs import Schedule, jobs_configured

CONCURRENCY_MAX = 32
# The job the extra processes run: the one whose volume follows the counters'.
DELIVERY_JOB = "gateway.deliver"
STOP_GRACE = 10.0


class Command(BaseCommand):
    help = (
        "Run the jobs of settings.PISHKHAN_JOBS until stopped (SIGTERM or Ctrl+C finish the job at hand "
        "first): deliver the gateway's outbox, send citizens' SMS, mark deadlines passed. Several "
        "workers may run at once; --concurrency N runs N processes delivering the outbox (PostgreSQL)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once, then stop")
        parser.add_argument(
            "--tick", type=float, default=0.5, help="seconds to sleep when no job is due (default 0.5)"
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=1,
            help=(
                "processes delivering the gateway's outbox (default 1): this one runs every job, N-1 "
                "more deliver only; always 1 on SQLite"
            ),
        )
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="JOB",
            help="run only this job of settings.PISHKHAN_JOBS (may be repeated)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["tick"] <= 60:
            raise CommandError("--tick must be more than 0 and at most 60 seconds.")
        concurrency = options["concurrency"]
        if not 1 <= concurrency <= CONCURRENCY_MAX:
            raise CommandError(f"--concurrency must be 1 to {CONCURRENCY_MAX}.")
        jobs = jobs_configured()
        if options["only"]:
            known = {job.name for job in jobs}
            unknown = sorted(set(options["only"]) - known)
            if unknown:
                raise CommandError(f"No such job: {', '.join(unknown)} (known: {', '.join(sorted(known))}).")
            jobs = [job for job in jobs if job.name in options["only"]]
        schedule = Schedule(jobs)
        if options["once"]:
            self._report(schedule.run_due(timezone.now()), quiet=False)
            return
        if concurrency > 1 and connection.vendor == "sqlite":
            self.stderr.write("worker: SQLite lets one writer in at a time; running one process.")
            concurrency = 1
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        helpers: list[subprocess.Popen | None] = [None] * (concurrency - 1)
        names = ", ".join(job.name for job in schedule.jobs)
        extra = f" (and {len(helpers)} more processes delivering)" if helpers else ""
        self.stdout.write(f"worker: running {names}{extra}")
        try:
            while not stopping:
                self._helpers_keep(helpers, tick=options["tick"])
                self._report(schedule.run_due(timezone.now()), quiet=True)
                if not schedule.busy(timezone.now()):
                    time.sleep(options["tick"])
        finally:
            self._helpers_stop(helpers)
        self.stdout.write("worker: stopped")

    def _helpers_keep(self, helpers: list[subprocess.Popen | None], *, tick: float) -> None:
        """Start the delivering processes, and again any that died: their rows wait under a lease."""
        for index, helper in enumerate(helpers):
            if helper is not None and helper.poll() is None:
                continue
            if helper is not None:
                self.stderr.write(f"worker: a delivering process stopped ({helper.returncode}); restarting")
            command = [sys.executable, "-m", "pishkhan", "worker", "--only", DELIVERY_JOB]
            command += ["--tick", str(tick)]
            helpers[index] = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603

    def _helpers_stop(self, helpers: list[subprocess.Popen | None]) -> None:
        """Stop the delivering processes as this one stops: each finishes the batch at hand."""
        running = [helper for helper in helpers if helper is not None and helper.poll() is None]
        for helper in running:
            helper.send_signal(signal.SIGTERM)
        for helper in running:
            try:
                helper.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    helper.kill()
                helper.wait()

    def _report(self, ran: list, *, quiet: bool) -> None:
        for job, outcome in ran:
            if isinstance(outcome, Exception):
                self.stderr.write(f"{job.name}: failed: {outcome}")
            elif outcome or not quiet:
                self.stdout.write(f"{job.name}: {outcome}")

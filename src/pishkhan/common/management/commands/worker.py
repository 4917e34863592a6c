"""``pishkhan worker [--once]``: run the scheduled jobs (gateway deliveries, SMS, deadlines)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pishkhan.common.jobs import Schedule, jobs_configured


class Command(BaseCommand):
    help = (
        "Run the jobs of settings.PISHKHAN_JOBS until stopped (SIGTERM or Ctrl+C finish the job at hand "
        "first): deliver the gateway's outbox, send citizens' SMS, mark deadlines passed. Several "
        "workers may run at once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once, then stop")
        parser.add_argument(
            "--tick", type=float, default=0.5, help="seconds to sleep when no job is due (default 0.5)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["tick"] <= 60:
            raise CommandError("--tick must be more than 0 and at most 60 seconds.")
        schedule = Schedule(jobs_configured())
        if options["once"]:
            self._report(schedule.run_due(timezone.now()), quiet=False)
            return
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        names = ", ".join(job.name for job in schedule.jobs)
        self.stdout.write(f"worker: running {names}")
        while not stopping:
            self._report(schedule.run_due(timezone.now()), quiet=True)
            if not schedule.busy(timezone.now()):
                time.sleep(options["tick"])
        self.stdout.write("worker: stopped")

    def _report(self, ran: list, *, quiet: bool) -> None:
        for job, outcome in ran:
            if isinstance(outcome, Exception):
                self.stderr.write(f"{job.name}: failed: {outcome}")
            elif outcome or not quiet:
                self.stdout.write(f"{job.name}: {outcome}")

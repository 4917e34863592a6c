"""``pishkhan gateway_deliver [--loop]``: deliver the outbox's due requests to the agencies."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pishkhan.gateway.services import DELIVER_LIMIT_MAX, outbox_deliver_due


class Command(BaseCommand):
    help = "Deliver the requests due now (once, or again and again with --loop). Prints what it did."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--limit", type=int, default=100, help=f"at most this many per run (≤ {DELIVER_LIMIT_MAX})"
        )
        parser.add_argument("--loop", action="store_true", help="keep delivering until interrupted")
        parser.add_argument("--sleep", type=float, default=1.0, help="seconds between runs with nothing due")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["limit"] <= DELIVER_LIMIT_MAX:
            raise CommandError(f"--limit must be 1 to {DELIVER_LIMIT_MAX}.")
        if options["sleep"] < 0:
            raise CommandError("--sleep cannot be negative.")
        try:
            while True:
                report = outbox_deliver_due(now=timezone.now(), limit=options["limit"])
                if report.claimed or not options["loop"]:
                    self.stdout.write(
                        f"claimed {report.claimed}: delivered {report.delivered}, retrying "
                        f"{report.retrying}, dead {report.dead}, taken over {report.reclaimed}"
                    )
                if not options["loop"]:
                    return
                if not report.claimed:
                    time.sleep(options["sleep"])
        except KeyboardInterrupt:
            return

"""``pishkhan simulate``: stream live transactions and heartbeats from demo offices through the HTTP API."""

from __future__ import annotations

import random
import socket
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.demo.network import network_is_built
from pishkhan.demo.simulate import offices_prepare, offices_release, run_name, simulation_run


def _rate(text: str) -> float:
    """``50`` or ``50/s``."""
    return float(text.removesuffix("/s"))


class Command(BaseCommand):
    help = (
        "Act as the systems of many demo offices against a running Pishkhan (default http://127.0.0.1:8000): "
        "heartbeats about once a minute, transactions posted one by one with fresh Idempotency-Keys (a few "
        "sent twice on purpose), batches of stored transactions from offline rural offices, and queue "
        "tickets issued, called and served through the ticket API. Issues an API key per office for the "
        "run (revoked at its end) and prints what was sent and answered. The "
        "server must use the same database as this command."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server (default %(default)s)")
        parser.add_argument(
            "--rate", type=_rate, default=20.0, help="transactions per second, e.g. 50 or 50/s (default 20)"
        )
        parser.add_argument("--duration", type=float, default=60.0, help="seconds to run (default 60)")
        parser.add_argument("--offices", type=int, default=200, help="offices to act for (default 200)")
        parser.add_argument(
            "--offline-share",
            type=float,
            default=0.1,
            help="share of those offices that are offline and send batches (default 0.1)",
        )
        parser.add_argument(
            "--retry-share",
            type=float,
            default=0.05,
            help="share of requests sent twice on purpose, to show idempotency (default 0.05)",
        )
        parser.add_argument(
            "--batch-every", type=float, default=20.0, help="seconds between an offline office's batches"
        )
        parser.add_argument(
            "--tickets-rate",
            type=_rate,
            default=2.0,
            help="queue tickets a second, issued, called and served by the online offices (default 2)",
        )
        parser.add_argument("--concurrency", type=int, default=16, help="parallel connections (default 16)")
        parser.add_argument("--seed", type=int, default=1405, help="random seed of the traffic")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"].rstrip("/")
        checks = {
            "--rate must be above 0 and at most 10,000": 0 < options["rate"] <= 10_000,
            "--duration must be above 0 and at most a day": 0 < options["duration"] <= 86_400,
            "--offices must be between 1 and 20,000": 1 <= options["offices"] <= 20_000,
            "--offline-share must be between 0 and 1": 0 <= options["offline_share"] <= 1,
            "--retry-share must be between 0 and 1": 0 <= options["retry_share"] <= 1,
            "--batch-every must be at least 1 second": options["batch_every"] >= 1,
            "--concurrency must be between 1 and 256": 1 <= options["concurrency"] <= 256,
            "--tickets-rate must be between 0 and 1,000": 0 <= options["tickets_rate"] <= 1_000,
        }
        for message, ok in checks.items():
            if not ok:
                raise CommandError(f"{message}.")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"--url must be an http(s) address, not {url!r}.")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            socket.create_connection((parts.hostname, port), timeout=3).close()
        except OSError:
            raise CommandError(f"No server answers at {url}; start one with `pishkhan up`.") from None
        if not network_is_built():
            raise CommandError("No offices to act for: build the demo network first (`pishkhan demo`).")

        run = run_name()
        rng = random.Random(options["seed"])
        offices = offices_prepare(
            count=options["offices"], offline_share=options["offline_share"], rng=rng, run=run
        )
        if not offices:
            raise CommandError(
                "No office may post transactions now: none is open, licensed where its kind needs it, "
                "and offering a service with a tariff in force today."
            )
        offline = sum(office.offline for office in offices)
        self.stdout.write(
            f"Run {run}: {len(offices)} offices ({offline} offline) at {options['rate']:g} transactions/s "
            f"for {options['duration']:g} s against {url}…"
        )
        try:
            report = simulation_run(
                url=url,
                offices=offices,
                rate=options["rate"],
                duration=options["duration"],
                run=run,
                concurrency=options["concurrency"],
                retry_share=options["retry_share"],
                batch_every=options["batch_every"],
                seed=options["seed"],
                tickets_rate=options["tickets_rate"],
                progress=self.stdout.write,
            )
        finally:
            revoked = offices_release(run=run)
        self.stdout.write(report.summary())
        self.stdout.write(f"Revoked the run's {revoked} API keys.")
        if report.replay_mismatches:
            raise CommandError(f"{report.replay_mismatches} retries created a second transaction.")

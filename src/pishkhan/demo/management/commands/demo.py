"""``pishkhan demo``: build the synthetic national network and its transaction history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.common.errors import ApplicationError
from pishkhan.demo.history import NATIONAL_YEAR, UP_DAYS, UP_SCALE, history_build
from pishkhan.demo.network import DEFAULT_OFFICES, DEFAULT_SEED, network_build, network_is_built
from pishkhan.geo.selectors import geo_is_loaded
from pishkhan.kpis.services import rollups_rebuild

MAX_DAYS = 3650


class Command(BaseCommand):
    help = (
        "Build the demo network deterministically from a seed: the real agencies with their services and "
        "tariffs, offices of all five kinds placed in real cities and villages in proportion to population, "
        "their operators and staff, conversions in every state, two years of agencies' visit reports, and "
        "days of counter transactions ending now. Needs the geography (`pishkhan geo_load`). Into a "
        "registry that is not empty, only `--days` is allowed: it adds the days of history still missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--offices",
            type=int,
            default=DEFAULT_OFFICES,
            help=f"how many offices (default {DEFAULT_OFFICES:,})",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--days",
            type=int,
            help=f"days of transaction history ending now (default {UP_DAYS}, as `pishkhan up` builds)",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=UP_SCALE,
            help=(
                f"share of the national volume of about {NATIONAL_YEAR:,} transactions a year "
                f"(default {UP_SCALE}; 1 for the full national volume)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        offices, days, scale = options["offices"], options["days"], options["scale"]
        if not 1 <= offices <= 200_000:
            raise CommandError(f"--offices must be between 1 and 200,000, not {offices}.")
        if days is not None and not 0 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 0 and {MAX_DAYS:,}, not {days}.")
        if not 0 < scale <= 10:
            raise CommandError(f"--scale must be above 0 and at most 10, not {scale}.")
        if not geo_is_loaded():
            raise CommandError("The geography is not loaded; run `pishkhan geo_load` first.")
        built = network_is_built()
        if built and days is None:
            raise CommandError(
                "The office registry is not empty; the network builds only into a fresh database "
                "(--days N adds the missing days of transaction history to it)."
            )
        days = UP_DAYS if days is None else days
        if days:
            expected = NATIONAL_YEAR * scale * days / 365
            self.stdout.write(
                f"History: {days} days at {scale:g} × the national volume, "
                f"about {expected:,.0f} transactions."
            )
        try:
            if built:
                report = history_build(
                    days=days, scale=scale, seed=options["seed"], progress=self.stdout.write
                )
                self.stdout.write(self.style.SUCCESS(f"Demo history built: {report}."))
                rebuilt = rollups_rebuild()  # the added days' KPI rollups, the cursor past them
                self.stdout.write(f"KPI rollups: {rebuilt.cells} cells.")
                return
            report = network_build(
                offices=offices,
                seed=options["seed"],
                history_days=days,
                history_scale=scale,
                progress=self.stdout.write,
            )
        except ApplicationError as exc:
            raise CommandError(f"The demo could not be built: {exc.detail}") from None
        self.stdout.write(self.style.SUCCESS(f"Demo network built: {report}."))

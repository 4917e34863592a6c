"""``pishkhan planning_demand_build``: rebuild the demand points (cities, located villages, estimated
rural points) from the shipped geography and the counter's history (``planning/demand.py``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.geo.selectors import geo_is_loaded
from pishkhan.planning.demand import demand_build


class Command(BaseCommand):
    help = "Rebuild planning's demand points from the census populations and the counter's history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=None, help="seed of the estimated rural points")

    def handle(self, *args: object, **options: object) -> None:
        if not geo_is_loaded():
            raise CommandError("The geography is not loaded: run `pishkhan geo_load` first.")
        started = time.perf_counter()
        n = demand_build(seed=options["seed"])  # type: ignore[arg-type]
        self.stdout.write(f"{n} demand points in {time.perf_counter() - started:.1f} s")

"""``pishkhan planning_coverage_compute``: measure coverage of every demand point by the offices in
force, store a run with per-county results and propose a plan per province (``planning/coverage.py``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.planning.coverage import coverage_compute
from pishkhan.planning.models import DemandPoint


class Command(BaseCommand):
    help = "Compute coverage by the offices in force and propose a plan of new offices per province."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-plans", action="store_true", help="coverage only, no proposed plans")

    def handle(self, *args: object, **options: object) -> None:
        if not DemandPoint.objects.exists():
            raise CommandError("No demand points: run `pishkhan planning_demand_build` first.")
        run = coverage_compute(plans=not options["no_plans"])
        self.stdout.write(
            f"{run.demand_points} demand points, {run.counties.count()} counties in {run.seconds:.1f} s"
        )

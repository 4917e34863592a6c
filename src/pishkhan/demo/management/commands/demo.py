"""``pishkhan demo``: build the synthetic national network (catalogue, offices, staff, conversions)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.common.errors import ApplicationError
from pishkhan.demo.network import DEFAULT_OFFICES, DEFAULT_SEED, network_build, network_is_built
from pishkhan.geo.selectors import geo_is_loaded


class Command(BaseCommand):
    help = (
        "Build the demo network deterministically from a seed: the real agencies with their services and "
        "tariffs, offices of all five kinds placed in real cities and villages in proportion to population, "
        "their operators and staff, conversions in every state, and two years of agencies' visit reports. "
        "Needs the geography (`pishkhan geo_load`) and an office registry that is still empty."
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

    def handle(self, *args: Any, **options: Any) -> None:
        offices = options["offices"]
        if not 1 <= offices <= 200_000:
            raise CommandError(f"--offices must be between 1 and 200,000, not {offices}.")
        if not geo_is_loaded():
            raise CommandError("The geography is not loaded; run `pishkhan geo_load` first.")
        if network_is_built():
            raise CommandError(
                "The office registry is not empty; the demo builds only into a fresh database."
            )
        try:
            report = network_build(offices=offices, seed=options["seed"], progress=self.stdout.write)
        except ApplicationError as exc:
            raise CommandError(f"The demo network could not be built: {exc.detail}") from None
        self.stdout.write(self.style.SUCCESS(f"Demo network built: {report}."))

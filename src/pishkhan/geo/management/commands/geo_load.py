"""``pishkhan geo_load``: load Iran's provinces, counties, districts, cities and villages."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from pishkhan.geo.models import Place
from pishkhan.geo.services import geo_load


class Command(BaseCommand):
    help = (
        "Load Iran's provinces, counties, districts, cities and villages from the data shipped with "
        "Pishkhan. Does nothing when they are loaded, unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="compare every row with the shipped data and write the differences, even when loaded",
        )

    def handle(self, *args: object, **options: object) -> None:
        if Place._meta.db_table not in connection.introspection.table_names():
            raise CommandError("The database has no geography tables yet; run `pishkhan migrate` first.")
        report = geo_load(force=bool(options["force"]))
        for name, load in report.tables.items():
            self.stdout.write(
                f"{name:<10} {load.total:>7,} ({load.created:,} created, {load.updated:,} updated)"
            )
        if report.skipped:
            self.stdout.write(
                "Already loaded; nothing written (use --force to compare with the shipped data)."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Geography loaded in {report.seconds:.1f} s."))

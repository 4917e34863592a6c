"""``pishkhan kpis_rebuild [--from DATE --to DATE]``: recompute the daily rollups exactly from the
counter's transactions (every day, or the Tehran days of a period; dates Jalali or Gregorian), then
the monthly rollups of the Jalali months the period touches from the daily ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.common.calendar import date_parse
from pishkhan.common.errors import ValidationError
from pishkhan.kpis.services import rollups_rebuild


def _day(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return date_parse(text).day
    except ValidationError as error:
        raise CommandError(f"{option} {text!r}: {error}") from None


class Command(BaseCommand):
    help = (
        "Recompute the KPI daily rollups exactly from the counter's transactions: every day, or the days "
        "from --from to --to (Tehran days of recording; Jalali 1405/09/14 or Gregorian 2026-12-05), "
        "then the monthly rollups of the Jalali months they touch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="first", help="first day (Jalali or Gregorian); default: the first"
        )
        parser.add_argument("--to", dest="last", help="last day (Jalali or Gregorian); default: the last")

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = _day(options["first"], "--from"), _day(options["last"], "--to")
        if first is not None and last is not None and last < first:
            raise CommandError(f"--to {last} comes before --from {first}.")
        report = rollups_rebuild(first=first, last=last)
        if report.first is None:
            self.stdout.write("No transactions: the rollups are empty.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Rollups rebuilt from {report.first} to {report.last}: {report.cells} cells "
                f"({report.deleted} replaced)."
            )
        )

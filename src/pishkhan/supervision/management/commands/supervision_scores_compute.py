"""``pishkhan supervision_scores_compute --month 1405-09``: compute every office's score for a month."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pishkhan.common.errors import ApplicationError
from pishkhan.supervision.scores import JalaliMonth
from pishkhan.supervision.services import scores_compute

ACTOR = "command:supervision_scores_compute"


class Command(BaseCommand):
    help = (
        "Compute every office's score for a Jalali month (default: the current one) and rank them in "
        "their provinces. A month that has ended is closed (final); the current one is provisional."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="the Jalali month, as 1405-09 (default: this month)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                JalaliMonth.parse(options["month"]) if options["month"] else JalaliMonth.of(timezone.now())
            )
            done = scores_compute(month=month, actor=ACTOR)
        except ApplicationError as exc:
            raise CommandError(exc.detail) from None
        state = "final" if done.final else "provisional"
        self.stdout.write(f"{done.month.code}: {done.offices} offices scored ({state}).")
        if done.missing:
            self.stdout.write(
                "Not measured yet (their weight went to the others): " + ", ".join(done.missing) + "."
            )

"""``pishkhan licences_apply_deadlines``: what the worker does hourly, once, now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from pishkhan.licensing.services import (
    licences_expire_ended,
    licences_issue_for_conversions,
    licences_reinstate_ended,
)

ACTOR = "command:licences_apply_deadlines"


def _all(step: Any, now: Any) -> int:
    total = 0
    while done := step(now=now, actor=ACTOR):
        total += done
    return total


class Command(BaseCommand):
    help = (
        "Reinstate licences whose suspension has ended, expire licences past their expiry date, and issue "
        "the Pishkhan licences of converted offices still lacking one. Prints the counts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        reinstated = _all(licences_reinstate_ended, now)
        expired = _all(licences_expire_ended, now)
        issued = _all(licences_issue_for_conversions, now)
        self.stdout.write(
            f"{reinstated} licence(s) reinstated, {expired} expired, {issued} issued for conversions"
        )

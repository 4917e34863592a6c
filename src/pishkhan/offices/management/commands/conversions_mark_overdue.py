"""``pishkhan conversions_mark_overdue``: mark conversions undecided past their legal deadline."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from pishkhan.offices.services import conversions_mark_overdue


class Command(BaseCommand):
    help = (
        "Mark every conversion still requested or under review past its legal deadline as overdue "
        "(run daily). Prints how many were marked."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        marked = conversions_mark_overdue(now=timezone.now(), actor="command:conversions_mark_overdue")
        self.stdout.write(f"{marked} conversion(s) marked overdue")

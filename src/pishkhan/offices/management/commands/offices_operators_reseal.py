"""``pishkhan offices_operators_reseal``: reseal every operator's identifier and mobile with the first
sealing key (after a key rotation, before the old key is dropped)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pishkhan.common.sealing import UnsealError
from pishkhan.offices.services import operators_reseal


class Command(BaseCommand):
    help = (
        "Reseal every office operator's national ID (or company ID) and mobile with the first key of "
        "PISHKHAN_SEALING_KEYS. Run it after putting a new key first, before dropping the old one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = operators_reseal()
        except UnsealError as error:
            raise CommandError(f"{error}: was a key dropped before resealing?") from error
        self.stdout.write(f"{count} operators resealed")

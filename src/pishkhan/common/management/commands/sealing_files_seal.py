"""``pishkhan sealing_files_seal``: seal uploaded files in place — those stored in clear before files
were sealed, and, after a key rotation, those sealed with an older key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.common.sealed_storage import sealed_files
from pishkhan.common.sealing import UnsealError


class Command(BaseCommand):
    help = (
        "Seal every uploaded file (licence documents, inspection photos) with the first key of "
        "PISHKHAN_SEALING_KEYS: files in clear, and files sealed with an older key. Run it after "
        "upgrading, and after putting a new key first, before dropping the old one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count the files, change none")

    def handle(self, *args: Any, **options: Any) -> None:
        checked = resealed = missing = 0
        failed: list[str] = []
        for storage, name in sealed_files():
            checked += 1
            if not storage.exists(name):
                missing += 1
                continue
            try:
                if options["dry_run"]:
                    resealed += storage.needs_reseal(name)
                else:
                    resealed += storage.reseal(name)
            except UnsealError:
                failed.append(name)
        verb = "would seal" if options["dry_run"] else "sealed"
        self.stdout.write(f"{checked} files checked, {verb} {resealed}, {missing} missing")
        if failed:
            raise CommandError(
                f"{len(failed)} files cannot be opened with the configured keys (first: {failed[0]}); "
                "was a key dropped before resealing?"
            )

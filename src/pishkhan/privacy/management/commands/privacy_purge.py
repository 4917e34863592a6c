"""``pishkhan privacy_purge [--dry-run]``: apply the retention policy now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pishkhan.privacy.services import privacy_purge


class Command(BaseCommand):
    help = (
        "Purge the personal data kept past its retention period (the rules: privacy's retention "
        "policy), each kind through the domain that owns it, audited. --dry-run counts and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be purged; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        lines = privacy_purge(actor="command: privacy_purge", dry_run=dry_run)
        verb = "would purge" if dry_run else "purged"
        for line in lines:
            cutoff = line.before.strftime("%Y-%m-%d %H:%M UTC")
            if line.handled:
                self.stdout.write(
                    f"{line.kind}: {verb} {line.count} (kept {line.days} days; before {cutoff})"
                )
            else:
                self.stdout.write(f"{line.kind}: skipped, no installed domain purges it")
        total = sum(line.count or 0 for line in lines)
        self.stdout.write(f"{'dry run: ' if dry_run else ''}{verb} {total} items in all")

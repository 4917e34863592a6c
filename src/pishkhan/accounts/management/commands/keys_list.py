"""``pishkhan keys_list``: the API keys, newest first (never their secrets)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pishkhan.accounts.selectors import apikey_list


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = "List API keys: prefix, holder, name, created, last used, revoked. Secrets are never shown."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--live", action="store_true", help="only keys that are not revoked")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = apikey_list()
        if options["live"]:
            keys = keys.filter(revoked_at__isnull=True)
        rows = [("PREFIX", "HOLDER", "NAME", "CREATED (UTC)", "LAST USED", "REVOKED")]
        rows += [
            (
                key.prefix,
                key.holder_display,
                key.name or "-",
                _when(key.created_at),
                _when(key.last_used_at),
                _when(key.revoked_at),
            )
            for key in keys.iterator()
        ]
        if len(rows) == 1:
            self.stdout.write("no API keys")
            return
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )

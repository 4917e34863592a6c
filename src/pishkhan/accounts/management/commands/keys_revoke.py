"""``pishkhan keys_revoke PREFIX``: revoke an API key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.accounts.selectors import apikey_get
from pishkhan.accounts.services import apikey_revoke
from pishkhan.common.errors import ApplicationError


class Command(BaseCommand):
    help = "Revoke an API key, named by its prefix (the 8 characters after 'pk_'), e.g. 'ab12cd34'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="the key's prefix, as `keys_list` shows it")
        parser.add_argument("--reason", default="", help="why the key is revoked (kept in the audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        key = apikey_get(prefix=options["prefix"])
        if key is None:
            raise CommandError(f"no API key has the prefix {options['prefix']!r}")
        try:
            apikey_revoke(key=key, actor=None, reason=options["reason"])
        except ApplicationError as exc:
            raise CommandError(f"{key.prefix}: {exc.detail}") from None
        self.stdout.write(f"API key {key.prefix} ({key.holder_display}) revoked")

"""``pishkhan keys_create``: issue an API key and print it, once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.accounts.models import HolderKind
from pishkhan.accounts.services import apikey_create
from pishkhan.common.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Issue an API key for an office system (--office CODE), an agency back-end (--agency CODE) "
        "or a user (--user NAME). The key is printed once, on standard output; only its hash is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        holder = parser.add_mutually_exclusive_group(required=True)
        holder.add_argument("--office", metavar="CODE", help="the office whose system will use the key")
        holder.add_argument("--agency", metavar="CODE", help="the agency whose back-end will use the key")
        holder.add_argument("--user", metavar="NAME", help="the user the key acts as")
        parser.add_argument("--name", default="", help="what the key is for, e.g. 'counter software'")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = next(kind for kind in HolderKind.values if options.get(kind))
        try:
            key, plaintext = apikey_create(
                holder_kind=kind, holder_code=options[kind], name=options["name"], actor=None
            )
        except ApplicationError as exc:
            raise CommandError(exc.detail) from None
        # The notice goes to stderr so that `KEY=$(pishkhan keys_create ...)` captures the key alone.
        self.stderr.write(
            f"API key {key.prefix} for {key.holder_display}. It is shown only now: store it safely.",
            style_func=self.style.WARNING,
        )
        self.stdout.write(plaintext)

"""``pishkhan privacy_export NATIONAL_ID [--mobile M] [--out FILE]``: a subject access export."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from pishkhan.common.errors import ApplicationError
from pishkhan.privacy.services import subject_export


class Command(BaseCommand):
    help = (
        "Export everything held about a national ID (counter transactions, licence applications and "
        "licences, offices run; complaints by --mobile) as JSON, for a subject access request. "
        "Audited, with the ID masked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("national_id", metavar="NATIONAL_ID")
        parser.add_argument("--mobile", default="", help="also the complaints whose reply mobile is this")
        parser.add_argument("--reason", default="", help="the request's reference, kept in the audit entry")
        parser.add_argument("--out", help="write the JSON to this new file (owner-only) instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            export = subject_export(
                actor="command: privacy_export",
                national_id=options["national_id"],
                mobile=options["mobile"],
                reason=options["reason"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        text = json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
        if not options["out"]:
            self.stdout.write(text, ending="")
            return
        path = Path(options["out"])
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists: give a new file") from exc
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        counts = ", ".join(f"{name} {len(items)}" for name, items in export["sections"].items())
        self.stderr.write(f"written to {path}: {counts}")

"""``pishkhan audit_checkpoint``: verify the chain and append a signed checkpoint of its head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.audit.checkpoints import CheckpointError, checkpoint_file, checkpoint_take


class Command(BaseCommand):
    help = (
        "Verify the audit log and append a signed checkpoint of its head (one line of JSON) to the "
        "checkpoint file (PISHKHAN_AUDIT_CHECKPOINT_FILE), and print it: keep the printed line somewhere "
        "the database's administrators cannot write (the regulator's records). `audit_verify` checks the "
        "chain against every checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="append to this file instead of PISHKHAN_AUDIT_CHECKPOINT_FILE")
        parser.add_argument(
            "--full",
            action="store_true",
            help="verify the whole chain, not only what followed the last checkpoint",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options["file"] else checkpoint_file()
        try:
            outcome = checkpoint_take(path=path, full=options["full"])
        except CheckpointError as exc:
            raise CommandError(f"{path}: {exc}") from None
        verdict = outcome.verdict
        if not verdict.intact:
            raise CommandError(
                f"audit log broken at entry #{verdict.bad_seq} ({verdict.problem}): {verdict.detail}; "
                "no checkpoint written"
            )
        if outcome.checkpoint is None:
            self.stdout.write("the audit log is empty: no checkpoint written")
            return
        self.stdout.write(outcome.checkpoint.line())
        if not outcome.written:
            self.stderr.write(f"nothing new since the last checkpoint in {path}")

"""``pishkhan audit_verify``: check that no audit entry was edited, deleted or rewritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.audit.checkpoints import CheckpointError, checkpoint_file, checkpoint_parse, checkpoints_read
from pishkhan.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Verify the audit log: every entry's HMAC under the audit keys (PISHKHAN_AUDIT_KEYS), the links "
        "between entries, the head, and every signed checkpoint (the checkpoint file, PISHKHAN_AUDIT_"
        "CHECKPOINT_FILE, and any given with --checkpoint / --checkpoints). Exits 0 and prints the number "
        "of entries when the log is intact; otherwise names the first broken entry and exits non-zero."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="LINE",
            help="a checkpoint line as `audit_checkpoint` printed it (may be repeated)",
        )
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE",
            help="another file of checkpoints, e.g. the regulator's copy (may be repeated)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors: dict[int, str] = {}
        try:
            found = checkpoints_read(checkpoint_file())
            for path in options["checkpoints"]:
                if not Path(path).is_file():
                    raise CommandError(f"{path}: no such file")
                found += checkpoints_read(Path(path))
            found += [checkpoint_parse(line) for line in options["checkpoint"]]
        except CheckpointError as exc:
            raise CommandError(f"audit checkpoint refused: {exc}") from None
        for checkpoint in found:
            if anchors.setdefault(checkpoint.seq, checkpoint.hash) != checkpoint.hash:
                raise CommandError(f"two checkpoints of entry #{checkpoint.seq} disagree (one was forged)")
        verdict = audit_chain_verify(checkpoints=anchors)
        if not verdict.intact:
            raise CommandError(
                f"audit log broken at entry #{verdict.bad_seq} ({verdict.problem}): {verdict.detail}; "
                f"{verdict.entries} entries before it verified"
            )
        self.stdout.write(f"audit log intact: {verdict.entries} entries")
        self.stdout.write(f"head: #{verdict.head_seq} {verdict.head_hash}")
        self.stdout.write(f"checkpoints matched: {len(anchors)}")

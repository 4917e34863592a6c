"""``pishkhan audit_rekey``: sign every entry with the current audit key (once after upgrading, or to
retire an old key)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pishkhan.audit.checkpoints import CheckpointError, checkpoint_file, checkpoints_read
from pishkhan.audit.services import RekeyRefused, audit_rekey


class Command(BaseCommand):
    help = (
        "Sign again with the first key of PISHKHAN_AUDIT_KEYS every audit entry not signed by it: the "
        "entries written before the chain was keyed, or those of a key being retired. Refuses, changing "
        "nothing, when the chain does not hold as it stands (checkpoints included). The checkpoint file "
        "is then set aside (renamed with the head it had reached) and a new checkpoint starts a new one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        path = checkpoint_file()
        try:
            existing = checkpoints_read(path)
        except CheckpointError as exc:
            raise CommandError(f"{path}: {exc}") from None
        try:
            changed = audit_rekey(checkpoints={checkpoint.seq: checkpoint.hash for checkpoint in existing})
        except RekeyRefused as exc:
            raise CommandError(f"audit log does not hold, nothing re-signed: {exc}") from None
        self.stdout.write(f"audit entries re-signed: {changed}")
        if changed and existing:
            aside = path.with_name(f"{path.name}.before-rekey-{existing[-1].seq}")
            path.rename(aside)
            self.stdout.write(f"earlier checkpoints kept in {aside}")
        if changed:
            call_command("audit_checkpoint", stdout=self.stdout, stderr=self.stderr)

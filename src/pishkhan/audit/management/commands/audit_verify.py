"""``pishkhan audit_verify``: check that no audit entry was edited or deleted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pishkhan.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit log. Exits 0 and prints the number of entries when the log "
        "is intact; otherwise names the first broken entry and exits non-zero."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit_chain_verify()
        if not verdict.intact:
            raise CommandError(
                f"audit log broken at entry #{verdict.bad_seq} ({verdict.problem}): {verdict.detail}; "
                f"{verdict.entries} entries before it verified"
            )
        self.stdout.write(f"audit log intact: {verdict.entries} entries")
        # Written down elsewhere, the head hash also proves the log was not rewritten wholesale.
        self.stdout.write(f"head: #{verdict.head_seq} {verdict.head_hash}")

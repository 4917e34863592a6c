"""Reading the audit log: entries about a thing, and verification of the whole chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from pishkhan.audit.chain import GENESIS_HASH, entry_hash
from pishkhan.audit.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class ChainVerdict:
    """The outcome of checking the chain: intact, or the first broken entry and what is wrong with it."""

    entries: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""  # "edited" | "deleted" | "broken-link" | "head-mismatch" | "head-missing"
    detail: str = ""

    @property
    def intact(self) -> bool:
        """True when every entry and the head agree."""
        return self.bad_seq is None and not self.problem


def audit_entry_list_for_target(*, target: models.Model) -> QuerySet[AuditEntry]:
    """The entries about one object, oldest first."""
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).order_by(
        "seq"
    )


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainVerdict:
    """Walk the whole chain in seq order and report the first entry that does not hold.

    Streams rows (``.iterator()``), so memory stays flat over millions of entries. Checks, per row:
    its seq follows the previous one (a hole means deleted rows), its hash matches its fields
    (a mismatch means an edit), and its ``prev_hash`` matches the previous row's hash (a mismatch
    means the previous row was rewritten together with its hash). Finally the head must name the
    last row, which catches rows deleted from the end.
    """
    head = AuditHead.objects.filter(id=AuditHead.SINGLETON_ID).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    count, last_seq, last_hash = 0, 0, GENESIS_HASH

    def broken(bad_seq: int, problem: str, detail: str) -> ChainVerdict:
        return ChainVerdict(count, head_seq, head_hash, bad_seq=bad_seq, problem=problem, detail=detail)

    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        expected = last_seq + 1
        if entry.seq != expected:
            missing = f"#{expected}" if entry.seq == expected + 1 else f"#{expected}–#{entry.seq - 1}"
            return broken(expected, "deleted", f"entries {missing} are missing before #{entry.seq}")
        if entry_hash(entry.prev_hash, entry.hashed_fields()) != entry.hash:
            return broken(entry.seq, "edited", f"entry #{entry.seq} does not match its hash")
        if entry.prev_hash != last_hash:
            return broken(
                entry.seq,
                "broken-link",
                f"entry #{entry.seq} does not follow the hash of #{last_seq} (that entry was rewritten)",
            )
        count, last_seq, last_hash = count + 1, entry.seq, entry.hash

    if head is None and count:
        return broken(1, "head-missing", "the audit head row is missing")
    if (head_seq, head_hash) != (last_seq, last_hash):
        if head_seq > last_seq:
            detail = f"the head names entry #{head_seq} but the log ends at #{last_seq} (entries deleted)"
            return broken(last_seq + 1, "head-mismatch", detail)
        return broken(last_seq, "head-mismatch", f"the head does not name the last entry #{last_seq}")
    return ChainVerdict(count, head_seq, head_hash)

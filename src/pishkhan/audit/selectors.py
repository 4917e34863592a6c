"""Reading the audit log: entries about a thing, and verification of the whole chain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from pishkhan.audit.chain import GENESIS_HASH, AuditKeyError, entry_hash_keyed
from pishkhan.audit.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class ChainVerdict:
    """The outcome of checking the chain: intact, or the first broken entry and what is wrong with it."""

    entries: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    # "edited" | "deleted" | "broken-link" | "head-mismatch" | "head-missing" | "unkeyed" | "unknown-key"
    # | "checkpoint-mismatch" | "checkpoint-missing"
    problem: str = ""
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


def audit_chain_verify(
    *,
    chunk_size: int = 2000,
    checkpoints: Mapping[int, str] | None = None,
    since: tuple[int, str] | None = None,
    unkeyed_allowed: bool = False,
) -> ChainVerdict:
    """Walk the chain in seq order and report the first entry that does not hold.

    Streams rows (``.iterator()``), so memory stays flat over millions of entries. Checks, per row:
    its seq follows the previous one (a hole means deleted rows), its hash is the HMAC of its fields
    under the audit key it names (a mismatch means an edit, even one that recomputed every later hash
    without the key), and its ``prev_hash`` matches the previous row's hash (a mismatch means the
    previous row was rewritten together with its hash). Finally the head must name the last row,
    which catches rows deleted from the end.

    ``checkpoints`` (seq → hash, from signed checkpoints kept outside the database) must each name a
    row of the chain with that very hash: this catches a rewrite by someone holding the key, and a
    chain cut back below a checkpoint. ``since`` = (seq, hash) of a trusted checkpoint starts the walk
    after it (the worker's checkpoint job checks only what is new). Entries from before the chain was
    keyed fail as "unkeyed" unless ``unkeyed_allowed`` (``pishkhan audit_rekey`` checks them so); even
    then, an unkeyed entry after a keyed one fails (the chain was keyed from some point on, never back).
    """
    head = AuditHead.objects.filter(id=AuditHead.SINGLETON_ID).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    last_seq, last_hash = since or (0, GENESIS_HASH)
    count, keyed_seen = 0, False
    checkpoints = dict(checkpoints or {})

    def broken(bad_seq: int, problem: str, detail: str) -> ChainVerdict:
        return ChainVerdict(count, head_seq, head_hash, bad_seq=bad_seq, problem=problem, detail=detail)

    # Up to the head as read now: entries appended while the walk goes on are the next walk's (the head
    # moves in the same transaction as each append, so every entry up to it is committed).
    rows = AuditEntry.objects.filter(seq__gt=last_seq)
    if head is not None:
        rows = rows.filter(seq__lte=head_seq)
    for entry in rows.order_by("seq").iterator(chunk_size=chunk_size):
        expected = last_seq + 1
        if entry.seq != expected:
            missing = f"#{expected}" if entry.seq == expected + 1 else f"#{expected}–#{entry.seq - 1}"
            return broken(expected, "deleted", f"entries {missing} are missing before #{entry.seq}")
        if not entry.key_id and (not unkeyed_allowed or keyed_seen):
            detail = f"entry #{entry.seq} is not signed by an audit key (run `pishkhan audit_rekey` once)"
            return broken(entry.seq, "unkeyed", detail)
        try:
            expected_hash = entry_hash_keyed(entry.prev_hash, entry.hashed_fields(), entry.key_id)
        except AuditKeyError:
            detail = f"entry #{entry.seq} names audit key {entry.key_id}, which is not configured"
            return broken(entry.seq, "unknown-key", detail)
        if expected_hash != entry.hash:
            return broken(entry.seq, "edited", f"entry #{entry.seq} does not match its hash")
        if entry.prev_hash != last_hash:
            return broken(
                entry.seq,
                "broken-link",
                f"entry #{entry.seq} does not follow the hash of #{last_seq} (that entry was rewritten)",
            )
        anchored = checkpoints.pop(entry.seq, None)
        if anchored is not None and anchored != entry.hash:
            detail = f"entry #{entry.seq} is not the entry a checkpoint recorded (the chain was rewritten)"
            return broken(entry.seq, "checkpoint-mismatch", detail)
        count, last_seq, last_hash = count + 1, entry.seq, entry.hash
        keyed_seen = keyed_seen or bool(entry.key_id)

    if head is None and count:
        return broken(1, "head-missing", "the audit head row is missing")
    if (head_seq, head_hash) != (last_seq, last_hash):
        if head_seq > last_seq:
            detail = f"the head names entry #{head_seq} but the log ends at #{last_seq} (entries deleted)"
            return broken(last_seq + 1, "head-mismatch", detail)
        return broken(last_seq, "head-mismatch", f"the head does not name the last entry #{last_seq}")
    # Entries beyond the head while the head stayed put (not a new append meanwhile): it was set back.
    if (
        head is not None
        and AuditEntry.objects.filter(seq__gt=head_seq).exists()
        and AuditHead.objects.filter(id=AuditHead.SINGLETON_ID, last_seq=head_seq).exists()
    ):
        return broken(head_seq + 1, "head-mismatch", f"entries follow #{head_seq}, which the head names last")
    beyond = sorted(seq for seq in checkpoints if seq > last_seq)
    if beyond:
        detail = (
            f"a checkpoint recorded entry #{beyond[-1]} but the log ends at #{last_seq} (entries deleted)"
        )
        return broken(last_seq + 1, "checkpoint-missing", detail)
    return ChainVerdict(count, head_seq, head_hash)

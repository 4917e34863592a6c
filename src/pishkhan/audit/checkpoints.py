"""Checkpoints: the chain's head, signed and kept outside the database (ADR 0011).

A checkpoint is one line of JSON: the head's ``seq`` and ``hash``, when it was taken, and an HMAC of
those under the audit key (``key_id`` names it). ``pishkhan audit_checkpoint`` and the worker's
``audit.checkpoint`` job append one to ``settings.PISHKHAN_AUDIT_CHECKPOINT_FILE`` and print it, for
the regulator to keep; ``pishkhan audit_verify`` then requires every checkpoint it is given to name a
row of the chain with that very hash. Whoever holds the audit key and the database could re-sign a
rewritten chain; they cannot change the checkpoints already copied elsewhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from pishkhan.audit.chain import AuditKeyError, canonical_json, keys_configured, signing_key, timestamp_text
from pishkhan.audit.selectors import ChainVerdict, audit_chain_verify


class CheckpointError(Exception):
    """A checkpoint line that cannot be read or whose signature does not hold."""


@dataclass(frozen=True)
class Checkpoint:
    """A signed head of the chain."""

    seq: int
    hash: str
    at: str
    key_id: str
    mac: str

    def line(self) -> str:
        """The checkpoint as the one line of JSON written to the file (and printed)."""
        return canonical_json(
            {"seq": self.seq, "hash": self.hash, "at": self.at, "key_id": self.key_id, "mac": self.mac}
        )


def _mac(key: bytes, seq: int, head_hash: str, at: str) -> str:
    message = canonical_json({"seq": seq, "hash": head_hash, "at": at, "kind": "pishkhan.audit.checkpoint"})
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def checkpoint_sign(*, seq: int, head_hash: str, at: dt.datetime) -> Checkpoint:
    """A checkpoint of (seq, hash), signed with the audit key that signs new entries."""
    name, key = signing_key()
    stamp = timestamp_text(at)
    return Checkpoint(seq=seq, hash=head_hash, at=stamp, key_id=name, mac=_mac(key, seq, head_hash, stamp))


def checkpoint_parse(line: str) -> Checkpoint:
    """A checkpoint from its line, its signature checked; ``CheckpointError`` if either fails."""
    try:
        data: Any = json.loads(line)
        checkpoint = Checkpoint(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            at=str(data["at"]),
            key_id=str(data["key_id"]),
            mac=str(data["mac"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"not a checkpoint: {line.strip()[:80]!r}") from exc
    key = keys_configured().get(checkpoint.key_id)
    if key is None:
        raise CheckpointError(
            f"checkpoint of #{checkpoint.seq} names audit key {checkpoint.key_id}, not configured"
        )
    expected = _mac(key, checkpoint.seq, checkpoint.hash, checkpoint.at)
    if not hmac.compare_digest(expected, checkpoint.mac):
        raise CheckpointError(
            f"checkpoint of #{checkpoint.seq} does not match its signature (forged or edited)"
        )
    return checkpoint


def checkpoints_read(path: Path) -> list[Checkpoint]:
    """Every checkpoint of a file, oldest first (none if the file does not exist)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [checkpoint_parse(line) for line in lines if line.strip()]


def checkpoint_file() -> Path:
    """Where checkpoints are appended: ``settings.PISHKHAN_AUDIT_CHECKPOINT_FILE``."""
    return Path(settings.PISHKHAN_AUDIT_CHECKPOINT_FILE)


def _append(path: Path, checkpoint: Checkpoint) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created readable by the owner only; appended to, never rewritten.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(checkpoint.line() + "\n")
        handle.flush()
        with contextlib.suppress(OSError):
            os.fsync(handle.fileno())


@dataclass(frozen=True)
class CheckpointOutcome:
    """What taking a checkpoint found: the verdict on the chain, and the checkpoint if it held."""

    verdict: ChainVerdict
    checkpoint: Checkpoint | None
    written: bool = False


def checkpoint_take(*, path: Path | None = None, full: bool = False) -> CheckpointOutcome:
    """Verify the chain, then append a signed checkpoint of its head to ``path`` and return it.

    Only the entries after the file's last checkpoint are verified (that part was verified when it was
    taken), unless ``full``; a chain that does not hold gets no checkpoint. The checkpoint names the
    head the verification walked to, so it names a verified entry; no lock is held meanwhile.
    """
    path = path or checkpoint_file()
    existing = checkpoints_read(path)
    last = existing[-1] if existing else None
    since = None if full or last is None else (last.seq, last.hash)
    anchors = {checkpoint.seq: checkpoint.hash for checkpoint in existing}
    verdict = audit_chain_verify(checkpoints=anchors, since=since)
    if not verdict.intact or verdict.head_seq == 0:
        return CheckpointOutcome(verdict, None)
    if last is not None and (last.seq, last.hash) == (verdict.head_seq, verdict.head_hash):
        return CheckpointOutcome(verdict, last)  # nothing new since
    checkpoint = checkpoint_sign(seq=verdict.head_seq, head_hash=verdict.head_hash, at=timezone.now())
    _append(path, checkpoint)
    return CheckpointOutcome(verdict, checkpoint, written=True)


__all__ = [
    "AuditKeyError",
    "Checkpoint",
    "CheckpointError",
    "CheckpointOutcome",
    "checkpoint_file",
    "checkpoint_parse",
    "checkpoint_sign",
    "checkpoint_take",
    "checkpoints_read",
]

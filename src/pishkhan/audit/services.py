"""Writing to the audit log: the one way to append an entry to the chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from pishkhan.audit.actors import Actor, actor_of
from pishkhan.audit.chain import GENESIS_HASH, entry_hash, plain, signing_key
from pishkhan.audit.models import AuditEntry, AuditHead


def _target_of(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if target.pk is None:
        raise ValueError("an unsaved object cannot be an audit target")
    return target._meta.label_lower, str(target.pk)


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    basis: str = "",
) -> AuditEntry:
    """Append one entry to the audit chain and move the head to it.

    Call it inside the service's own ``transaction.atomic()`` block, so the entry exists exactly when
    the change it records does. ``actor`` is a user, ``None`` (the system), an object with an
    ``audit_label`` (and optionally ``audit_user``) such as an accounts ``Principal``, or a label.
    ``before``/``after`` are JSON-able values (dates and decimals become strings).

    Appends are serialised so the chain never forks: on PostgreSQL the head row is locked
    (``SELECT ... FOR UPDATE``); SQLite lets one writer in at a time already (the settings open
    every transaction ``IMMEDIATE``).
    """
    actor_user, actor_label = actor_of(actor)
    target_type, target_id = _target_of(target)
    before, after = plain(before), plain(after)
    key_name, key = signing_key()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=AuditHead.SINGLETON_ID, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        entry = AuditEntry(
            seq=head.last_seq + 1,
            # Taken under the lock, so time never runs backwards along the chain.
            at=timezone.now(),
            actor=actor_user,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            reason=reason,
            basis=basis,
            prev_hash=head.last_hash,
            key_id=key_name,
        )
        entry.hash = entry_hash(entry.prev_hash, entry.hashed_fields(), key)
        entry.save()
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class AuditItem:
    """One entry of a bulk append: what changed on which row."""

    target: models.Model | None
    before: Any = None
    after: Any = None


def audit_record_many(
    *,
    actor: Actor,
    action: str,
    items: Sequence[AuditItem],
    reason: str = "",
    basis: str = "",
) -> int:
    """Append one entry per item, all with the same actor and action, under one lock of the head.

    For bulk operations (registering thousands of offices at once): the same chain, the same
    fields per entry as :func:`audit_record`, written with ``bulk_create``. Returns the count.
    """
    actor_user, actor_label = actor_of(actor)
    if not items:
        return 0
    key_name, key = signing_key()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=AuditHead.SINGLETON_ID, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        at = timezone.now()
        seq, prev_hash = head.last_seq, head.last_hash
        entries = []
        for item in items:
            target_type, target_id = _target_of(item.target)
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=at,
                actor=actor_user,
                actor_label=actor_label,
                action=action,
                target_type=target_type,
                target_id=target_id,
                before=plain(item.before),
                after=plain(item.after),
                reason=reason,
                basis=basis,
                prev_hash=prev_hash,
                key_id=key_name,
            )
            entry.hash = prev_hash = entry_hash(prev_hash, entry.hashed_fields(), key)
            entries.append(entry)
        AuditEntry.objects.all().append_chained(entries)
        head.last_seq, head.last_hash = seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return len(entries)


class RekeyRefused(Exception):
    """The chain does not hold as it stands, so signing it again would launder a tampering."""


def audit_rekey(*, checkpoints: dict[int, str] | None = None, chunk_size: int = 2000) -> int:
    """Sign again, with the current audit key, every entry not signed by it (ADR 0011); how many.

    For entries from before the chain was keyed (plain sha256), and for retiring an old key: the chain
    is verified first as it stands (old entries by their plain hash, others by the key they name) and
    nothing is changed unless it holds. Then every entry from the first one not signed by the current
    key onwards gets that key's HMAC (each hash covers the previous one, so all later hashes change too),
    the head follows, and the re-signing is itself recorded in the chain. Runs in one transaction under
    the head's lock, so appends wait for it.
    """
    from pishkhan.audit.selectors import audit_chain_verify

    key_name, key = signing_key()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(id=AuditHead.SINGLETON_ID).first()
        verdict = audit_chain_verify(unkeyed_allowed=True, checkpoints=checkpoints, chunk_size=chunk_size)
        if not verdict.intact:
            raise RekeyRefused(f"entry #{verdict.bad_seq} ({verdict.problem}): {verdict.detail}")
        first = (
            AuditEntry.objects.exclude(key_id=key_name).order_by("seq").values_list("seq", flat=True).first()
        )
        if head is None or first is None:
            return 0
        previous = AuditEntry.objects.filter(seq=first - 1).values_list("hash", flat=True).first()
        prev_hash = previous or GENESIS_HASH
        changed = 0
        # Rows are read in full before any is written, chunk by chunk (the iterator's cursor would see
        # its own updates on some databases).
        last_seq = first - 1
        while True:
            batch = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:chunk_size])
            if not batch:
                break
            for entry in batch:
                entry.key_id, entry.prev_hash = key_name, prev_hash
                entry.hash = prev_hash = entry_hash(prev_hash, entry.hashed_fields(), key)
                # The one place an entry is rewritten: through the base queryset, past the model's refusal.
                models.QuerySet(AuditEntry).filter(seq=entry.seq).update(
                    key_id=entry.key_id, prev_hash=entry.prev_hash, hash=entry.hash
                )
                changed += 1
            last_seq = batch[-1].seq
        head.last_seq, head.last_hash = last_seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
        audit_record(
            actor="cli:audit_rekey", action="audit.rekeyed", after={"entries": changed, "key_id": key_name}
        )
    return changed

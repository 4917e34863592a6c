"""The hash chain: how an audit entry's fields become bytes, and how each hash covers the one before.

``hash = HMAC-SHA256(audit key, prev_hash + canonical_json(fields))`` (ADR 0011). Canonical JSON has
sorted keys, no spaces, UTF-8 text and a fixed UTC timestamp format, so the same row hashes the same on
SQLite and PostgreSQL, today and after a dump and reload. Editing any hashed field, or removing a row,
breaks the chain at that row; removing rows from the end is caught by the head (see ``AuditHead``).

The key comes from the environment (``PISHKHAN_AUDIT_KEYS``, never the database), so whoever can write
the database cannot rewrite a row and recompute every later hash: without the key the hashes do not
match. Keys rotate as the sealing keys do: the first one signs new entries, every one listed verifies,
and each entry names its key (``key_id``, inside the signed fields). Entries written before the chain
was keyed carry no key id and a plain ``sha256``; ``pishkhan audit_rekey`` signs them once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver

GENESIS_HASH = "0" * 64
_ENCODER = DjangoJSONEncoder()


class AuditKeyError(Exception):
    """An entry or checkpoint names a key that is not configured, or no key is configured at all."""


def key_id(key: str) -> str:
    """A key's public name: 8 hex digits of a hash of it (a name, not a secret; cannot give the key back)."""
    return hashlib.sha256(b"pishkhan.audit.key-id:" + key.encode()).hexdigest()[:8]


@cache
def _keys(keys: tuple[str, ...]) -> dict[str, bytes]:
    """Each configured key's id and its bytes, in the order given (the first signs)."""
    return {key_id(key): base64.urlsafe_b64decode(key.encode()) for key in keys}


def keys_configured() -> dict[str, bytes]:
    """The audit keys of ``settings.PISHKHAN_AUDIT_KEYS`` by id, the signing key first."""
    keys: Sequence[str] = getattr(settings, "PISHKHAN_AUDIT_KEYS", ())
    return _keys(tuple(keys))


def signing_key() -> tuple[str, bytes]:
    """(id, bytes) of the key that signs new entries."""
    keys = keys_configured()
    if not keys:
        raise AuditKeyError("no audit key is configured (PISHKHAN_AUDIT_KEYS)")
    return next(iter(keys.items()))


@receiver(setting_changed)
def _audit_keys_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "PISHKHAN_AUDIT_KEYS":
        _keys.cache_clear()


def timestamp_text(moment: dt.datetime) -> str:
    """The one text form of a timestamp inside the hash: UTC, microseconds, ``Z`` suffix."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value: Any) -> Any:
    """``value`` as the JSON the database will hand back, so the hash of a fresh row equals a reread's.

    Dates, decimals and UUIDs become strings (as Django's encoder writes them); whole floats become
    ints, because PostgreSQL's jsonb reads ``1e20`` back as ``100000000000000000000``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("audit values must be finite numbers")
        return int(value) if value.is_integer() else value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(item) for item in value]
        # A set has no order of its own; sort it so two runs write the same list.
        return sorted(items, key=canonical_json) if isinstance(value, set | frozenset) else items
    return _ENCODER.default(value)


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(prev_hash: str, fields: Mapping[str, Any], key: bytes | None = None) -> str:
    """The hex HMAC-SHA256 under ``key`` of the previous entry's hash followed by the entry's canonical
    JSON; without a key (entries from before the chain was keyed), the plain sha256 of the same."""
    message = (prev_hash + canonical_json(fields)).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.digest(key, message, "sha256").hex()


def entry_hash_keyed(prev_hash: str, fields: Mapping[str, Any], key_name: str) -> str:
    """The hash an entry signed by the key named ``key_name`` ("" for unkeyed) must carry."""
    if not key_name:
        return entry_hash(prev_hash, fields)
    key = keys_configured().get(key_name)
    if key is None:
        raise AuditKeyError(f"audit key {key_name} is not configured (PISHKHAN_AUDIT_KEYS)")
    return entry_hash(prev_hash, fields, key)

"""The hash chain: how an audit entry's fields become bytes, and how each hash covers the one before.

``hash = sha256(prev_hash + canonical_json(fields))``. Canonical JSON has sorted keys, no spaces,
UTF-8 text and a fixed UTC timestamp format, so the same row hashes the same on SQLite and
PostgreSQL, today and after a dump and reload. Editing any hashed field, or removing a row, breaks
the chain at that row; removing rows from the end is caught by the head (see ``AuditHead``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64
_ENCODER = DjangoJSONEncoder()


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


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The hex sha256 of an entry: the previous entry's hash followed by the entry's canonical JSON."""
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()

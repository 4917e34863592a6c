"""API key text: ``pk_<prefix>_<secret>``. The prefix finds the row; only the secret's hash is stored.

The secret is 256 random bits, so a plain sha256 is enough (no slow password hash is needed for a
value nobody can guess) and lets every API request check its key in microseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

PREFIX_BYTES = 4  # 8 hex digits: short enough to read out, and unique (collisions are retried)
SECRET_BYTES = 32
_KEY_TEXT = re.compile(r"pk_([0-9a-f]{8})_([0-9a-f]{64})")


def key_new() -> tuple[str, str]:
    """A fresh (prefix, secret) pair."""
    return secrets.token_hex(PREFIX_BYTES), secrets.token_hex(SECRET_BYTES)


def key_text(prefix: str, secret: str) -> str:
    """The plaintext handed to the key's holder, once."""
    return f"pk_{prefix}_{secret}"


def key_split(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a presented key, or None when it is not shaped like one of ours."""
    match = _KEY_TEXT.fullmatch(text.strip())
    return (match[1], match[2]) if match else None


def secret_hash(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Whether a presented secret is the one whose hash is stored, compared in constant time."""
    return hmac.compare_digest(secret_hash(secret), stored_hash)

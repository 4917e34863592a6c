"""The signature of every message between Pishkhan and an agency, both ways.

``X-Pishkhan-Signature`` is the hex HMAC-SHA256, under the agency's shared secret, of
``f"{timestamp}.{body}"``, where ``X-Pishkhan-Timestamp`` is whole Unix seconds. Signing the timestamp
with the body lets a receiver refuse replays: a message older than :data:`MAX_AGE_SECONDS` (or from the
future, beyond a little clock skew) is refused however good its signature. Pure: no Django.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Pishkhan-Timestamp"
SIGNATURE_HEADER = "X-Pishkhan-Signature"
MAX_AGE_SECONDS = 300
# Clocks of two honest machines differ a little; more than this in the future is a forged time.
MAX_FUTURE_SKEW_SECONDS = 30


class SignatureRefused(Exception):
    """A message whose signature or timestamp does not hold; the text says which."""


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``timestamp.body`` under ``secret``."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(*, secret: str, body: bytes, now: float) -> dict[str, str]:
    """The two headers that sign ``body`` at time ``now`` (Unix seconds)."""
    timestamp = str(int(now))
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret=secret, timestamp=timestamp, body=body),
    }


def signature_verify(
    *, secret: str, timestamp: str | None, given: str | None, body: bytes, now: float
) -> None:
    """Raise :class:`SignatureRefused` unless ``given`` signs ``body`` at a fresh ``timestamp``."""
    if not timestamp or not given:
        raise SignatureRefused("the message is not signed")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureRefused("the timestamp is not whole Unix seconds")
    age = now - int(timestamp)
    if age > MAX_AGE_SECONDS:
        raise SignatureRefused("the timestamp is too old (a replay?)")
    if age < -MAX_FUTURE_SKEW_SECONDS:
        raise SignatureRefused("the timestamp is in the future")
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    # compare_digest: the time taken must not tell a forger how many characters were right.
    if not hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("utf-8")):
        raise SignatureRefused("the signature does not match")

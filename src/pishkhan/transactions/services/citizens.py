"""The citizen as a transaction stores them: the keyed hash of their national ID, which matches equal
IDs and cannot be read back (the public tracking page and history match on it)."""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings

# The named derivation of the citizen-key's HMAC key from SECRET_KEY (Django's salted_hmac); rotating
# SECRET_KEY makes old keys unmatchable, so rotate it with a re-keying, never alone.
CITIZEN_KEY_SALT = "pishkhan.transactions.citizen_key"


def citizen_key(national_id: str) -> str:
    """The keyed hash of a (clean) national ID: equal IDs match, the ID cannot be read back.

    Django's ``salted_hmac(CITIZEN_KEY_SALT, national_id, algorithm="sha256")``, with the key it derives
    from the salt and ``SECRET_KEY`` kept, keyed once, instead of derived and keyed again for every
    transaction.
    """
    keyed = _citizen_hmac(settings.SECRET_KEY).copy()
    keyed.update(national_id.encode())
    return keyed.hexdigest()


@functools.cache
def _citizen_hmac(secret_key: str) -> hmac.HMAC:
    """An HMAC-SHA256 keyed for citizen keys and fed nothing: each key is computed on a copy."""
    key = hashlib.sha256((CITIZEN_KEY_SALT + secret_key).encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)

"""The keyed hash of a complaint's mobile: what the public tracking page compares a typed mobile
against, so that the number is never stored in clear nor unsealed to be compared.

As ``transactions.services.citizens.citizen_key`` keys national IDs: HMAC-SHA256 under a key derived
from ``SECRET_KEY`` and a salt of its own (a complaint's key never equals a transaction's).
"""

from __future__ import annotations

import hmac

from django.utils.crypto import salted_hmac

MOBILE_KEY_SALT = "pishkhan.supervision.complaint-mobile"


def mobile_key(mobile: str) -> str:
    """The keyed hash (64 hex digits) of a clean mobile (``09121234567``); "" for none."""
    if not mobile:
        return ""
    return salted_hmac(MOBILE_KEY_SALT, mobile, algorithm="sha256").hexdigest()


def mobile_key_matches(stored: str, mobile: str) -> bool:
    """Whether a clean mobile is the one whose key is stored (in constant time); never for none."""
    return bool(stored and mobile) and hmac.compare_digest(stored, mobile_key(mobile))

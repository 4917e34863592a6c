"""Sealing: small secrets encrypted at rest with keys kept outside the database.

What is sealed: a citizen's full national ID and mobile for as long as the gateway and the completion
SMS need them, and the secrets agencies share with Pishkhan. A sealed value is a Fernet token
(AES-128-CBC with an HMAC-SHA256 tag, from ``cryptography``): a stolen database or backup reveals
nothing without the keys, and a token altered in the database fails to unseal instead of decoding
to something else.

Keys come from ``settings.PISHKHAN_SEALING_KEYS`` (the environment's ``PISHKHAN_SEALING_KEYS``): the
first seals, every one unseals, so a key is rotated by putting a new one first, resealing
(:func:`reseal`), then dropping the old one.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class UnsealError(Exception):
    """A sealed value could not be opened: altered, or sealed with a key no longer configured."""


def key_new() -> str:
    """A new random sealing key (32 bytes, URL-safe base64: the Fernet key format)."""
    return Fernet.generate_key().decode("ascii")


def key_valid(key: str) -> bool:
    """Whether a text is a sealing key: 32 bytes in URL-safe base64."""
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        return False


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise UnsealError("no sealing keys are configured (PISHKHAN_SEALING_KEYS)")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.PISHKHAN_SEALING_KEYS)


def seal(value: str) -> str:
    """Encrypt a text with the first sealing key; the token is ASCII, about 1.4 × the text + 60."""
    return _fernet(_keys()).encrypt(value.encode()).decode("ascii")


def unseal(token: str) -> str:
    """The text a token sealed; ``UnsealError`` when it was altered or no configured key opens it."""
    try:
        return _fernet(_keys()).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError) as error:
        raise UnsealError("the sealed value cannot be opened with the configured keys") from error


def seal_json(value: Any) -> str:
    """Seal a JSON-able value (compact JSON)."""
    return seal(json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True))


def unseal_json(token: str) -> Any:
    """The value :func:`seal_json` sealed."""
    return json.loads(unseal(token))


def reseal(token: str) -> str:
    """The same value sealed with the current first key (for key rotation)."""
    try:
        return _fernet(_keys()).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as error:
        raise UnsealError("the sealed value cannot be opened with the configured keys") from error


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "PISHKHAN_SEALING_KEYS":
        _fernet.cache_clear()

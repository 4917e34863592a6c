"""Sealing: small secrets encrypted at rest with keys kept outside the database.

What is sealed: a citizen's full national ID and mobile for as long as the gateway and the completion
SMS need them, an office operator's national ID (or company ID) and mobile, the secrets agencies
share with Pishkhan, and the files uploaded (licence applications' documents, inspection photos:
:func:`seal_bytes`, through :mod:`pishkhan.common.sealed_storage`). A sealed value is ``v2:`` and, in URL-safe
base64, a random 96-bit nonce and the text encrypted with AES-256-GCM (``cryptography``'s ``AESGCM``),
whose tag makes a token altered in the database fail to unseal instead of decoding to something else;
a stolen database or backup reveals nothing without the keys. Every counter transaction seals twice,
so the cipher is the one that costs a single call (a Fernet token, AES-128-CBC with an HMAC-SHA256
tag, cost four times as much); tokens sealed as Fernet tokens before are still opened, and
:func:`reseal` moves them.

Keys come from ``settings.PISHKHAN_SEALING_KEYS`` (the environment's ``PISHKHAN_SEALING_KEYS``): the
first seals, every one unseals, so a key is rotated by putting a new one first, resealing
(:func:`reseal`), then dropping the old one. A key's AES key is derived from it with HKDF-SHA256. With
random nonces one key should seal no more than 2^32 values (NIST SP 800-38D): about twenty years of a
national network's transactions; rotate keys long before.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from functools import cache
from typing import Any

import pydantic_core
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
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


PREFIX = "v2:"
NONCE_BYTES = 12
_HKDF_INFO = b"pishkhan.sealing.aes-256-gcm"


@cache
def _ciphers(keys: tuple[str, ...]) -> tuple[AESGCM, ...]:
    """Each key's AES-GCM cipher, the sealing key's first."""
    if not keys:
        raise UnsealError("no sealing keys are configured (PISHKHAN_SEALING_KEYS)")
    return tuple(AESGCM(_aes_key(key)) for key in keys)


def _aes_key(key: str) -> bytes:
    kdf = HKDF(hashes.SHA256(), 32, salt=None, info=_HKDF_INFO)
    return kdf.derive(base64.urlsafe_b64decode(key.encode()))


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    """For the Fernet tokens sealed before ``v2``."""
    if not keys:
        raise UnsealError("no sealing keys are configured (PISHKHAN_SEALING_KEYS)")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.PISHKHAN_SEALING_KEYS)


def seal(value: str) -> str:
    """Encrypt a text with the first sealing key; the token is ASCII, about 1.4 × the text + 40."""
    return _sealed(value.encode())


def _sealed(data: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = _ciphers(_keys())[0].encrypt(nonce, data, None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(token: str) -> str:
    """The text a token sealed; ``UnsealError`` when it was altered or no configured key opens it."""
    try:
        if not token.startswith(PREFIX):
            return _fernet(_keys()).decrypt(token.encode("ascii")).decode()
        raw = base64.urlsafe_b64decode(token[len(PREFIX) :].encode("ascii"))
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        for cipher in _ciphers(_keys()):
            try:
                return cipher.decrypt(nonce, sealed, None).decode()
            except InvalidTag:
                continue
    except (InvalidToken, UnicodeError, ValueError, binascii.Error) as error:
        raise UnsealError("the sealed value cannot be opened with the configured keys") from error
    raise UnsealError("the sealed value cannot be opened with the configured keys")


def seal_json(value: Any) -> str:
    """Seal a JSON-able value as compact UTF-8 JSON.

    Encoded by pydantic-core (a fifth of what ``json.dumps`` with options costs; every counter
    transaction seals its gateway payload); keys keep their order, which nothing reads.
    """
    return _sealed(pydantic_core.to_json(value))


def unseal_json(token: str) -> Any:
    """The value :func:`seal_json` sealed."""
    return json.loads(unseal(token))


def reseal(token: str) -> str:
    """The same value sealed with the current first key (for key rotation, and for Fernet tokens)."""
    return seal(unseal(token))


# A sealed file: this header, a random 96-bit nonce, then the content encrypted whole with AES-256-GCM
# (the files sealed are at most a few megabytes: documents and photos are refused above 5 MB).
FILE_MAGIC = b"PKSEALF1"


def bytes_sealed(data: bytes) -> bool:
    """Whether bytes are sealed (by :func:`seal_bytes`), judged by their header."""
    return data.startswith(FILE_MAGIC)


def seal_bytes(data: bytes) -> bytes:
    """Encrypt bytes (a file's content) with the first sealing key; 28 bytes longer than ``data``."""
    nonce = os.urandom(NONCE_BYTES)
    return FILE_MAGIC + nonce + _ciphers(_keys())[0].encrypt(nonce, data, FILE_MAGIC)


def unseal_bytes(data: bytes) -> bytes:
    """The bytes :func:`seal_bytes` sealed; ``UnsealError`` when altered or no configured key opens them."""
    return _unseal_bytes(data)[0]


def _unseal_bytes(data: bytes) -> tuple[bytes, int]:
    """The bytes sealed and the index of the key that opened them (0: the current sealing key)."""
    if not bytes_sealed(data):
        raise UnsealError("these bytes are not sealed")
    start = len(FILE_MAGIC)
    nonce, sealed = data[start : start + NONCE_BYTES], data[start + NONCE_BYTES :]
    for index, cipher in enumerate(_ciphers(_keys())):
        try:
            return cipher.decrypt(nonce, sealed, FILE_MAGIC), index
        except InvalidTag:
            continue
    raise UnsealError("the sealed file cannot be opened with the configured keys")


def reseal_bytes(data: bytes) -> bytes | None:
    """``data`` sealed with the current first key, or ``None`` when it already is (nothing to write).

    Bytes not sealed at all (a file stored before files were sealed) are sealed.
    """
    if not bytes_sealed(data):
        return seal_bytes(data)
    plain, index = _unseal_bytes(data)
    return None if index == 0 else seal_bytes(plain)


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "PISHKHAN_SEALING_KEYS":
        _ciphers.cache_clear()
        _fernet.cache_clear()

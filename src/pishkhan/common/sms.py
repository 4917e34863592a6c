"""Text messages to citizens' mobiles, through one pluggable backend.

``settings.PISHKHAN_SMS_BACKEND`` names it: ``log`` (the default) appends each message, the number
masked, as a JSON line to ``<data dir>/sms.log`` — the stand-in for a demo or a test; ``console``
writes the same line to standard error; anything else is the dotted path of a class with
``send(to, text, key)`` that raises :class:`SmsError` when the provider refuses (an operator's provider).

``key`` is the message's idempotency key (``pishkhan.notifications``): a provider that has accepted a
key once must not deliver it again. Real gateways take it as their client reference / UID; the log
backend, the stand-in provider, keeps every key it wrote and skips a key it has seen — which is what
makes a message go out once when a worker dies between the provider's acceptance and its own commit
(ADR 0013).
"""

from __future__ import annotations

import fcntl
import json
import sys
import threading
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string

from pishkhan.common.identifiers import mobile_mask


class SmsError(Exception):
    """The message could not be handed to the provider; try again later."""


class SmsBackend(Protocol):
    def send(self, to: str, text: str, key: str) -> None: ...


def _line(to: str, text: str, key: str = "") -> str:
    record = {"at": timezone.now().isoformat(timespec="seconds"), "to": mobile_mask(to), "text": text}
    if key:
        record["key"] = key
    return json.dumps(record, ensure_ascii=False)


class LogFileBackend:
    """Appends each message to a file: nothing leaves the machine, and the number is masked.

    Like a real gateway, it delivers a key once: under an exclusive lock on the file (several worker
    processes may share it) it reads what was appended since it last looked, and a key already there is
    accepted without a second line.
    """

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(settings.PISHKHAN_DATA_DIR) / "sms.log"
        self._seen: set[str] = set()
        self._read_to = 0

    def _catch_up(self, log: object) -> None:
        """Learn the keys appended since the last look (by this or another process)."""
        log.seek(self._read_to)  # type: ignore[attr-defined]
        for raw in log.read().splitlines():  # type: ignore[attr-defined]
            try:
                key = json.loads(raw).get("key")
            except ValueError:
                continue  # a line cut short by a crash carries no key worth keeping
            if key:
                self._seen.add(key)
        self._read_to = log.tell()  # type: ignore[attr-defined]

    def send(self, to: str, text: str, key: str = "") -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a+", encoding="utf-8") as log:
            fcntl.flock(log, fcntl.LOCK_EX)
            try:
                self._catch_up(log)
                if key and key in self._seen:
                    return  # accepted before: a retry after a crash, delivered once
                log.write(_line(to, text, key) + "\n")
                log.flush()
                self._read_to = log.tell()
                if key:
                    self._seen.add(key)
            finally:
                fcntl.flock(log, fcntl.LOCK_UN)
        self.delivered(key)

    def delivered(self, key: str) -> None:
        """Called once a message is written (a hook for a subclass; a test's crash provider)."""


class ConsoleBackend:
    """Writes each message to standard error (the number masked)."""

    def send(self, to: str, text: str, key: str = "") -> None:
        print(_line(to, text, key), file=sys.stderr, flush=True)


_NAMED = {"log": LogFileBackend, "console": ConsoleBackend}


@cache
def _backend(name: str) -> SmsBackend:
    factory = _NAMED.get(name) or import_string(name)
    return factory()


def sms_send(*, to: str, text: str, key: str) -> None:
    """Send one message under its idempotency key through the configured backend; ``SmsError`` when
    it could not. Only ``pishkhan.notifications`` calls it: every other domain enqueues a message."""
    _backend(settings.PISHKHAN_SMS_BACKEND).send(to, text, key)


@receiver(setting_changed)
def _backend_changed(*, setting: str, **kwargs: object) -> None:
    if setting in {"PISHKHAN_SMS_BACKEND", "PISHKHAN_DATA_DIR"}:
        _backend.cache_clear()

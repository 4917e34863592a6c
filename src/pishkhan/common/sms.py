"""Text messages to citizens' mobiles, through one pluggable backend.

``settings.PISHKHAN_SMS_BACKEND`` names it: ``log`` (the default) appends each message, the number
masked, as a JSON line to ``<data dir>/sms.log`` — the stand-in for a demo or a test; ``console``
writes the same line to standard error; anything else is the dotted path of a class with
``send(to, text)`` that raises :class:`SmsError` when the provider refuses (an operator's provider).
"""

from __future__ import annotations

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
    def send(self, to: str, text: str) -> None: ...


def _line(to: str, text: str) -> str:
    record = {"at": timezone.now().isoformat(timespec="seconds"), "to": mobile_mask(to), "text": text}
    return json.dumps(record, ensure_ascii=False)


class LogFileBackend:
    """Appends each message to a file: nothing leaves the machine, and the number is masked."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(settings.PISHKHAN_DATA_DIR) / "sms.log"

    def send(self, to: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as log:
            log.write(_line(to, text) + "\n")


class ConsoleBackend:
    """Writes each message to standard error (the number masked)."""

    def send(self, to: str, text: str) -> None:
        print(_line(to, text), file=sys.stderr, flush=True)


_NAMED = {"log": LogFileBackend, "console": ConsoleBackend}


@cache
def _backend(name: str) -> SmsBackend:
    factory = _NAMED.get(name) or import_string(name)
    return factory()


def sms_send(*, to: str, text: str) -> None:
    """Send one message through the configured backend; ``SmsError`` when it could not."""
    _backend(settings.PISHKHAN_SMS_BACKEND).send(to, text)


@receiver(setting_changed)
def _backend_changed(*, setting: str, **kwargs: object) -> None:
    if setting in {"PISHKHAN_SMS_BACKEND", "PISHKHAN_DATA_DIR"}:
        _backend.cache_clear()

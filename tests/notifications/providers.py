"""SMS providers for the tests, named by dotted path in ``PISHKHAN_SMS_BACKEND`` (an operator's
provider is plugged in the same way): one that refuses, and the log backend that dies after writing."""

from __future__ import annotations

import os
import signal

from pishkhan.common.sms import LogFileBackend, SmsError

REFUSED: list[str] = []


class RefusingBackend:
    """A provider that is down: it refuses every message (and remembers the keys it was offered)."""

    def send(self, to: str, text: str, key: str) -> None:
        REFUSED.append(key)
        raise SmsError("provider unavailable (503)")


class KillingLogBackend(LogFileBackend):
    """The log backend, whose process is killed (SIGKILL) right after its N-th message is written:
    the provider has accepted it, the worker has not yet recorded it. ``SMS_KILL_AFTER`` gives N."""

    written = 0

    def delivered(self, key: str) -> None:
        KillingLogBackend.written += 1
        if KillingLogBackend.written >= int(os.environ.get("SMS_KILL_AFTER", "0") or 0) > 0:
            os.kill(os.getpid(), signal.SIGKILL)

"""Failed attempts counted per client address (docs/operations.md, "Throttling").

django-axes locks one user name from one address after a few failures; someone trying many user names
(or many API keys) from one address is stopped here: after ``limit`` failures in a window of ``window``
seconds, the address is refused until the window ends. Counts live in the default cache (a database
table shared by every server process), in a bucket per window; a success counts nothing and costs one
cache read on the sign-in form only (an API key's success path reads nothing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Throttle:
    """One kind of failure counted per address."""

    kind: str  # "login" | "apikey"
    limit: int
    window: int  # seconds

    def _key(self, address: str, now: float) -> str:
        return f"pishkhan:throttle:{self.kind}:{address}:{int(now // self.window)}"

    def retry_after(self, address: str, *, now: float | None = None) -> int:
        """Seconds until ``address`` may try again: 0 when it may now."""
        now = time.time() if now is None else now
        if not address or (cache.get(self._key(address, now)) or 0) < self.limit:
            return 0
        return int(self.window - now % self.window) + 1

    def failed(self, address: str, *, now: float | None = None) -> None:
        """Count one failure of ``address``."""
        if not address:
            return
        now = time.time() if now is None else now
        key = self._key(address, now)
        # add() then incr(): the database cache has no atomic increment; two failures at the same
        # moment may count once, which a limit of this size tolerates.
        if not cache.add(key, 1, timeout=self.window + 60):
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.add(key, 1, timeout=self.window + 60)


def login_throttle() -> Throttle:
    """Failed sign-ins per address, whatever user names they tried."""
    return Throttle("login", settings.PISHKHAN_LOGIN_ADDRESS_FAILURES, settings.PISHKHAN_LOGIN_ADDRESS_WINDOW)


def apikey_throttle() -> Throttle:
    """Failed API keys per address."""
    return Throttle(
        "apikey", settings.PISHKHAN_APIKEY_ADDRESS_FAILURES, settings.PISHKHAN_APIKEY_ADDRESS_WINDOW
    )


def client_address(request: HttpRequest) -> str:
    """The client's address as django-axes takes it (``AXES_IPWARE_*``: behind our proxy, its last hop)."""
    return get_client_ip_address(request) or ""

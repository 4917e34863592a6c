"""The catalogue as the counter's hot path reads it: services, tariffs and who may deliver what, each
read once per server process however many requests name them.

Services and tariffs change a few times a year, and every transaction reads them. A process keeps what
it read until the catalogue changes: its own writes are seen at once, another process's within
``VERSION_CHECK_SECONDS`` of their commit (``versions``: a token in the shared cache, asked for at most
that often, so not once per request). ``MAX_AGE_SECONDS`` bounds what a write in raw SQL, which
changes no token, can leave stale.
"""

from __future__ import annotations

import datetime as dt
import time

from pishkhan.catalogue.models import Service
from pishkhan.catalogue.selectors import service_get, service_undeliverable_why, tariff_in_force
from pishkhan.catalogue.versions import catalogue_generation, catalogue_version

VERSION_CHECK_SECONDS = 2.0
MAX_AGE_SECONDS = 600.0


class Lookups:
    """Services, tariffs and the deliverable rule's answers as read from the catalogue, each once.

    ``version`` and ``generation``: the catalogue's as they were when it was made (``versions``).
    """

    def __init__(self, version: str | None = None, generation: int = 0) -> None:
        self.services: dict[str, Service] = {}
        self.tariffs: dict[tuple[int, dt.date], int | None] = {}
        self.refusals: dict[tuple[str, str], str] = {}
        self.version, self.generation = version, generation
        self.read_at = self.checked_at = time.monotonic()

    def service(self, code: str) -> Service:
        """The service with this code; ``NotFoundError`` when none (an unknown code is not kept: it may
        be published a moment later)."""
        if code not in self.services:
            self.services[code] = service_get(code=code)
        return self.services[code]

    def tariff_total(self, service: Service, on: dt.date) -> int | None:
        """The total fee of the service's tariff in force on ``on``; None when none is."""
        if (service.pk, on) not in self.tariffs:
            tariff = tariff_in_force(service=service, on=on)
            self.tariffs[service.pk, on] = tariff.total if tariff is not None else None
        return self.tariffs[service.pk, on]

    def undeliverable_why(self, service: Service, office_kind: str) -> str:
        """``selectors.service_undeliverable_why``, answered once per service and kind."""
        key = (office_kind, service.code)
        why = self.refusals.get(key)
        if why is None:
            why = self.refusals[key] = service_undeliverable_why(service=service, office_kind=office_kind)
        return why


_shared = Lookups(generation=-1)  # never current: the first request reads the version


def lookups_shared() -> Lookups:
    """The catalogue as this process keeps it (see the module's docstring)."""
    global _shared
    shared = _shared
    now = time.monotonic()
    if shared.generation == catalogue_generation() and now - shared.checked_at < VERSION_CHECK_SECONDS:
        return shared
    version = catalogue_version()
    if (
        shared.generation != catalogue_generation()
        or version != shared.version
        or now - shared.read_at > MAX_AGE_SECONDS
    ):
        shared = _shared = Lookups(version, catalogue_generation())
    else:
        shared.checked_at = now
    return shared

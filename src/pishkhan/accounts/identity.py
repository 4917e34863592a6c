"""Who a national ID belongs to: the pluggable identity check behind sign-up (docs/accounts.md).

A prospective licensee proves that a national ID is theirs in two steps: the identity check says the ID
exists and which mobile is registered to it (what the national registry and the operators' Shahkar
service answer), and a one-time code is texted to that mobile. The check is an adapter behind the
``IdentityCheck`` interface, chosen by the setting ``PISHKHAN_IDENTITY_BACKEND`` (a dotted path to a
class): ``SandboxIdentityCheck`` answers deterministically for development, tests and the demo, as the
gateway's agency sandbox does; a deployment names its registry adapter there.

Accounts keep a verified national ID as a keyed hash (to match), a mask (to show) and sealed (to file
an application under it); never in clear.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from pishkhan.common.errors import ApplicationError
from pishkhan.common.identifiers import national_id_clean

NATIONAL_ID_KEY_SALT = "pishkhan.accounts.national_id"
DEFAULT_BACKEND = "pishkhan.accounts.identity.SandboxIdentityCheck"


class IdentityUnavailableError(ApplicationError):
    """The identity check could not answer (the registry is down or refused us): try again later."""

    status = 503
    code = "identity-unavailable"
    title = "The identity registry cannot be reached"


@dataclass(frozen=True)
class IdentityRecord:
    """What the registry answers about a national ID: whether it exists, and the mobile registered to it
    ("" when none is). ``national_id`` is the clean ID asked about."""

    national_id: str
    exists: bool
    mobile: str = ""


class IdentityCheck(Protocol):
    """An identity registry's adapter. ``lookup`` is given a clean national ID (and the birth date when
    the registry wants it) and answers; it raises ``IdentityUnavailableError`` when it cannot."""

    def lookup(self, national_id: str, *, birth_date: dt.date | None = None) -> IdentityRecord: ...


# The sandbox's own people: national IDs with a fixed answer, for tests and the demo (docs/accounts.md).
SANDBOX_IDENTITIES: dict[str, IdentityRecord] = {
    record.national_id: record
    for record in (
        IdentityRecord("0010000011", exists=True, mobile="09120000011"),
        IdentityRecord("0010000021", exists=True, mobile="09120000021"),
        IdentityRecord("0010000038", exists=True, mobile="09120000038"),
        # Exists, but no mobile is registered to it: sign-up cannot text a code.
        IdentityRecord("0010000046", exists=True, mobile=""),
        # Well formed, but the registry knows no such person.
        IdentityRecord("0010000054", exists=False),
    )
}


def sandbox_mobile(national_id: str) -> str:
    """The mobile the sandbox registers to a national ID outside its table: ``0999`` and the ID's last
    seven digits (``0012345679`` → ``09992345679``)."""
    return "0999" + national_id[-7:]


class SandboxIdentityCheck:
    """A registry for development, tests and the demo: every valid national ID exists with the mobile
    ``sandbox_mobile`` gives, except those of ``SANDBOX_IDENTITIES``, which answer as listed there."""

    def lookup(self, national_id: str, *, birth_date: dt.date | None = None) -> IdentityRecord:
        """The sandbox's answer; deterministic."""
        if national_id in SANDBOX_IDENTITIES:
            return SANDBOX_IDENTITIES[national_id]
        return IdentityRecord(national_id, exists=True, mobile=sandbox_mobile(national_id))


@functools.cache
def _backend(path: str) -> IdentityCheck:
    return import_string(path)()


@receiver(setting_changed)
def _backend_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "PISHKHAN_IDENTITY_BACKEND":
        _backend.cache_clear()


def identity_check() -> IdentityCheck:
    """The configured identity check (``PISHKHAN_IDENTITY_BACKEND``)."""
    return _backend(getattr(settings, "PISHKHAN_IDENTITY_BACKEND", "") or DEFAULT_BACKEND)


def identity_lookup(national_id: str, *, birth_date: dt.date | None = None) -> IdentityRecord:
    """Ask the identity check about a national ID (cleaned first: a malformed one is a 422 here).

    An adapter's failure other than ``IdentityUnavailableError`` is reported as that error too, so a
    page says "try again later" rather than failing.
    """
    national_id = national_id_clean(national_id)
    try:
        return identity_check().lookup(national_id, birth_date=birth_date)
    except IdentityUnavailableError:
        raise
    except Exception as exc:  # an adapter's own failure: the registry is out of reach
        raise IdentityUnavailableError(
            _("The identity registry cannot be reached now. Please try again later.")
        ) from exc


def national_id_key(national_id: str) -> str:
    """The keyed hash an account keeps of its verified national ID: equal IDs match, none reads back."""
    return salted_hmac(NATIONAL_ID_KEY_SALT, national_id, algorithm="sha256").hexdigest()

"""The privacy worker job: the retention policy applied once a day."""

from __future__ import annotations

import datetime as dt

from pishkhan.privacy.services import privacy_purge


def retention_purge(*, now: dt.datetime) -> int:
    """Purge what is past its retention period; how many items went."""
    return sum(line.count or 0 for line in privacy_purge(actor="worker: retention", now=now))

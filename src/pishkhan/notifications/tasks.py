"""The outbox's job, run by ``pishkhan worker`` (``settings.PISHKHAN_JOBS``)."""

from __future__ import annotations

import datetime as dt

from pishkhan.notifications.services import messages_send_due


def messages_send(*, now: dt.datetime) -> int:
    """Send the text messages due; how many went."""
    return messages_send_due(now=now)

"""The dates of licensing policy: a licence's term, its renewal window, the bar after a revocation.

The lengths are settings (``PISHKHAN_LICENCE_TERM_YEARS``, ``PISHKHAN_LICENCE_RENEWAL_WINDOW_DAYS``,
``PISHKHAN_LICENCE_REVOCATION_BAR_YEARS``), policy values the regulator may change; a licence already
issued keeps the expiry it was given. Days are Tehran's calendar days.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from pishkhan.common.calendar import format_jalali_date


def add_years(value: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February in a common year."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def today(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Tehran at ``now`` (default: now)."""
    return timezone.localdate(now or timezone.now())


def term_years() -> int:
    """How many years a licence runs from its issue (or its last renewal's old expiry)."""
    return int(settings.PISHKHAN_LICENCE_TERM_YEARS)


def expiry_for(issued_on: dt.date) -> dt.date:
    """The last day of a licence issued on ``issued_on``."""
    return add_years(issued_on, term_years())


def renewal_opens_on(expires_on: dt.date) -> dt.date:
    """The first day a licence expiring on ``expires_on`` may be renewed."""
    return expires_on - dt.timedelta(days=int(settings.PISHKHAN_LICENCE_RENEWAL_WINDOW_DAYS))


def revocation_bar_start(now: dt.datetime) -> dt.datetime:
    """Revocations since this moment bar their holder from applying again."""
    years = int(settings.PISHKHAN_LICENCE_REVOCATION_BAR_YEARS)
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def date_shown(value: dt.date) -> str:
    """A date as a message shows it: Jalali, in Persian digits when the language is Persian."""
    return format_jalali_date(value, persian=(get_language() or "").startswith("fa"))
